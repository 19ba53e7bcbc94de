"""The line at the top: which catalogue is shown and how old it is, rows shown / total, hardware."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label


class HeaderLine(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("modelscout", id="header-title")
        yield Label("loading catalogue…", id="header-source", markup=False)
        yield Label("", id="header-hardware", markup=False)
        yield Label("filtering…", id="header-busy")
        yield Label("", id="header-counts")

    def set_source(self, text: str) -> None:
        self.query_one("#header-source", Label).update(text)

    def set_hardware(self, text: str) -> None:
        self.query_one("#header-hardware", Label).update(text)

    def set_busy(self, busy: bool) -> None:
        """Say a query is still running (shown only for slow ones: the screen delays the call)."""
        self.set_class(busy, "-busy")

    def set_counts(self, shown: int, total: int) -> None:
        label = self.query_one("#header-counts", Label)
        text = f"{shown:,} / {total:,} models"
        # As wide as the longest count this catalogue can give, so a new count is only a repaint:
        # a label whose width follows its text needs a layout of the whole screen (~8 ms at
        # 120x40) whenever the number of digits changes, as it does while typing a search.
        widest = cell_len(f"{total:,} / {total:,} models") + 2  # + its padding
        if label.styles.width is None or label.styles.width.value != widest:
            label.styles.width = widest
        if str(label.content) != text:
            label.update(text, layout=False)

    @property
    def counts(self) -> str:
        return str(self.query_one("#header-counts", Label).content)

    @property
    def source(self) -> str:
        return str(self.query_one("#header-source", Label).content)

    @property
    def hardware(self) -> str:
        return str(self.query_one("#header-hardware", Label).content)
