"""The filter bar: the active query as text, in the same language as `modelscout list`, editable.

Keys on the table rewrite the text (``show_query``); typing here re-parses it on every keystroke and
posts ``QueryEdited`` when it parses. A query that does not parse yet (``tier:`` half typed) keeps the
table as it was and says what is wrong under the bar.
"""

from __future__ import annotations

from typing import ClassVar, Self

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Label

from modelscout.errors import QueryError
from modelscout.query import Query, parse_query


class QueryInput(Input):
    """An `Input` whose edits repaint it without laying out the whole screen.

    `Input` stores the width of its text as its virtual size on every edit, and a virtual size
    change lays out the screen: ~8 ms on each key typed here or pressed on the table (which
    rewrites the text). This input's width comes from the layout, never from its text, so the text
    width only matters to its own horizontal scrolling, which `_scroll_update` brings up to date.
    """

    _value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False
        self._scroll_update(self.virtual_size)

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if layout and self._value_changing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


PLACEHOLDER = "words, tier:tiny, moe, active<=4, open:permissive, ctx>=128k, sort:-intelligence"


class FilterBar(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to the table", show=False),
    ]

    class QueryEdited(Message):
        """The text was edited into a valid query."""

        def __init__(self, query: Query) -> None:
            super().__init__()
            self.query = query

    class Left(Message):
        """The user is done editing (enter or escape)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield Label("/", id="filter-prompt")
            yield QueryInput(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
        yield Label("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def error(self) -> str:
        return str(self.query_one("#filter-error", Label).content)

    def show_query(self, query: Query) -> None:
        """Show a query set from elsewhere, without echoing it back as an edit."""
        field = self.input
        with field.prevent(Input.Changed):
            field.value = query.to_text()
            field.cursor_position = len(field.value)
        self.set_error(None)

    def set_error(self, message: str | None) -> None:
        label = self.query_one("#filter-error", Label)
        if str(label.content) != (message or ""):  # an update re-lays out the whole screen
            label.update(message or "")
        self.set_class(bool(message), "-invalid")

    def edit(self) -> None:
        """Focus the input with the cursor at the end after a space, ready to type a word."""
        field = self.input
        if field.value and not field.value.endswith(" "):
            with field.prevent(Input.Changed):
                field.value += " "
        # Focus now, not after a round trip through the message queue: keys typed right after
        # `/` are already on their way, and must find the input focused (see ModelscoutApp.on_key).
        self.screen.set_focus(field)
        field.cursor_position = len(field.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            query = parse_query(event.value)
        except QueryError as exc:
            self.set_error(str(exc))
            return
        self.set_error(None)
        self.post_message(self.QueryEdited(query))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Left())

    def action_leave(self) -> None:
        self.post_message(self.Left())
