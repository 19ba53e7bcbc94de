"""Stored models benchmark: what reading a catalogue's records from its decoded copy costs.

Each figure comes from a fresh interpreter opening the catalogue through the app's loader (the
decoded copy in the user's cache, written by an untimed first run):

- open + 40 reads: the catalogue opened and 40 records read, scattered over it (a screenful);
  wall and CPU time, and the process's peak RSS;
- find by id: `find_model` for one id near the end (what `show`, `compare` and `pull` do);
- full pass: every record decoded once, in order, none kept (what a stats pass or the query
  index's build costs).

    python bench/bench_stored.py --sizes 100000,1000000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from measure import child_env, ensure_catalog, peak_rss_mb, run_child

SCATTERED = 40


def worker(mode: str, path: Path) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    from modelscout.catalog.location import load_catalog
    from modelscout.catalog.lookup import find_model

    models = load_catalog(path).models
    figures: dict[str, Any] = {"kind": type(models).__name__, "count": len(models)}
    if mode == "open":
        step = len(models) // SCATTERED
        names = [models[i * step + 7].name for i in range(SCATTERED)]
        figures["read"] = len(names)
    elif mode == "find":
        wanted = models[len(models) - 3].id
        t0 = time.perf_counter()
        found = find_model(models, wanted)
        figures["find_ms"] = (time.perf_counter() - t0) * 1000
        assert found.id == wanted
    else:
        t0, c0 = time.perf_counter(), time.process_time()
        figures["total_params_b"] = sum(m.total_params_b for m in models)
        figures["pass_s"] = time.perf_counter() - t0
        figures["pass_cpu_s"] = time.process_time() - c0
    figures["wall_s"] = time.perf_counter() - wall
    figures["cpu_s"] = time.process_time() - cpu
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/modelscout-bench"))
    parser.add_argument("--cache", type=Path, help="XDG cache folder (default: DATA_DIR/xdg-cache)")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return 0

    env = child_env(XDG_CACHE_HOME=str(args.cache or args.data_dir / "xdg-cache"))
    env.pop("MODELSCOUT_CATALOG", None)
    print(f"stored models benchmark: {args.runs} runs, medians; {os.cpu_count()} CPUs")
    header = (
        f"{'models':>8} {'open+40 wall':>13} {'CPU':>7} {'peak RSS':>9} {'find id':>9} "
        f"{'full pass':>10} {'CPU':>7} {'pass RSS':>9}"
    )
    print(header)
    print("-" * len(header))
    for size in (int(s) for s in args.sizes.split(",")):
        path = ensure_catalog(str(size), args.data_dir)
        run_child(__file__, ["open", str(path)], env)  # writes the decoded copy

        results = {
            mode: [run_child(__file__, [mode, str(path)], env) for _ in range(args.runs)]
            for mode in ("open", "find", "pass")
        }

        def median(mode: str, name: str, runs: dict[str, list[dict[str, Any]]] = results) -> float:
            return statistics.median(r[name] for r in runs[mode])

        print(
            f"{size:>8} {median('open', 'wall_s'):>11.3f} s {median('open', 'cpu_s'):>5.3f} s "
            f"{median('open', 'peak_rss_mb'):>6.0f} MB {median('find', 'find_ms'):>6.2f} ms "
            f"{median('pass', 'pass_s'):>8.2f} s {median('pass', 'pass_cpu_s'):>5.2f} s "
            f"{median('pass', 'peak_rss_mb'):>6.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
