"""Pilot tests for what surrounds the table: a broken catalogue, saved settings, hardware fit."""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

import pytest

from modelscout.errors import HardwareError, QueryError
from modelscout.tui.app import initial_state
from modelscout.tui.screens.prompt import PromptScreen
from modelscout.tui.settings import Settings
from tests.tui.fakes import FakeFitSource
from tests.tui.helpers import ids, main_screen, make_app, press, settle, table


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "catalogue file not found"),
        ("{not json", "not valid JSON (line 1 column 2)"),
        ('{"schema_version": 1, "models": [{"id": "x"}]}', "missing field 'name'"),
    ],
)
async def test_a_broken_catalogue_is_a_clear_message(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "broken.json"
    if content is not None:
        path.write_text(content)
    app = make_app(catalog=path)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert app.is_running
        assert ids(app) == []
        assert screen.header_line.source == "no catalogue"
        assert expected in table(app).empty_message
        assert "with --catalog PATH or MODELSCOUT_CATALOG" in table(app).empty_message
        await press(pilot, "t", "s", "j", "enter")  # keys do nothing harmful without a catalogue
        assert app.is_running


async def test_catalogue_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.tui.helpers import FIXTURE_CATALOG

    monkeypatch.setenv("MODELSCOUT_CATALOG", str(FIXTURE_CATALOG))
    app = make_app(catalog=None)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert len(ids(app)) == 12


async def test_query_and_theme_are_saved_and_come_back(tmp_path: Path) -> None:
    saved = tmp_path / "config" / "tui.json"
    app = make_app(settings_file=saved)
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "t", "m", "S")
        app.theme = "nord"
        await settle(pilot)
    assert json.loads(saved.read_text()) == {
        "query": "tier:tiny moe sort:intelligence",
        "theme": "nord",
        "context_tokens": 8192,
    }
    query, settings, notices = initial_state(argparse.Namespace(query=None), saved)
    assert query.to_text() == "tier:tiny moe sort:intelligence"
    assert settings.theme == "nord" and notices == ()


def test_query_option_seeds_the_query(tmp_path: Path) -> None:
    saved = tmp_path / "tui.json"
    saved.write_text(json.dumps({"query": "tier:large", "theme": "nord"}))
    query, settings, _ = initial_state(argparse.Namespace(query="moe sort:name"), saved)
    assert query.to_text() == "moe sort:name"
    assert settings.theme == "nord"
    with pytest.raises(QueryError):
        initial_state(argparse.Namespace(query="tier:huge"), saved)


async def test_a_seeded_query_is_saved_once_the_app_opens(tmp_path: Path) -> None:
    saved = tmp_path / "tui.json"
    app = make_app(query="moe", settings=Settings(query="tier:large"), settings_file=saved)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert ids(app) == ["swarm-30b-a3b", "swarm-106b-a12b", "giant-671b"]
    assert json.loads(saved.read_text())["query"] == "moe"


def test_a_broken_saved_query_or_file_falls_back_with_a_notice(tmp_path: Path) -> None:
    saved = tmp_path / "tui.json"
    saved.write_text(json.dumps({"query": "tier:huge"}))
    query, _, notices = initial_state(argparse.Namespace(query=None), saved)
    assert query.to_text() == "sort:-intelligence"
    assert "remembered query dropped" in notices[0]
    saved.write_text("{")
    query, _, notices = initial_state(argparse.Namespace(query=None), saved)
    assert query.to_text() == "sort:-intelligence" and "saved settings ignored" in notices[0]


async def test_fit_keys_are_hidden_without_hardware() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "f", "c")
        assert not isinstance(app.screen, PromptScreen)
        assert main_screen(app).filter_bar.text == "sort:-intelligence"
        assert "fit" not in table(app).shown_columns


async def test_a_fits_query_without_hardware_is_shown_without_the_fit_part() -> None:
    app = make_app(query="fits tier:tiny sort:best")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert ids(app) == ["pico-1.7b-reasoning", "pico-1.7b", "lumen-4b", "mystery-3b"]
        assert "need detected hardware" in main_screen(app).filter_bar.error


