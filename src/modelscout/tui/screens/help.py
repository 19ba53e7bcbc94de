"""`?`: every key the app answers to, built from the same binding lists the footer uses."""

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

QUERY_HELP = (
    "The filter bar speaks the query language of `modelscout list`: free words match name, creator "
    "and repo; tier:tiny,small  open:permissive  moe / dense  reasoning / reasoning:no  "
    "active<=4  total>=30  ctx>=128k  iq>=40  creator:qwen  license:apache-2.0  vision  fits  "
    "sort:-intelligence,name (a leading - sorts descending)."
)


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


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, rows in self._sections:
            table.add_row(Text(title, style="bold underline"), "")
            for key, description in rows:
                table.add_row(key, description)
            table.add_row("", "")
        with Vertical(id="help-box"):
            yield Label("Keys", id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(table, id="help-keys")
                yield Static(QUERY_HELP, id="help-query", markup=False)
            yield Label("esc or ? closes · ctrl+p offers every action by name", id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
