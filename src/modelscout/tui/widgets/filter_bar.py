"""The filter bar: the active query as text, in the same language as `modelscout list`, editable.

Keys on the table rewrite the text (``show_query``); typing here re-parses it on every keystroke and
posts ``QueryEdited`` when it parses. A query that does not parse yet (``tier:`` half typed) keeps the
table as it was and says what is wrong under the bar.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from modelscout.errors import QueryError
from modelscout.query import Query, parse_query

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
            yield Input(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
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
