"""`?`: the keys of the screen in front and the app's own, built from the same binding lists the
footer uses. A screen can group its keys by defining `help_sections()`; otherwise its `BINDINGS`
are listed under its `HELP_TITLE`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

# Each returns rows on the bundled catalogue (a test holds this; `fits` on a machine that runs some).
EXAMPLE_QUERIES: tuple[str, ...] = (
    "tier:tiny,small",
    "open:permissive",
    "moe",
    "dense",
    "reasoning",
    "reasoning:no",
    "active<=4",
    "total>=30",
    "ctx>=128k",
    "iq>=40",
    "creator:alibaba",
    "license:apache-2.0",
    "vision",
    "fits",
    "sort:-intelligence,name",
)
QUERY_HELP = (
    "The filter bar speaks the query language of `modelscout list`: free words match name, creator "
    f"and repo; {'  '.join(EXAMPLE_QUERIES)} (a leading - sorts descending)."
)

Section = tuple[str, Sequence[tuple[str, str]]]


def key_label(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}
    return " / ".join(names.get(k.strip(), k.strip()) for k in key.split(","))


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for each described binding; the longer tooltip when there is one."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            rows.append((key_label(binding.key), binding.tooltip or binding.description))
    return rows


def screen_sections(screen: object) -> list[Section]:
    """The keys of `screen`: its own grouping, or its bindings under its title."""
    own = getattr(screen, "help_sections", None)
    if callable(own):
        return list(own())
    title = getattr(screen, "HELP_TITLE", type(screen).__name__)
    return [(title, binding_rows(getattr(screen, "BINDINGS", ())))]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, sections: Sequence[Section], query_help: bool = False) -> None:
        """`query_help` adds the query language's examples (for the screen with the filter bar)."""
        super().__init__()
        self.sections = sections
        self._query_help = query_help

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, rows in self.sections:
            table.add_row(Text(title, style="bold underline"), "")
            for key, description in rows:
                table.add_row(key, description)
            table.add_row("", "")
        with Vertical(id="help-box"):
            yield Label("Keys", id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(table, id="help-keys")
                if self._query_help:
                    yield Static(QUERY_HELP, id="help-query", markup=False)
            yield Label("esc or ? closes · ctrl+p offers every action by name", id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
