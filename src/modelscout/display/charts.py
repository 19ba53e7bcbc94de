"""What the TUI's charts plot, as plain data: points, curves and bars built from the current rows and
the current fit, so the numbers can be tested without drawing anything.

The fit is `modelscout.fit.context.FitContext` (its hardware and options, each model's
per-quantisation rows, the same fit at another context length); `memory_curves` and
`machine_limits` are the two places that ask it for memory and capacity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from modelscout.catalog.model import Model
from modelscout.display import format as fmt
from modelscout.fit.context import FitContext
from modelscout.fit.estimate import Capacity, context_for

SizeAxis = Literal["active", "total"]

# Context lengths the memory chart samples: 1k to 1M tokens, doubling; each model's curve stops at
# its own maximum (a longer context is not something it can be asked for).
CONTEXT_STEPS: tuple[int, ...] = tuple(1024 * 2**n for n in range(11))


@dataclass(frozen=True)
class ScatterPoint:
    row: int  # index in the rows the chart was drawn from
    model: Model
    x_log10_b: float  # log10 of the parameters in billions: the axis is logarithmic
    intelligence: float


# The rows a scatter places, from the top of the table: a terminal chart is a few hundred cells
# wide, and the records of a million rows would take seconds to read, let alone to draw.
SCATTER_ROWS = 20_000


def scatter_points(rows: Sequence[Model], axis: SizeAxis) -> list[ScatterPoint]:
    """One point per row (of the first `SCATTER_ROWS`) with an intelligence index; rows without
    one cannot be placed."""
    points = []
    for index, model in enumerate(rows[:SCATTER_ROWS]):
        params_b = model.active_params_b if axis == "active" else model.total_params_b
        if model.intelligence_index is None or params_b <= 0:
            continue
        points.append(ScatterPoint(index, model, math.log10(params_b), model.intelligence_index))
    return points


def log_ticks(low: float, high: float) -> list[float]:
    """Tick positions (log10 of billions) at 1, 2 and 5 of each decade, thinned to whole decades
    when the range spans more than three of them."""
    steps = (1.0, 2.0, 5.0) if high - low <= 3 else (1.0,)
    ticks = []
    for decade in range(math.floor(low), math.ceil(high) + 1):
        for step in steps:
            tick = decade + math.log10(step)
            if low - 1e-9 <= tick <= high + 1e-9:
                ticks.append(tick)
    return ticks


def params_label(log10_b: float) -> str:
    """An axis label for a position on the log axis: '1B', '30B', '500M'."""
    return fmt.params(round(10**log10_b, 3))


@dataclass(frozen=True)
class Curve:
    quant: str
    points: tuple[tuple[int, int], ...]  # (context tokens, bytes needed)


def memory_curves(model: Model, fit: FitContext) -> list[Curve]:
    """Memory needed (weights + KV cache + overhead) against context length, one curve per
    quantisation, up to the model's maximum context."""
    contexts = [c for c in CONTEXT_STEPS if context_for(model, c) == c]
    if model.context_tokens and model.context_tokens not in contexts:
        contexts.append(model.context_tokens)
    by_quant: dict[str, list[tuple[int, int]]] = {}
    for context in contexts:
        for row in fit.with_context(context).model_fit(model).rows:
            by_quant.setdefault(row.quant, []).append((context, row.total_bytes))
    return [Curve(quant, tuple(points)) for quant, points in by_quant.items()]


def machine_limits(fit: FitContext) -> list[tuple[str, int]]:
    """The memory lines the fit judges against: all the GPUs' memory, and the RAM left after the
    reserve for the system (what "fits in RAM" means)."""
    capacity = Capacity.of(fit.hardware, fit.options)
    limits = []
    if capacity.gpu_count:
        limits.append((f"VRAM {fmt.size_bytes(capacity.gpu_bytes)}", capacity.gpu_bytes))
    if capacity.ram_bytes:
        limits.append((f"RAM {fmt.size_bytes(capacity.ram_bytes)} usable", capacity.ram_bytes))
    return limits


@dataclass(frozen=True)
class SpeedBar:
    quant: str
    tokens_per_s: float | None  # None: it does not run here, or a bandwidth is unknown
    runs: str  # the verdict's short name: GPU, GPU+CPU, CPU, no


def speed_bars(model: Model, fit: FitContext) -> list[SpeedBar]:
    """Estimated decode speed at each quantisation, at the fit's context length."""
    return [
        SpeedBar(row.quant, row.est_tps, row.verdict.short) for row in fit.model_fit(model).rows
    ]
