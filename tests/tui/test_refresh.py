"""The palette's "Refresh catalogue from the Hub" against recorded Hub API answers on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.command import CommandPalette

from modelscout.catalog.location import cached_catalog_path
from modelscout.query import index as query_index
from tests.catalog.factory import document, entry
from tests.hub.apiserver import HubApiServer
from tests.hub.hubserver import unused_port
from tests.tui.helpers import main_screen, make_app, settle
from tests.tui.hub_fixtures import record_notices, wait_until
from tests.tui.widgets_access import activity_text


@pytest.fixture(name="api")
def api_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubApiServer]:
    server = HubApiServer()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.close()


def write_catalogue(path: Path, *entries: dict[str, object]) -> Path:
    path.write_text(json.dumps(document(*entries)), encoding="utf-8")
    return path


QWEN = entry(id="qwen3-8b", name="Qwen3 8B", repo_id="Qwen/Qwen3-8B", total_params_b=8.2)
GEMMA = entry(id="gemma-3-4b", name="Gemma 3 4B", repo_id="google/gemma-3-4b-it")
GONE = entry(id="gone-7b", name="Gone 7B", repo_id="demo/Gone-7B")


async def run_palette_refresh(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*"refresh catalogue")
    await settle(pilot)
    await pilot.press("enter")


async def test_palette_refresh_saves_the_cache_and_reloads_the_table(
    api: HubApiServer, tmp_path: Path
) -> None:
    mine = write_catalogue(tmp_path / "mine.json", QWEN, GEMMA, GONE)
    app = make_app(catalog=mine)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        assert main_screen(app).header_line.source == "mine.json, built 2026-01-01"
        api.script("model:demo/Gone-7B", "hang")  # hold one answer to see the progress line
        await run_palette_refresh(pilot)
        await wait_until(pilot, lambda: "refreshing the catalogue: 2/3" in activity_text(app))
        api.release()
        await wait_until(pilot, lambda: any("refreshed" in m for _, m in notices))
        await settle(pilot)

        screen = main_screen(app)
        assert screen.header_line.source.startswith("cached 20")
        assert screen.catalog is not None and screen.catalog.origin == "cache"
        qwen = screen.catalog.by_id()["qwen3-8b"]
        assert qwen.downloads == 1824357 and qwen.refreshed_at is not None
        assert cached_catalog_path().exists()
        summary = next(m for _, m in notices if "refreshed" in m)
        assert "refreshed 2 of 3 repos" in summary and "1 gone from the Hub" in summary
        assert "mine.json is unchanged" in summary
        assert json.loads(mine.read_text())["built"] == "2026-01-01"  # the named file is untouched
        assert activity_text(app) == ""  # the progress line is gone once it is over
        assert {r.path for r in api.requests} >= {"/api/models/Qwen/Qwen3-8B"}
        # Only the catalogue on screen keeps a query index (and with it, its records).
        assert [index.models for index in query_index._cache] == [screen.catalog.models]


async def test_a_refresh_that_gets_nothing_leaves_the_cache_alone(
    api: HubApiServer, tmp_path: Path
) -> None:
    app = make_app(catalog=write_catalogue(tmp_path / "gone.json", GONE))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        await run_palette_refresh(pilot)
        await wait_until(pilot, lambda: any(sev == "error" for sev, _ in notices))
        message = next(m for sev, m in notices if sev == "error")
        assert "unchanged" in message and "\n" not in message
        assert not cached_catalog_path().exists()
        assert main_screen(app).header_line.source == "gone.json, built 2026-01-01"


async def test_a_refresh_that_cannot_reach_the_hub_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = unused_port()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    app = make_app(catalog=write_catalogue(tmp_path / "two.json", QWEN, GEMMA))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        await run_palette_refresh(pilot)
        await wait_until(pilot, lambda: any(sev == "error" for sev, _ in notices))
        message = next(m for sev, m in notices if sev == "error")
        assert "the catalogue is unchanged" in message
        assert f"cannot reach http://127.0.0.1:{port}: network unreachable" in message


async def test_a_refresh_in_offline_mode_says_how_to_leave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    app = make_app(catalog=write_catalogue(tmp_path / "one.json", QWEN))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        await run_palette_refresh(pilot)
        await wait_until(pilot, lambda: any(sev == "warning" for sev, _ in notices))
        message = next(m for sev, m in notices if sev == "warning")
        assert message.startswith("offline mode: nothing was refreshed; unset HF_HUB_OFFLINE")


async def test_q_during_a_refresh_quits_at_once(
    api: HubApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Hub that drips its answers must not hold the app open after `q`."""
    import threading

    from modelscout.tui.screens import main as main_module

    ended = threading.Event()
    refresh = main_module.refresh_catalogue

    def watched(*args: object) -> None:
        try:
            refresh(*args)  # type: ignore[arg-type]
        finally:
            ended.set()

    monkeypatch.setattr(main_module, "refresh_catalogue", watched)
    api.script("body", *["drip:1"] * 20)  # every answer one byte a second
    app = make_app(catalog=write_catalogue(tmp_path / "mine.json", QWEN, GEMMA))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await run_palette_refresh(pilot)
        await wait_until(pilot, lambda: api.body_bytes_sent > 0)  # the answers are dripping in
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, timeout_s=5)
    assert ended.wait(5), "the refresh kept running after the app quit"
    assert not cached_catalog_path().exists()
