"""The chart widget: textual-plot's `PlotWidget`, drawing what `modelscout.display.charts` computes.

textual-plot draws on a Textual canvas (a few milliseconds a frame at 200x50, against 10-25 ms for
textual-plotext), follows the app's theme and takes axis formatters, which give the logarithmic
axes their labels in billions and tokens. Its own keys (arrows pan, +/- zoom) are dropped: the
charts screen uses the arrows to follow rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual_plot import AxisFormatter, HiResMode, LegendLocation, PlotWidget

from modelscout import units
from modelscout.display.charts import (
    Curve,
    ScatterPoint,
    SizeAxis,
    SpeedBar,
    log_ticks,
    params_label,
)
from modelscout.fit.quants import GIB

DENSE_STYLE = "cyan"
MOE_STYLE = "magenta"
HIGHLIGHT_STYLE = "bold yellow"
LIMIT_STYLES = ("red", "bright_red")
LABEL_WIDTH = 32
EDGE_FRACTION = 0.03  # of the axis: no tick label this close to either end
Y_LABEL_WIDTH = 14  # written centred on the tenth column: at most this wide
CURVE_STYLES = ("green", "cyan", "blue", "magenta", "yellow", "white", "bright_green", "red")


class LogParamsFormatter(AxisFormatter):
    """Ticks on a log10-of-billions axis, labelled in parameters ('1B', '30B')."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        # A label is centred on its tick: one at the very edge would be cut in half.
        edge = (max_ - min_) * EDGE_FRACTION
        return [t for t in log_ticks(min_, max_) if min_ + edge <= t <= max_ - edge]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [params_label(tick) for tick in ticks]


class LogContextFormatter(AxisFormatter):
    """Ticks on a log2-of-kilotokens axis, labelled '1k', '32k', '1M'."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        ticks = [float(n) for n in range(math.ceil(min_), math.floor(max_) + 1)]
        step = max(1, math.ceil(len(ticks) / max(max_ticks, 1)))
        return ticks[::step]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [units.tokens_label(round(2**tick) * 1024) for tick in ticks]


def curve_style(index: int) -> str:
    return CURVE_STYLES[index % len(CURVE_STYLES)]


def limit_style(index: int) -> str:
    return LIMIT_STYLES[index % len(LIMIT_STYLES)]


class ModelChart(PlotWidget, can_focus=False, inherit_bindings=False):
    """One chart at a time; each `draw_*` replaces what was there."""

    def _start(self, xlabel: str, ylabel: str) -> None:
        self.clear()
        self.set_xticks(None)  # a bar chart's category ticks would otherwise stay
        # The label canvases keep what a longer label left there: pad every label to one width.
        self.set_xlabel(xlabel.center(LABEL_WIDTH))
        self.set_ylabel(ylabel.center(Y_LABEL_WIDTH))

    def draw_scatter(
        self, points: Sequence[ScatterPoint], axis: SizeAxis, highlight: ScatterPoint | None
    ) -> None:
        self._start(f"{axis} parameters (log scale)", "intelligence")
        self.set_x_formatter(LogParamsFormatter())
        dense = [p for p in points if not p.model.moe]
        moe = [p for p in points if p.model.moe]
        for group, marker, style, label in (
            (dense, "●", DENSE_STYLE, "dense"),
            (moe, "◆", MOE_STYLE, "MoE"),
        ):
            if group:
                xs = [p.x_log10_b for p in group]
                self.scatter(xs, [p.intelligence for p in group], marker, style, label=label)
        if highlight is not None:
            self.scatter(
                [highlight.x_log10_b], [highlight.intelligence], "▣", HIGHLIGHT_STYLE, label="here"
            )
        if points:
            low = min(p.x_log10_b for p in points)
            high = max(p.x_log10_b for p in points)
            pad = max(0.05, (high - low) * 0.04)
            self.set_xlimits(low - pad, high + pad)
            top = max(p.intelligence for p in points)
            self.set_ylimits(0, top * 1.08 + 1)
        self.show_legend(LegendLocation.BOTTOMRIGHT)

    def draw_memory(self, curves: Sequence[Curve], limits: Sequence[tuple[str, int]]) -> None:
        self._start("context length (log scale)", "GiB needed")
        self.set_x_formatter(LogContextFormatter())
        contexts = [c for curve in curves for c, _ in curve.points]
        if not contexts:
            return
        low = math.log2(min(contexts) / 1024)
        high = math.log2(max(contexts) / 1024)
        for index, curve in enumerate(curves):
            xs = [math.log2(c / 1024) for c, _ in curve.points]
            ys = [b / GIB for _, b in curve.points]
            self.plot(xs, ys, curve_style(index), HiResMode.BRAILLE, label=curve.quant)
        for index, (label, limit) in enumerate(limits):
            self.plot(
                [low, high], [limit / GIB] * 2, limit_style(index), HiResMode.BRAILLE, label=label
            )
        top = max([b for curve in curves for _, b in curve.points] + [b for _, b in limits])
        self.set_xlimits(low, max(math.ceil(high - 0.01), low + 1))  # 262,000 tokens: to 256k
        self.set_ylimits(0, top / GIB * 1.05)
        # Nine quantisations make a legend taller than the plot at 80x24: the screen's caption
        # carries the colour key instead.
        self.show_legend(is_visible=False)

    def draw_speed(self, bars: Sequence[SpeedBar]) -> None:
        self._start("quantisation", "est. tok/s")
        if not bars:
            return
        # No bar (NaN) where it does not run: a zero-height bar still draws a row of blocks.
        self.bar(
            [b.quant for b in bars],
            [b.tokens_per_s if b.tokens_per_s else math.nan for b in bars],
            bar_style=DENSE_STYLE,
        )
        top = max((b.tokens_per_s or 0.0 for b in bars), default=0.0)
        self.set_xlimits(0.4, len(bars) + 0.6)
        self.set_ylimits(0, top * 1.1 if top else 1.0)
        self.show_legend(is_visible=False)
