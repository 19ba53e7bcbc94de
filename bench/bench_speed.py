"""Decode-speed accuracy: the estimate against the published runs in data/measurements/decode.csv.

For every row it prints the measured tokens/s, the bandwidth ceiling (what modelscout showed
before calibration), the fitted estimate and the leave-one-out estimate (from a fit that never saw
the row), then the median and 90th percentile of |error| for the ceiling and for leave-one-out,
and the worst ratio. With --llmfit (or llmfit on PATH), llmfit's own estimate is asked for the
same rows where its hardware profiles can describe the machine (unified memory: Macs, DGX Spark,
Strix Halo; it has no way to be told a discrete card's bandwidth), rescaled to the row's
quantisation by bits per weight, which is its roofline method (estimate_basis.method).

    python bench/bench_speed.py                 # the table and the summary
    python bench/bench_speed.py --constants     # also the fitted constants, as speed.py holds them
    python bench/bench_speed.py --llmfit PATH   # compare with llmfit
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import REPO_ROOT

from modelscout.fit.calibrate import RowError, evaluate, load_measurements, percentile
from modelscout.fit.quants import QUANTS_BY_NAME
from modelscout.hardware.profiles import PROFILES_BY_KEY

TABLE = REPO_ROOT / "data" / "measurements" / "decode.csv"


def summary(label: str, errors: list[float]) -> str:
    absolute = [abs(e) for e in errors]
    worst = max(max(1 + e, 1 / (1 + e)) for e in errors)
    return (
        f"{label:<28} median |error| {statistics.median(absolute) * 100:5.1f} %   "
        f"p90 {percentile(absolute, 0.9) * 100:5.1f} %   worst ratio {worst:4.2f}x   "
        f"({len(errors)} runs)"
    )


def llmfit_estimates(binary: str, rows: list[RowError]) -> dict[int, float]:
    """llmfit's tokens/s for the rows on unified memory, keyed by row index."""
    found: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for index, row in enumerate(rows):
            m = row.measurement
            profile = PROFILES_BY_KEY[m.hardware]
            if not profile.unified or m.backend == "cpu":
                continue
            name = f"ms-{m.hardware}"
            path = Path(folder) / f"{name}.json"
            gb_s = profile.bandwidth_bytes_per_s / 1e9
            path.write_text(
                json.dumps(
                    {
                        "schema_version": 1,
                        "name": name,
                        "hardware": {
                            "ddr_bandwidth_gbps": gb_s,
                            "gpu_memory_bandwidth_gbps": gb_s,
                            "total_ram_gb": profile.memory_bytes / 2**30,
                            "unified_memory": True,
                        },
                    }
                )
            )
            done = subprocess.run(
                [
                    binary,
                    "--profile",
                    str(path),
                    "--max-context",
                    "4096",
                    "--json",
                    "info",
                    m.model,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            try:
                answer = json.loads(done.stdout)["models"][0]
                tps = float(answer["estimated_tps"])
                bits = QUANTS_BY_NAME[answer["best_quant"]].bits_per_weight
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            found[index] = tps * bits / QUANTS_BY_NAME[m.quant].bits_per_weight
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--constants", action="store_true")
    parser.add_argument("--llmfit", default=shutil.which("llmfit"), help="llmfit binary")
    args = parser.parse_args()
    rows = load_measurements(args.table)
    calibration, errors = evaluate(rows)
    theirs = llmfit_estimates(args.llmfit, errors) if args.llmfit else {}
    print(
        f"{'model':<44} {'quant':<7} {'hardware':<15} {'engine':<9} {'measured':>8} "
        f"{'ceiling':>8} {'fitted':>7} {'LOO':>7} {'LOO err':>8}" + ("  llmfit" if theirs else "")
    )
    for index, e in enumerate(errors):
        m = e.measurement
        line = (
            f"{m.model[:44]:<44} {m.quant:<7} {m.hardware:<15} {m.engine:<9} {m.tok_s:8.1f} "
            f"{e.ceiling_tps:8.1f} {e.fitted_tps:7.1f} {e.loo_tps:7.1f} {e.loo_error * 100:+7.0f}%"
        )
        if index in theirs:
            line += f"  {theirs[index]:6.1f} ({(theirs[index] / m.tok_s - 1) * 100:+.0f}%)"
        print(line)
    print()
    print(summary("bandwidth ceiling (before)", [e.ceiling_error for e in errors]))
    print(summary("calibrated, leave-one-out", [e.loo_error for e in errors]))
    if theirs:
        ours = [errors[i].loo_error for i in theirs]
        print(summary("  same rows, modelscout LOO", ours))
        print(
            summary(
                "  same rows, llmfit", [theirs[i] / errors[i].measurement.tok_s - 1 for i in theirs]
            )
        )
    elif args.llmfit is None:
        print("llmfit: not installed (pip install llmfit), so no comparison")
    for backend in sorted({e.measurement.backend for e in errors}):
        part = [e.loo_error for e in errors if e.measurement.backend == backend]
        print(summary(f"  {backend}", part))
    if args.constants:
        print()
        print(calibration)
    return 0


if __name__ == "__main__":
    sys.exit(main())
