"""What the catalogue benchmarks share: test catalogues, child runs and their summaries.

Every measurement runs in a fresh interpreter (a child process), so start-up times include a cold
start and peak RSS is that process's own.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def key_figures(runs: list[list[float]]) -> dict[str, float]:
    """Keystroke p50, p95 and worst (ms): each taken per run, then the median over the runs."""
    return {
        "key_p50_ms": statistics.median(percentile(keys, 0.5) for keys in runs),
        "key_p95_ms": statistics.median(percentile(keys, 0.95) for keys in runs),
        "key_max_ms": statistics.median(max(keys) for keys in runs),
    }


def medians(runs: list[dict[str, Any]], *names: str) -> dict[str, float]:
    return {name: statistics.median(run[name] for run in runs) for name in names}


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM): unlike ru_maxrss it starts afresh at exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_catalog(size: str, data_dir: Path) -> Path:
    """The shipped catalogue for 'bundled', else a generated one of `size` models (made once)."""
    if size == "bundled":
        return REPO_ROOT / "catalog.json"
    path = data_dir / f"catalog-{size}.json"
    if not path.exists():
        # In a child process: a parent grown by generating 100,000 entries would hand its peak
        # RSS on to every process it starts (Linux keeps ru_maxrss across fork and exec).
        generator = [sys.executable, str(BENCH_DIR / "gen_catalog.py"), size, "-o", str(path)]
        subprocess.run(generator, check=True)
    return path


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a measured child: this one, less PYTHONDONTWRITEBYTECODE.

    An installed package runs from compiled bytecode (pip compiles it when it installs); with that
    variable set, every run would compile the sources of modules changed since their last .pyc,
    about a third of a scripted `list --json`'s start-up. The untimed first run writes them.
    """
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_child(script: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `script --worker ARGS` and read the JSON object it prints last."""
    out = subprocess.run(
        [sys.executable, script, "--worker", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    if out.returncode != 0:  # say why, rather than only that it failed
        raise SystemExit(f"{Path(script).name} {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])
