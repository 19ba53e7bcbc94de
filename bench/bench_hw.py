"""How long hardware detection takes, against peers measured in the same run.

    python bench/bench_hw.py [--repeat N]

Cold: a fresh interpreter that imports modelscout's hardware package and detects once, against a
fresh interpreter that does nothing (the floor any CLI pays) and one that only asks psutil for RAM
and cores. Warm: detect_hardware() called again
in one process, against psutil's own memory + core-count calls. Where nvidia-smi exists, its
query time is printed too. Target: cold detection under 200 ms on a machine without a GPU.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = str(Path(__file__).resolve().parent.parent / "src")
DETECT = "from modelscout.hardware.detect import detect_hardware; detect_hardware()"
# The least a detector could do: psutil's RAM and core count, nothing about GPUs or cgroups.
PSUTIL_ONLY = "import psutil; psutil.virtual_memory(); psutil.cpu_count(logical=False)"


def _median_ms(run, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _python(code: str) -> None:
    subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {SRC!r}); {code}"], check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat

    sys.path.insert(0, SRC)
    import psutil

    from modelscout.hardware.detect import detect_hardware

    hardware = detect_hardware()
    gpus = ", ".join(g.name for g in hardware.gpus) or "none"
    print(f"machine: {hardware.cpu.model_name}, {hardware.cpu.logical_cores} threads, GPUs: {gpus}")

    empty = _median_ms(lambda: _python("pass"), repeat)
    cold = _median_ms(lambda: _python(DETECT), repeat)
    psutil_cold = _median_ms(lambda: _python(PSUTIL_ONLY), repeat)
    print(f"cold: empty interpreter {empty:.1f} ms; interpreter + import + detect {cold:.1f} ms")
    print(
        f"cold: peer psutil-only RAM + cores {psutil_cold:.1f} ms "
        f"(detection is {cold / psutil_cold:.2f}× that)"
    )
    print(
        f"cold: detection's own share {cold - empty:.1f} ms (ratio {cold / empty:.2f}× the empty start)"
    )

    warm = _median_ms(detect_hardware, repeat)
    peer = _median_ms(lambda: (psutil.virtual_memory(), psutil.cpu_count(logical=False)), repeat)
    print(
        f"warm: detect_hardware() {warm:.2f} ms; psutil memory + cores {peer:.2f} ms "
        f"(ratio {warm / peer:.1f}×)"
    )

    _bench_fit(hardware)

    smi = shutil.which("nvidia-smi")
    if smi:
        query = [smi, "--query-gpu=name,memory.total,memory.used", "--format=csv"]
        smi_ms = _median_ms(lambda: subprocess.run(query, capture_output=True, check=True), repeat)
        print(
            f"peer: nvidia-smi --query-gpu {smi_ms:.1f} ms (cold detection is "
            f"{cold / smi_ms:.2f}× that)"
        )


def _bench_fit(hardware: object) -> None:
    """Fit verdicts for 20,000 catalogue-shaped models: the quick path the table's filter and
    sorts use, against building every model's full quantisation table."""

    from modelscout.catalog.location import resolve_catalog
    from modelscout.fit.context import FitContext

    base = resolve_catalog(None).models
    models = [base[i % len(base)].replace(id=f"bench-{i}") for i in range(20_000)]
    start = time.perf_counter()
    quick = FitContext(hardware)  # type: ignore[arg-type]
    for m in models:
        quick.fits(m)
    quick_s = time.perf_counter() - start
    start = time.perf_counter()
    full = FitContext(hardware)  # type: ignore[arg-type]
    for m in models:
        full.model_fit(m)
    full_s = time.perf_counter() - start
    print(
        f"fit: 20000 models, verdict only {quick_s * 1000:.0f} ms "
        f"({quick_s / len(models) * 1e6:.1f} us each); full tables {full_s * 1000:.0f} ms "
        f"(quick path {full_s / quick_s:.1f}× faster)"
    )


if __name__ == "__main__":
    main()
