"""The TUI's plain-Python parts: query steps, column layout, settings, snippets, value parsing."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from modelscout.catalog.load import Catalog
from modelscout.display.cells import fit_to_width
from modelscout.display.columns import (
    CATALOGUE_COLUMNS,
    GAP,
    active_cell,
    fit_columns,
    layout,
    openness_cell,
)
from modelscout.query import parse_query, run_query
from modelscout.tui import query_cycles as qc
from modelscout.tui.rows import Place, describe_catalog, index_of, place_of
from modelscout.tui.settings import Settings, load_settings, save_settings
from modelscout.tui.snippets import run_snippets
from tests.catalog.factory import model


def test_every_cycle_comes_back_to_all_and_reads_back_as_text() -> None:
    steps = {
        qc.cycle_tier: 5,
        qc.cycle_openness: 4,
        qc.cycle_moe: 3,
        qc.cycle_reasoning: 3,
    }
    for step, length in steps.items():
        query = parse_query("qwen sort:name")
        for _ in range(length):
            query = step(query)
            assert parse_query(query.to_text()) == query
        assert query == parse_query("qwen sort:name")


def test_a_hand_typed_multi_tier_filter_resets_to_all() -> None:
    assert qc.cycle_tier(parse_query("tier:tiny,large")).tiers == frozenset()


def test_sort_steps() -> None:
    query = parse_query("")
    assert qc.cycle_sort(query).to_text() == "sort:-intelligence"
    assert qc.cycle_sort(parse_query("sort:-intelligence")).to_text() == "sort:name"
    assert qc.cycle_sort(parse_query("sort:openness")).to_text() == "sort:-intelligence"
    assert qc.cycle_sort(parse_query("sort:openness"), fit_available=True).to_text() == "sort:best"
    assert qc.cycle_sort(parse_query("sort:price")).to_text() == "sort:-intelligence"
    assert qc.reverse_sort(parse_query("sort:name,-ctx")).to_text() == "sort:-name,-ctx"
    assert qc.reverse_sort(query).to_text() == "sort:intelligence"


def test_clear_filters_keeps_the_sort() -> None:
    query = parse_query("tier:tiny moe qwen active<=4 sort:-ctx")
    assert qc.clear_filters(query).to_text() == "sort:-ctx"
    assert qc.has_filters(query) and not qc.has_filters(qc.clear_filters(query))


def test_max_active_replaces_the_previous_limit() -> None:
    query = qc.set_max_active(parse_query("active<=8 tier:small"), 4.0)
    assert query.to_text() == "tier:small active<=4"
    assert qc.set_max_active(query, None).to_text() == "tier:small"


@given(st.integers(min_value=0, max_value=400))
def test_layout_never_overflows_and_keeps_name_and_intelligence(width: int) -> None:
    placed = layout(CATALOGUE_COLUMNS, width)
    keys = [column.key for column, _ in placed]
    assert "name" in keys and "intelligence" in keys
    used = sum(w for _, w in placed) + GAP * (len(placed) - 1)
    minimum = sum(c.min_width for c, _ in placed) + GAP * (len(placed) - 1)
    assert used <= max(width, minimum)
    assert all(w >= column.min_width for column, w in placed)
    assert keys == [c.key for c in CATALOGUE_COLUMNS if c.key in keys]  # order kept


def test_layout_drops_the_least_useful_columns_first() -> None:
    keys = [c.key for c, _ in layout(CATALOGUE_COLUMNS, 60)]
    assert keys == ["name", "tier", "total", "active", "ctx", "intelligence"]
    assert len(layout(CATALOGUE_COLUMNS, 78)) == len(CATALOGUE_COLUMNS)


class _AnyFit:
    def fits(self, model: object) -> bool:
        return True

    def est_tps(self, model: object) -> float | None:
        return None

    def fit_rank(self, model: object) -> int | None:
        return None


def test_every_sortable_header_has_room_for_its_sort_arrow() -> None:
    for column in (*CATALOGUE_COLUMNS, *fit_columns(_AnyFit())):
        if column.sort_key is not None:
            assert column.min_width >= len(column.label) + 1, column.label


def test_cells() -> None:
    moe = model(total_params_b=30.5, active_params_b=3.3, moe=True)
    assert active_cell(moe) == ("◆ 3.3B", "accent")
    assert active_cell(model(active_params_b=7.0)) == ("7B", "")
    assert openness_cell(model(license="mit")) == ("mit", "good")
    assert openness_cell(model(license=None)) == ("restricted", "warn")
    assert openness_cell(model(weights_available=False)) == ("closed", "bad")
    intelligence = next(c for c in CATALOGUE_COLUMNS if c.key == "intelligence")
    assert intelligence.cell(model(intelligence_index=None)) == ("–", "dim")
    ctx = next(c for c in CATALOGUE_COLUMNS if c.key == "ctx")
    assert ctx.cell(model(context_tokens=262144)).text == "256k"


def test_fit_to_width_pads_aligns_and_cuts() -> None:
    assert fit_to_width("2.3B", 6, "right") == "  2.3B"
    assert fit_to_width("Qwen", 6, "left") == "Qwen  "
    assert fit_to_width("Qwen3 30B A3B", 8, "left") == "Qwen3 3…"
    assert fit_to_width("anything", 0, "left") == ""


def test_settings_round_trip_and_tolerate_junk(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "tui.json"
    assert load_settings(path) == (Settings(), None)
    save_settings(path, Settings(query="moe", theme="nord", context_tokens=32768))
    assert load_settings(path) == (Settings("moe", "nord", 32768), None)
    path.write_text(json.dumps({"query": 3, "theme": None, "context_tokens": -1}))
    assert load_settings(path) == (Settings(), None)
    path.write_text("[]")
    settings, problem = load_settings(path)
    assert settings == Settings() and problem is not None and "not a JSON object" in problem


def test_snippets_only_for_known_repos() -> None:
    assert run_snippets(model(repo_id=None)) == []
    plain = run_snippets(model(repo_id="org/M-7B"))
    assert [s.title for s in plain] == ["transformers"]
    assert 'model="org/M-7B"' in plain[0].code
    gguf = run_snippets(model(repo_id="org/M-7B", gguf_repo_id="org/M-7B-GGUF"))
    assert [s.code for s in gguf[1:]] == [
        "llama-cli -hf org/M-7B-GGUF",
        "ollama run hf.co/org/M-7B-GGUF",
    ]


def test_snippets_follow_the_quantisation_the_verdict_chose() -> None:
    both = model(repo_id="org/M-7B", gguf_repo_id="org/M-7B-GGUF")
    q4 = run_snippets(both, "Q4_K_M")
    assert [s.code for s in q4] == [
        "llama-cli -hf org/M-7B-GGUF:Q4_K_M",
        "ollama run hf.co/org/M-7B-GGUF:Q4_K_M",
    ]  # no full-precision transformers line when the fit chose a 4-bit file
    assert [s.title for s in run_snippets(both, "F16/BF16")] == [
        "transformers",
        "llama.cpp",
        "Ollama",
    ]


def test_describe_catalog(tmp_path: Path) -> None:
    bundled = Catalog(
        models=(), path=tmp_path / "catalog.json", origin="bundled", built="2026-11-25"
    )
    assert describe_catalog(bundled) == "bundled, built 2026-11-25"
    cached_file = tmp_path / "cache.json"
    cached_file.write_text("{}")
    cached = Catalog(models=(), path=cached_file, origin="cache", built=None)
    assert describe_catalog(cached).startswith("cached 20")
    chosen = Catalog(models=(), path=tmp_path / "mine.json", origin="file")
    assert describe_catalog(chosen) == "mine.json"


def test_the_palette_plans_for_every_profile_by_name() -> None:
    from modelscout.hardware.profiles import PROFILES
    from modelscout.tui.commands import plan_commands

    asked: list[str] = []
    commands = {c.title: c for c in plan_commands(asked.append)}
    assert len(commands) == len(PROFILES) + 1
    commands["Plan for: GeForce RTX 4090"].run()
    commands["Plan for: this machine"].run()
    assert asked == ["rtx4090", "this"]


def test_a_downloaded_file_is_run_from_disk_quoted_for_the_shell() -> None:
    both = model(repo_id="org/M-7B", gguf_repo_id="org/M-7B-GGUF")
    local = run_snippets(both, "Q4_K_M", "/home/me/hf cache/m-Q4_K_M.gguf")
    assert local[0].code == "llama-cli -m '/home/me/hf cache/m-Q4_K_M.gguf'"


def test_the_cursor_follows_a_model_by_position_checked_by_id() -> None:
    catalogue = tuple(
        model(id=f"m{i}", name=f"M {i}", total_params_b=float(i + 1), active_params_b=1.0)
        for i in range(6)
    )
    by_size = run_query(catalogue, parse_query("sort:-total"))
    place = place_of(by_size, 1)
    assert place == Place(4, "m4")
    by_name = run_query(catalogue, parse_query("sort:name"))
    assert by_name[index_of(by_name, place)].id == "m4"
    # Another catalogue holds another model at that position: the id decides, not the position.
    refreshed = tuple(model(id=f"n{i}", name=f"N {i}") for i in range(6)) + (catalogue[4],)
    rows = run_query(refreshed, parse_query(""))
    assert index_of(rows, place) == 6
    assert index_of(list(catalogue), Place(None, "m2")) == 2  # rows without positions: by id
    assert index_of(by_name, Place(4, "gone")) == 0
    assert place_of(by_name, 99) is None