async def test_detected_hardware_adds_columns_and_the_fit_keys() -> None:
    source = FakeFitSource()
    app = make_app(detect_fit=lambda: source)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.header_line.hardware == "Test GPU 16 GiB · ctx 8k"
        assert table(app).shown_columns[-2:] == ["fit", "tps"]
        await press(pilot, "f")
        assert screen.filter_bar.text == "fits sort:-intelligence"
        assert ids(app) == [
            "quill-14b",
            "pico-1.7b-reasoning",
            "pico-1.7b",
            "lumen-4b",
            "open-7b",
            "vault-12b",
            "mystery-3b",
        ]
        # A longer context leaves less memory: only models up to 8B fit.
        await press(pilot, "c")
        assert isinstance(app.screen, PromptScreen)
        await press(pilot, "ctrl+u", *"64k", "enter")
        assert source.contexts[-1] == 65536
        assert screen.header_line.hardware == "Test GPU 16 GiB · ctx 64k"
        assert ids(app) == ["pico-1.7b-reasoning", "pico-1.7b", "lumen-4b", "open-7b", "mystery-3b"]
        assert app.settings.context_tokens == 65536


async def test_sort_cycle_reaches_best_and_tps_with_hardware() -> None:
    app = make_app(query="sort:openness", detect_fit=FakeFitSource)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert main_screen(app).filter_bar.text == "sort:best"
        first = [m.id for m in table(app).rows][:5]
        assert first == ["quill-14b", "pico-1.7b-reasoning", "pico-1.7b", "lumen-4b", "open-7b"]
        await press(pilot, "s")
        assert main_screen(app).filter_bar.text == "sort:-tps"
        assert ids(app)[0] in ("pico-1.7b-reasoning", "pico-1.7b")


async def test_hardware_detection_failure_is_a_notice() -> None:
    def broken() -> None:
        raise HardwareError("no readable memory information")

    app = make_app(detect_fit=broken)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert main_screen(app).header_line.hardware == "hardware not detected"
        assert len(ids(app)) == 12
        assert any("no readable memory" in str(n.message) for n in app._notifications)


async def test_a_fits_query_applies_once_hardware_arrives() -> None:
    release = threading.Event()
    source = FakeFitSource()

    def slow_detection() -> FakeFitSource:
        release.wait(timeout=10)
        return source

    app = make_app(query="fits", detect_fit=slow_detection)
    async with app.run_test() as pilot:
        while main_screen(app).catalog is None or not table(app).rows:
            await pilot.pause()
        assert len(ids(app)) == 12
        assert "need detected hardware" in main_screen(app).filter_bar.error
        release.set()
        await settle(pilot)
        assert main_screen(app).filter_bar.error == ""
        assert "giant-671b" not in ids(app) and len(ids(app)) == 7


def test_a_bad_query_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from modelscout.cli import main

    assert main(["--query", "tier:huge"]) == 2
    assert "unknown tier 'huge'" in capsys.readouterr().err


async def test_an_unexpected_loader_failure_is_shown_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import modelscout.tui.screens.main as main_module

    def broken_loader(path: object) -> None:
        raise NameError("name 'msgspec' is not defined")

    monkeypatch.setattr(main_module, "resolve_catalog", broken_loader)
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert app.is_running
        assert "unexpected NameError: name 'msgspec'" in table(app).empty_message


def test_run_app_passes_the_catalogue_query_and_settings_path(
    monkeypatch: pytest.MonkeyPatch, isolated_user_dirs: Path
) -> None:
    from modelscout.tui import app as app_module

    opened: list[app_module.ModelscoutApp] = []
    monkeypatch.setattr(app_module.ModelscoutApp, "run", lambda self: opened.append(self))
    args = argparse.Namespace(catalog="elsewhere.json", query="tier:tiny sort:name")
    assert app_module.run_app(args) == 0
    (app,) = opened
    assert app.catalog_path == "elsewhere.json"
    assert app._initial_query.to_text() == "tier:tiny sort:name"
    assert app.settings_file == isolated_user_dirs / "config" / "modelscout" / "tui.json"
