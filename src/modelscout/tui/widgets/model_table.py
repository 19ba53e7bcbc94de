"""The model table: a virtualised list of catalogue rows that stays instant at 100,000 models.

Built on Textual's Line API (``ScrollView`` + ``render_line``), after toolong's ``LogLines``: only the
rows on screen are rendered, each rendered row is kept in an LRU cache of strips, and nothing is
built per model until it scrolls into view. The stock ``DataTable`` creates an object per cell up
front and takes seconds to mount 100,000 rows.

API (what screens and benchmarks use):

- ``ModelTable(columns)``: the columns to show, as `modelscout.display.columns.Column` data.
- ``set_rows(rows, cursor=0)``: swap in the rows of a new query result. ``rows`` is any sequence of
  `Model` (the result list is kept, not copied); the cost is independent of its length.
- ``set_columns(columns)``, ``set_sort(key)``: change what is shown, and which header has the arrow;
  ``refresh_rows()`` after cell contents changed outside the rows (download progress).
- ``empty_message``: the text shown when there are no rows.
- ``rows``, ``cursor_row``, ``highlighted_model``, ``move_cursor(index)``.
- Messages: ``ModelTable.Highlighted`` when the cursor lands on another model, ``ModelTable.Selected``
  on enter or a click on the highlighted row, ``ModelTable.HeaderClicked`` with a column's sort key.

Line 0 of the widget is the header and never scrolls; row ``i`` is drawn on line ``i - scroll_y + 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from modelscout.catalog.model import Model
from modelscout.display.cells import fit_to_width
from modelscout.display.columns import CATALOGUE_COLUMNS, GAP, Column, layout
from modelscout.query import SortKey

ROLES = ("dim", "accent", "good", "warn", "bad", "tiny", "small", "medium", "large")
STRIP_CACHE_SIZE = 2048  # rendered rows kept; a screenful is ~50, scrolling back is free


class ModelTable(ScrollView, can_focus=True):
    """Catalogue rows with a cursor; see the module docstring for the API."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next row", show=False),
        Binding("k,up", "cursor_up", "Previous row", show=False),
        Binding("g,home", "cursor_first", "First row", show=False),
        Binding("G,end", "cursor_last", "Last row", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("enter", "select", "Details"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "model-table--header",
        "model-table--sorted",
        "model-table--cursor",
        "model-table--empty",
        *(f"model-table--{role}" for role in ROLES),
    }

    DEFAULT_CSS = """
    ModelTable {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    class _TableMessage(Message):
        """A message from this table; `control` lets handlers use `@on(..., "#id")`."""

        def __init__(self, table: ModelTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> ModelTable:
            return self.table

    class Highlighted(_TableMessage):
        """The cursor is on another model (None when the table is empty)."""

        def __init__(self, table: ModelTable, model: Model | None) -> None:
            super().__init__(table)
            self.model = model

    class Selected(_TableMessage):
        """The user asked for the highlighted model's details."""

        def __init__(self, table: ModelTable, model: Model) -> None:
            super().__init__(table)
            self.model = model

    class HeaderClicked(_TableMessage):
        """A column header was clicked: the screen sorts by `sort_key`."""

        def __init__(self, table: ModelTable, sort_key: str) -> None:
            super().__init__(table)
            self.sort_key = sort_key

    def __init__(
        self,
        columns: Sequence[Column] = CATALOGUE_COLUMNS,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[Column, ...] = tuple(columns)
        self._rows: Sequence[Model] = ()
        self._cursor = 0
        self._sort: SortKey | None = None
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = -1
        # Bumped whenever the look of every row changes (width, columns, theme), so cached strips
        # from before are never reused; old keys simply age out of the LRU.
        self._generation = 0
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._styles: dict[tuple[str, bool], Style] = {}
        self.empty_message = ""

    # -- public API --------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Model]:
        return self._rows

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def highlighted_model(self) -> Model | None:
        return self._rows[self._cursor] if self._rows else None

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def shown_columns(self) -> list[str]:
        """Keys of the columns that fit the current width (after a render)."""
        return [column.key for column, _ in self._layout]

    def set_rows(self, rows: Sequence[Model], cursor: int = 0) -> None:
        """Show a new query result, with the cursor on row `cursor`."""
        self._rows = rows
        self._cursor = max(0, min(cursor, len(rows) - 1))
        self._update_virtual_size()
        self._scroll_cursor_into_view(center=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted_model))

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._invalidate()

    def refresh_rows(self) -> None:
        """Redraw every row: a cell's content changed outside the rows (a download's progress)."""
        self._generation += 1
        self.refresh()

    def set_sort(self, sort: SortKey | None) -> None:
        """Move the header's arrow. Rows look the same under any sort: their strips stay cached."""
        if sort != self._sort:
            self._sort = sort
            self.refresh(Region(0, 0, self.size.width, 1))  # the header line

    def move_cursor(self, index: int) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self._cursor:
            return
        self._cursor = index
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted_model))

    # -- actions -----------------------------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page_rows)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page_rows)

    def action_select(self) -> None:
        model = self.highlighted_model
        if model is not None:
            self.post_message(self.Selected(self, model))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            key = self.column_at(offset.x)
            if key is not None:
                self.post_message(self.HeaderClicked(self, key))
            return
        index = self.scroll_offset.y + offset.y - 1
        if index >= len(self._rows):
            return
        if index == self._cursor:
            self.action_select()
        else:
            self.move_cursor(index)

    def column_at(self, x: int) -> str | None:
        """The sort key of the column drawn at cell `x`, if it has one."""
        start = 0
        for column, width in self._layout:
            if start <= x < start + width:
                return column.sort_key
            start += width + GAP
        return None

    # -- scrolling ---------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        if size == self.virtual_size:
            return
        if not self.container_size:  # not laid out yet: the first layout takes the size
            self.virtual_size = size
            return
        # Assigning `virtual_size` asks for a layout of the whole screen (~8 ms at 120x40), yet
        # a new row count only moves the scrollbar: store it and update the scrollbars directly.
        # Should the scrollbar appear or vanish, `_scroll_update` changes `show_vertical_scrollbar`,
        # which asks for the layout itself.
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        top = round(self.scroll_offset.y)
        page = self._page_rows
        cursor = self._cursor
        if top <= cursor < top + page:
            return
        if center:
            target = max(0, cursor - page // 2)
        elif cursor < top:
            target = cursor
        else:
            target = cursor - page + 1
        self.scroll_to(y=target, animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._invalidate()

    def _invalidate(self) -> None:
        self._generation += 1
        self._layout_width = -1
        self._styles.clear()
        self.refresh()

    # -- rendering ---------------------------------------------------------------------------

    def _style(self, role: str, cursor: bool) -> Style:
        key = (role, cursor)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if role:
                style += self.get_component_rich_style(f"model-table--{role}", partial=True)
            if cursor:
                # The full style, not the partial one: a translucent cursor colour is only right
                # once blended with the background. Only its background and weight are taken, so
                # the cell keeps its own colour.
                full = self.get_component_rich_style("model-table--cursor")
                style += Style(bgcolor=full.bgcolor, bold=full.bold)
            self._styles[key] = style
        return style

    def _ensure_layout(self, width: int) -> None:
        if width != self._layout_width:
            self._layout = layout(self._columns, width)
            self._layout_width = width
            self._generation += 1

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._ensure_layout(width)
        if y == 0:
            return self._header_strip(width)
        if not self._rows:
            return self._empty_strip(y, width)
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        model = self._rows[index]
        cursor = index == self._cursor
        key = (model.id, cursor, self._generation)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._row_strip(model, cursor, width)
            self._strips.set(key, strip)
        return strip

    def _row_strip(self, model: Model, cursor: bool, width: int) -> Strip:
        gap = Segment(" " * GAP, self._style("", cursor))
        segments: list[Segment] = []
        for column, column_width in self._layout:
            if segments:
                segments.append(gap)
            text, role = column.render(model, column_width)
            segments.append(Segment(text, self._style(role, cursor)))
        # Neighbouring cells mostly share a style: joined, a row is a few segments instead of
        # twenty, and every later step of drawing it (cropping, colour filters, output) is shorter.
        return Strip(segments).adjust_cell_length(width, self._style("", cursor)).simplify()

    def _header_strip(self, width: int) -> Strip:
        key = ("header", self._generation, self._sort)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        header = self.rich_style + self.get_component_rich_style(
            "model-table--header", partial=True
        )
        sorted_style = header + self.get_component_rich_style("model-table--sorted", partial=True)
        segments: list[Segment] = []
        for column, column_width in self._layout:
            if segments:
                segments.append(Segment(" " * GAP, header))
            label = column.label
            style = header
            if self._sort is not None and column.sort_key == self._sort.key:
                arrow = "▼" if self._sort.descending else "▲"
                label = f"{arrow}{label}" if column.align == "right" else f"{label}{arrow}"
                style = sorted_style
            segments.append(Segment(fit_to_width(label, column_width, column.align), style))
        strip = Strip(segments).adjust_cell_length(width, header)
        self._strips.set(key, strip)
        return strip

    def _empty_strip(self, y: int, width: int) -> Strip:
        lines = self.empty_message.splitlines()
        index = y - 2
        if 0 <= index < len(lines):
            style = self.rich_style + self.get_component_rich_style(
                "model-table--empty", partial=True
            )
            text = fit_to_width(lines[index], width, "left")
            return Strip([Segment(text, style)], width)
        return Strip.blank(width, self.rich_style)
