"""The virtualised table at 100,000 rows behaves like a table: cursor, scrolling, sort, filter, detail.

The catalogue is the benchmark's synthetic Hub-shaped one, written once per session. Results are
checked against the per-call query engine, so the index, the worker and the table agree end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.gen_catalog import catalog_document
from modelscout.catalog import Model, load_catalog
from modelscout.query import parse_query, run_query_per_call
from modelscout.tui.screens.detail import DetailScreen
from tests.tui.helpers import highlighted, main_screen, make_app, press, settle, table

SIZE = 100_000


@pytest.fixture(scope="session")
def big_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("perf") / "catalog-100k.json"
    path.write_text(json.dumps(catalog_document(SIZE, seed=11)))
    return path


@pytest.fixture(scope="session")
def big_models(big_catalog: Path) -> tuple[Model, ...]:
    return load_catalog(big_catalog).models


def expected_ids(models: tuple[Model, ...], text: str) -> list[str]:
    return [m.id for m in run_query_per_call(models, parse_query(text))]


def row_text(app: object, line: int) -> str:
    return table(app).render_line(line).text  # type: ignore[arg-type]


async def test_cursor_scrolling_and_drawing_at_100k(big_catalog: Path) -> None:
    app = make_app(query="", catalog=big_catalog)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        grid = table(app)
        assert len(grid.rows) == SIZE
        assert main_screen(app).header_line.counts == "100,000 / 100,000 models"
        await press(pilot, "j", "j", "j")
        assert grid.cursor_row == 3 and highlighted(app) is grid.rows[3]
        await press(pilot, "G")
        assert grid.cursor_row == SIZE - 1
        top = round(grid.scroll_offset.y)
        page = grid.scrollable_content_region.height - 1
        assert top <= SIZE - 1 < top + page, "the last row is scrolled into view"
        assert grid.rows[top].name[:12] in row_text(app, 1), "line 1 draws the first visible row"
        await press(pilot, "pageup")
        assert grid.cursor_row == SIZE - 1 - page
        await press(pilot, "g")
        assert grid.cursor_row == 0 and round(grid.scroll_offset.y) == 0
        assert grid.rows[0].name[:12] in row_text(app, 1)


async def test_sort_and_filter_at_100k_match_the_reference_engine(
    big_catalog: Path, big_models: tuple[Model, ...]
) -> None:
    app = make_app(query="", catalog=big_catalog)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "s")  # first sort column: intelligence, best first
        assert main_screen(app).filter_bar.text == "sort:-intelligence"
        assert [m.id for m in table(app).rows] == expected_ids(big_models, "sort:-intelligence")
        await press(pilot, "slash", *"qwen", "enter")
        text = main_screen(app).filter_bar.text
        assert text == "sort:-intelligence qwen"
        expected = expected_ids(big_models, text)
        assert 0 < len(expected) < SIZE
        assert [m.id for m in table(app).rows] == expected
        await press(pilot, "t", "t")  # tier: small
        expected = expected_ids(big_models, main_screen(app).filter_bar.text)
        assert [m.id for m in table(app).rows] == expected
        assert {m.tier for m in table(app).rows} == {"small"}


async def test_detail_view_of_the_last_of_100k_rows(big_catalog: Path) -> None:
    app = make_app(query="sort:name", catalog=big_catalog)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "G")
        last = table(app).rows[-1]
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model is last
        await press(pilot, "escape")
        assert highlighted(app) is last
