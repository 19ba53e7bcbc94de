"""`C`: the marked rows side by side, as `modelscout compare` prints them (both are built by
`modelscout.display.compare`), with the fit on the detected machine when it is known."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from modelscout.catalog.model import Model
from modelscout.display.compare import Comparison, comparison, comparison_tables
from modelscout.display.text import shown

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext


class CompareScreen(Screen[None]):
    HELP_TITLE: ClassVar[str] = "Compare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,C", "back", "Back"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False),
        Binding("k,up", "scroll('up')", "Scroll up", show=False),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(
        self, models: Sequence[Model], twins: Sequence[Sequence[Model]], fit: FitContext | None
    ) -> None:
        super().__init__()
        fits = [fit.model_fit(m) for m in models] if fit is not None else None
        hardware = fit.summary() if fit is not None else None
        self.comparison: Comparison = comparison(models, twins, fits, hardware)

    def compose(self) -> ComposeResult:
        names = " · ".join(shown(m.name) for m in self.comparison.models)
        yield Label(Text.assemble(("Compare  ", "bold"), (names, "")), id="compare-title")
        with VerticalScroll(id="compare-scroll"):
            for heading, table in comparison_tables(self.comparison):
                # Static, not Label: a long heading (the machine's summary) wraps at 80 columns.
                yield Static(Text(heading), classes="detail-heading")
                yield Static(table, classes="compare-section")
            if self.comparison.fits is None:
                yield Static(
                    "The fit per quantisation appears once the hardware is detected "
                    "(modelscout compare A B --vram 24G plans for another machine).",
                    classes="detail-none",
                    markup=False,
                )
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        scroll = self.query_one("#compare-scroll", VerticalScroll)
        {
            "down": scroll.scroll_down,
            "up": scroll.scroll_up,
            "page_down": scroll.scroll_page_down,
            "page_up": scroll.scroll_page_up,
            "home": scroll.scroll_home,
            "end": scroll.scroll_end,
        }[where](animate=False)
