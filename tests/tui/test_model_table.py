"""The model table on its own: it touches only the rows on screen, however many it is given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from textual.app import App, ComposeResult

from modelscout.catalog.model import Model
from modelscout.tui.widgets.model_table import ModelTable
from tests.catalog.factory import model

TEMPLATE = model()


class LazyRows(Sequence[Model]):
    """100,000 models made on demand, counting which indexes were read."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.read: set[int] = set()

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> Model: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Model]: ...
    def __getitem__(self, index: int | slice) -> Model | Sequence[Model]:
        if isinstance(index, slice):
            raise TypeError("the table must not slice its rows")
        if not 0 <= index < self.count:
            raise IndexError(index)
        self.read.add(index)
        return TEMPLATE.replace(id=f"m{index:06d}", name=f"Model {index:06d}")


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlights: list[str | None] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield ModelTable()

    def on_model_table_highlighted(self, event: ModelTable.Highlighted) -> None:
        self.highlights.append(event.model.id if event.model else None)

    def on_model_table_selected(self, event: ModelTable.Selected) -> None:
        self.selected.append(event.model.id)


async def test_only_visible_rows_are_read_at_100k() -> None:
    app = TableApp()
    rows = LazyRows(100_000)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ModelTable)
        widget.set_rows(rows)
        await pilot.pause()
        assert max(rows.read) < 24
        rows.read.clear()
        await pilot.press("G")
        await pilot.pause()
        assert widget.cursor_row == 99_999
        assert rows.read and min(rows.read) > 99_999 - 24 - 1
        assert widget.scroll_offset.y == 100_000 + 1 - 24
        rows.read.clear()
        await pilot.press("pageup")
        await pilot.pause()
        assert widget.cursor_row == 99_999 - 23
        assert len(rows.read) <= 24
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [f"m{99_999 - 23:06d}"]


async def test_swapping_rows_keeps_the_requested_cursor_and_reports_it() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ModelTable)
        widget.set_rows(LazyRows(500), cursor=250)
        await pilot.pause()
        assert widget.highlighted_model is not None
        assert widget.highlighted_model.id == "m000250"
        top = widget.scroll_offset.y
        assert top <= 250 < top + 22
        widget.set_rows([])
        await pilot.pause()
        assert widget.highlighted_model is None
        await pilot.press("j", "G", "enter")  # no rows: nothing moves, nothing selected
        assert app.selected == []
        assert app.highlights[-2:] == ["m000250", None]


async def test_click_moves_the_cursor_then_selects() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(ModelTable)
        widget.set_rows(LazyRows(50))
        await pilot.pause()
        await pilot.click(ModelTable, offset=(3, 4))  # line 4 is row 3 (line 0 is the header)
        assert widget.cursor_row == 3
        await pilot.click(ModelTable, offset=(3, 4))
        assert app.selected == ["m000003"]


async def test_the_cursor_is_dimmer_when_the_table_is_not_focused() -> None:
    from modelscout.tui.screens.main import MainScreen
    from tests.tui.helpers import make_app, settle

    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        focused = screen.table._style("", True)
        await pilot.press("slash")
        await settle(pilot)
        blurred = screen.table._style("", True)
        assert focused.bgcolor != blurred.bgcolor
        assert focused.bold and not blurred.bold
