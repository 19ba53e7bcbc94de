"""The speed estimate: its constants are the fit of the shipped table, and it meets its targets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from modelscout.fit.calibrate import (
    Measurement,
    evaluate,
    fit_calibration,
    load_measurements,
    percentile,
)
from modelscout.fit.speed import (
    CALIBRATION,
    DevicePass,
    accuracy_note,
    backend_of,
    ceiling_tps,
    estimate_tps,
    legacy_gpu,
)
from modelscout.hardware.gpu import Gpu
from modelscout.hardware.profiles import PROFILES_BY_KEY
from tests.conftest import REPO_ROOT

TABLE = REPO_ROOT / "data" / "measurements" / "decode.csv"


@pytest.fixture(scope="module")
def rows() -> list[Measurement]:
    return load_measurements(TABLE)


def test_the_shipped_constants_are_the_fit_of_the_shipped_table(rows: list[Measurement]) -> None:
    fitted = fit_calibration(rows)
    for backend, value in CALIBRATION.time_over_ceiling.items():
        assert value == pytest.approx(fitted.time_over_ceiling[backend], rel=1e-3), backend
    for backend, value in CALIBRATION.fixed_seconds.items():
        assert value == pytest.approx(fitted.fixed_seconds[backend], rel=1e-3), backend
    assert CALIBRATION.moe_time_over_ceiling == pytest.approx(fitted.moe_time_over_ceiling, 1e-3)
    assert CALIBRATION.legacy_time_over_ceiling == pytest.approx(
        fitted.legacy_time_over_ceiling, 1e-3
    )
    assert CALIBRATION.runs == fitted.runs == len(rows)
    assert CALIBRATION.loo_median_error == pytest.approx(fitted.loo_median_error, rel=1e-3)
    assert CALIBRATION.loo_p90_error == pytest.approx(fitted.loo_p90_error, rel=1e-3)


def test_leave_one_out_error_meets_the_target_and_no_run_is_off_twofold(
    rows: list[Measurement],
) -> None:
    calibration, errors = evaluate(rows)
    assert calibration.loo_median_error <= 0.15
    for e in errors:
        ratio = e.loo_tps / e.measurement.tok_s
        assert 0.5 <= ratio <= 2.0, (e.measurement.model, e.measurement.hardware, ratio)
    # and it beats the bandwidth ceiling that modelscout showed before
    ceiling = sorted(abs(e.ceiling_error) for e in errors)
    assert calibration.loo_median_error < ceiling[len(ceiling) // 2] / 3


def test_the_table_spans_gpus_macs_cpus_dense_and_moe(rows: list[Measurement]) -> None:
    assert len(rows) >= 40
    devices = {r.hardware for r in rows if r.backend != "cpu"}
    assert len(devices) >= 8
    assert {r.backend for r in rows} == {"cuda", "metal", "rocm-vulkan", "cpu"}
    assert any(r.moe for r in rows) and any(not r.moe for r in rows)
    for r in rows:
        assert r.hardware in PROFILES_BY_KEY and r.source.startswith("https://")


def test_a_row_the_table_cannot_trace_is_refused(tmp_path: Path) -> None:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "decode.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace("https://", "")]) + "\n")
    with pytest.raises(ValueError, match="source URL"):
        load_measurements(bad)
    bad.write_text("\n".join([lines[0], lines[1].replace(",rx7900xt,", ",rx9999,")]) + "\n")
    with pytest.raises(ValueError, match="unknown hardware profile"):
        load_measurements(bad)


def test_percentile_is_a_value_of_the_list() -> None:
    assert percentile([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], 0.9) == 0.9
    assert percentile([0.5], 0.9) == 0.5


GPU_PASS = DevicePass(5e9, 1000e9, "cuda")


def test_moe_and_old_nvidia_cards_are_slower_at_the_same_bytes() -> None:
    dense = estimate_tps([GPU_PASS])
    moe = estimate_tps([replace(GPU_PASS, moe=True)])
    legacy = estimate_tps([replace(GPU_PASS, legacy=True)])
    assert dense is not None and moe is not None and legacy is not None
    assert moe < dense and legacy < dense
    assert ceiling_tps([GPU_PASS]) == pytest.approx(200.0)  # 1000 GB/s over 5 GB


def test_a_measured_cpu_bandwidth_is_used_as_reached() -> None:
    measured = DevicePass(5e9, 20e9, "cpu", threads=4, measured_bandwidth=True)
    seconds = 5e9 / 20e9 + 4 * CALIBRATION.fixed_seconds["cpu"]
    assert estimate_tps([measured]) == pytest.approx(1 / seconds)
    published = replace(measured, measured_bandwidth=False)
    assert (estimate_tps([published]) or 0) < (estimate_tps([measured]) or 0)


def test_backends_follow_the_vendor_and_pascal_is_legacy() -> None:
    def card(vendor: str, cc: str | None = None) -> Gpu:
        return Gpu(vendor, "card", 0, 1, 1, compute_capability=cc)

    assert [backend_of(card(v)) for v in ("nvidia", "apple", "amd", "intel")] == [
        "cuda",
        "metal",
        "rocm-vulkan",
        "rocm-vulkan",
    ]
    assert backend_of(None) == "cpu"
    assert legacy_gpu(card("nvidia", "6.1")) and not legacy_gpu(card("nvidia", "8.9"))
    assert not legacy_gpu(card("amd", "6.1"))


def test_the_accuracy_note_quotes_the_leave_one_out_figures() -> None:
    note = accuracy_note()
    assert f"{CALIBRATION.loo_median_error * 100:.0f} %" in note
    assert f"{CALIBRATION.runs} published runs" in note


def test_runs_of_catalogued_models_carry_the_catalogues_parameter_counts(
    rows: list[Measurement],
) -> None:
    import csv

    from modelscout.catalog.load import load_catalog

    models = {m.id: m for m in load_catalog(REPO_ROOT / "catalog.json").models}
    with TABLE.open(encoding="utf-8", newline="") as handle:
        ids = [row["catalog_id"] for row in csv.DictReader(handle)]
    assert sum(1 for i in ids if i) >= 40
    for run, catalog_id in zip(rows, ids, strict=True):
        if catalog_id:
            entry = models[catalog_id]
            assert run.total_params_b == pytest.approx(entry.total_params_b, rel=0.01), catalog_id
            assert run.active_params_b == pytest.approx(entry.active_params_b, rel=0.01), catalog_id
