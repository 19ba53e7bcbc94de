"""`v`: the table's rows as charts, the highlighted row marked and followed with j / k.

Four charts: intelligence against active and against total parameters (log scale, MoE marked),
memory needed against context length for the followed model (a line per quantisation, the machine's
VRAM and RAM as horizontal lines), and its estimated speed per quantisation. The screen returns
the row it ended on, so the table's cursor follows what was looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from modelscout.catalog.model import Model
from modelscout.display import charts
from modelscout.display import format as fmt
from modelscout.display import text as display_text
from modelscout.display.charts import ScatterPoint
from modelscout.fit.estimate import context_label as fit_context_label
from modelscout.tui.widgets.model_chart import ModelChart, curve_style, limit_style

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext

# (key, title) in the order tab walks them.
CHARTS: tuple[tuple[str, str], ...] = (
    ("active", "Intelligence vs active parameters"),
    ("total", "Intelligence vs total parameters"),
    ("memory", "Memory needed vs context length"),
    ("speed", "Estimated tok/s per quantisation"),
)
NEEDS_FIT = frozenset({"memory", "speed"})


class ChartsScreen(Screen[int]):
    HELP_TITLE: ClassVar[str] = "Charts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "back", "Back", tooltip="Back to the table, on the row followed here"),
        Binding("1", "show('active')", "Intel/active", tooltip="Intelligence vs active params"),
        Binding("2", "show('total')", "Intel/total", tooltip="Intelligence vs total params"),
        Binding("3", "show('memory')", "Memory", tooltip="Memory needed vs context length"),
        Binding("4", "show('speed')", "Speed", tooltip="Estimated tok/s per quantisation"),
        Binding("tab", "next_chart", "Next chart", show=False, tooltip="The next chart"),
        Binding("j,down", "follow(1)", "Next row", show=False, tooltip="Mark the next row"),
        Binding("k,up", "follow(-1)", "Previous row", show=False, tooltip="Mark the previous row"),
    ]

    def __init__(
        self, rows: Sequence[Model], cursor: int, fit: FitContext | None, chart: str = "active"
    ) -> None:
        super().__init__()
        self.rows = rows
        self.cursor = cursor
        self.fit = fit
        self.chart = chart
        self._points: dict[str, list[ScatterPoint]] = {}

    def compose(self) -> ComposeResult:
        yield Label("", id="charts-title")
        yield ModelChart(id="charts-plot", allow_pan_and_zoom=False)
        yield Static("", id="charts-caption", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.redraw()

    @property
    def plot(self) -> ModelChart:
        return self.query_one(ModelChart)

    @property
    def model(self) -> Model | None:
        return self.rows[self.cursor] if self.rows else None

    def points(self, axis: charts.SizeAxis) -> list[ScatterPoint]:
        if axis not in self._points:
            self._points[axis] = charts.scatter_points(self.rows, axis)
        return self._points[axis]

    def redraw(self) -> None:
        title = dict(CHARTS)[self.chart]
        keys = "  ".join(f"{n} {k}" for n, (k, _) in enumerate(CHARTS, 1))
        self.query_one("#charts-title", Label).update(
            Text.assemble((title, "bold"), (f"   {keys} · j/k row · esc back", "dim"))
        )
        caption = self.query_one("#charts-caption", Static)
        model = self.model
        if self.chart in ("active", "total"):
            axis: charts.SizeAxis = "active" if self.chart == "active" else "total"
            points = self.points(axis)
            here = next((p for p in points if p.row == self.cursor), None)
            self.plot.draw_scatter(points, axis, here)
            caption.update(self._scatter_caption(model, here, len(points)))
            return
        if self.fit is None or model is None:
            self.plot.draw_speed([])
            caption.update(
                "This chart needs the machine's hardware: it appears once detection has finished "
                "(or plan one on the CLI: modelscout compare A B --vram 24G)."
            )
            return
        if self.chart == "memory":
            curves = charts.memory_curves(model, self.fit)
            limits = charts.machine_limits(self.fit)
            self.plot.draw_memory(curves, limits)
            key = Text(f"{display_text.shown(model.name)}: weights + KV cache + overhead. ")
            for index, curve in enumerate(curves):
                key.append(f"━{curve.quant} ", style=curve_style(index))
            for index, (label, _) in enumerate(limits):
                key.append(f"━{label} ", style=limit_style(index))
            caption.update(key)
        else:
            bars = charts.speed_bars(model, self.fit)
            self.plot.draw_speed(bars)
            runs = "  ".join(f"{b.quant} {b.runs}" for b in bars)
            caption.update(
                f"{display_text.shown(model.name)} at {self._context_text()}: {runs} (no bar: does not run here)"
            )

    def _context_text(self) -> str:
        assert self.fit is not None and self.model is not None
        tokens = self.fit.model_fit(self.model).context_tokens
        return f"{fit_context_label(tokens)} tokens of context"

    def _scatter_caption(self, model: Model | None, here: ScatterPoint | None, shown: int) -> str:
        total = len(self.rows)
        counts = f"{shown} of {total} rows have an intelligence index"
        if total > charts.SCATTER_ROWS:
            counts = f"{shown:,} of the first {charts.SCATTER_ROWS:,} of {total:,} rows have an intelligence index"
        if model is None:
            return counts
        if here is None:
            return f"{display_text.shown(model.name)}: no intelligence index, not on this chart · {counts}"
        moe = f", {fmt.params(model.active_params_b)} active (MoE)" if model.moe else ""
        return (
            f"▣ {display_text.shown(model.name)}: intelligence {fmt.number(model.intelligence_index)}, "
            f"{fmt.params(model.total_params_b)} total{moe} · {counts}"
        )

    # -- actions -----------------------------------------------------------------------------

    def action_show(self, chart: str) -> None:
        self.chart = chart
        self.redraw()

    def action_next_chart(self) -> None:
        keys = [key for key, _ in CHARTS]
        self.chart = keys[(keys.index(self.chart) + 1) % len(keys)]
        self.redraw()

    def action_follow(self, step: int) -> None:
        """Move the mark to the next row the chart can show (on a scatter, one with a point)."""
        if not self.rows:
            return
        if self.chart in ("active", "total"):
            rows = [p.row for p in self.points(self.chart)]  # type: ignore[arg-type]
            later = [r for r in rows if (r - self.cursor) * step > 0]
            if not later:
                return
            self.cursor = min(later) if step > 0 else max(later)
        else:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))
        self.redraw()

    def action_back(self) -> None:
        self.dismiss(self.cursor)
