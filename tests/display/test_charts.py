"""The numbers the charts plot, from the fixture-style models and a planned 16 GiB GPU machine."""

from __future__ import annotations

import math

import pytest

from modelscout.display import charts
from modelscout.fit.context import FitContext
from modelscout.fit.estimate import FitOptions
from tests.catalog.factory import model as make_model
from tests.tui.test_fit_integration import GIB, gpu_machine


def test_scatter_points_skip_rows_without_intelligence_and_keep_row_numbers() -> None:
    rows = [
        make_model(
            id="a", total_params_b=30.5, active_params_b=3.3, moe=True, intelligence_index=30
        ),
        make_model(id="b", total_params_b=12.0, active_params_b=12.0, intelligence_index=None),
        make_model(id="c", total_params_b=1.0, active_params_b=1.0, intelligence_index=9),
    ]
    active = charts.scatter_points(rows, "active")
    assert [p.row for p in active] == [0, 2]
    assert math.isclose(active[0].x_log10_b, math.log10(3.3))
    assert math.isclose(charts.scatter_points(rows, "total")[0].x_log10_b, math.log10(30.5))
    assert active[1].x_log10_b == 0.0 and active[1].intelligence == 9


def test_log_ticks_and_their_labels() -> None:
    # 0.5B to 100B: 1, 2 and 5 of each decade in range.
    ticks = charts.log_ticks(math.log10(0.5), 2.0)
    assert [charts.params_label(t) for t in ticks] == [
        "500M",
        "1B",
        "2B",
        "5B",
        "10B",
        "20B",
        "50B",
        "100B",
    ]
    # Over more than three decades only the decades are labelled.
    assert [charts.params_label(t) for t in charts.log_ticks(-1, 3)] == [
        "100M",
        "1B",
        "10B",
        "100B",
        "1000B",
    ]


def test_memory_curves_follow_the_fit_at_each_context_up_to_the_model_maximum() -> None:
    model = make_model(total_params_b=7.3, active_params_b=7.3, context_tokens=32768)
    fit = FitContext(gpu_machine())
    curves = charts.memory_curves(model, fit)
    assert [c.quant for c in curves] == [r.quant for r in fit.model_fit(model).rows]
    contexts = [context for context, _ in curves[0].points]
    assert contexts == [1024, 2048, 4096, 8192, 16384, 32768]
    expected = FitContext(gpu_machine(), 4096).model_fit(model).rows[0]
    assert curves[0].points[2] == (4096, expected.total_bytes)
    # The fit's options (engine, KV cache type) hold for every point: a q8_0 cache is smaller.
    q8 = charts.memory_curves(model, FitContext(gpu_machine(), options=FitOptions(kv_type="q8_0")))
    assert q8[0].points[-1][1] < curves[0].points[-1][1]
    # More context never needs less memory.
    for curve in curves:
        sizes = [size for _, size in curve.points]
        assert sizes == sorted(sizes)


def test_machine_limits_are_what_the_verdict_compares_against() -> None:
    limits = charts.machine_limits(FitContext(gpu_machine(vram_gib=16, ram_gib=32)))
    assert limits[0] == ("VRAM 16.0 GiB", 16 * GIB)
    # 32 GiB less the 10% reserve (3.2 GiB, above the 2 GiB minimum).
    assert limits[1][1] == 32 * GIB - int(32 * GIB * 0.10)
    assert limits[1][0].startswith("RAM 28.8 GiB")


def test_speed_bars_are_the_fit_rows_estimates() -> None:
    model = make_model(total_params_b=7.3, active_params_b=7.3, context_tokens=32768)
    fit = FitContext(gpu_machine())
    bars = charts.speed_bars(model, fit)
    rows = fit.model_fit(model).rows
    assert [(b.quant, b.tokens_per_s, b.runs) for b in bars] == [
        (r.quant, r.est_tps, r.verdict.short) for r in rows
    ]


def test_a_scatter_places_only_the_first_rows_of_a_huge_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(charts, "SCATTER_ROWS", 3)
    rows = [make_model(id=f"m{i}", intelligence_index=10 + i) for i in range(5)]
    assert [p.row for p in charts.scatter_points(rows, "total")] == [0, 1, 2]
