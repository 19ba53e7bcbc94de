"""Core benchmark: load, query and sort times, peak RSS and CLI start-up at 1k / 10k / 100k models.

Each measurement runs in a fresh interpreter, so load times include a cold start and peak RSS is the
process's own. Two engines are measured in the same run on the same files:

- ``modelscout``: the app's loader (`catalog.location.load_catalog`: the decoded copy the user's
  cache keeps, written by an untimed first run) and `run_query` (the per-catalogue index);
- ``per-call``: the reference path, ``json.loads`` + `parse_catalog` and `run_query_per_call`, which is
  what every query cost before the index. Above --per-call-max models (a million would take minutes
and gigabytes) only ``modelscout`` runs.

A "keystroke" is one query as the TUI issues it while someone types ``instru`` letter by letter,
toggles the size tier and changes the sort. Figures are medians over --runs runs.

    python bench/bench_core.py                      # 1k, 10k, 100k; 3 runs
    python bench/bench_core.py --sizes 100000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from measure import (
    REPO_ROOT,
    child_env,
    ensure_catalog,
    key_figures,
    medians,
    peak_rss_mb,
    run_child,
)

TYPING = ["i", "in", "ins", "inst", "instr", "instru"]
# The TUI's `s` key cycle (tui/query_cycles.py), each in its natural direction.
SORT_CYCLE = ["intelligence", "name", "creator", "tier", "total", "active", "ctx", "openness"]
DESCENDING = {"intelligence", "ctx"}
TIER_TOGGLES = ["tier:tiny", "tier:small", "tier:medium", "tier:large", ""]
SORT_CHANGES = ["sort:name", "sort:total", "sort:-intelligence", "sort:-ctx", "sort:creator"]


def keystroke_script() -> list[str]:
    """Query texts in the order a user produces them: a search typed, tiers cycled, sorts cycled."""
    script = list(TYPING)
    script += [f"{tier} instru".strip() for tier in TIER_TOGGLES]
    script += [f"instru {sort}" for sort in SORT_CHANGES]
    script += list(TIER_TOGGLES)
    script += list(SORT_CHANGES)
    script += [f"{sort} tier:small" for sort in SORT_CHANGES]
    return script


# -- worker: one engine, one catalogue, one fresh process ---------------------------------------


def worker(engine: str, path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    from modelscout.catalog import parse_catalog
    from modelscout.catalog.location import load_catalog
    from modelscout.query import parse_query, run_query, run_query_per_call

    imported = time.perf_counter()
    if engine == "modelscout":
        models = load_catalog(path).models
        query_fn = run_query
    else:
        models = parse_catalog(json.loads(path.read_bytes()), str(path))[0]
        query_fn = run_query_per_call
    loaded = time.perf_counter()
    loaded_cpu, loaded_rss = time.process_time(), rss_mb()
    if engine == "modelscout":
        # What the TUI does in the background once the rows are on screen: the query columns
        # (search text and every sort order among them), read from their file where it exists.
        from modelscout.query import SortKey, warm

        warm(models, [SortKey(k, k in DESCENDING) for k in SORT_CYCLE])
    warmed = time.perf_counter()
    warm_cpu = time.process_time() - loaded_cpu

    keystrokes: list[float] = []
    keystrokes_cpu: list[float] = []  # on a shared machine wall time also counts others' work
    rows: list[int] = []
    for text in keystroke_script():
        query = parse_query(text)
        t0, c0 = time.perf_counter(), time.thread_time()
        result = query_fn(models, query)
        keystrokes.append((time.perf_counter() - t0) * 1000)
        keystrokes_cpu.append((time.thread_time() - c0) * 1000)
        rows.append(len(result))

    # A sort change on the whole catalogue: the first time a key is used, and again later.
    sort_first: list[float] = []
    sort_again: list[float] = []
    for text in ("sort:release", "sort:-likes", "sort:license"):
        query = parse_query(text)
        for bucket in (sort_first, sort_again):
            t0 = time.perf_counter()
            query_fn(models, query)
            bucket.append((time.perf_counter() - t0) * 1000)
    return {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "warm_s": warmed - loaded,
        "warm_cpu_s": warm_cpu,
        "first_key_ms": keystrokes[0],
        "keys_ms": keystrokes,
        "keys_cpu_ms": keystrokes_cpu,
        "rows": rows,
        "sort_first_ms": statistics.median(sort_first),
        "sort_again_ms": statistics.median(sort_again),
        "peak_rss_mb": peak_rss_mb(),
        # What the index holds after the queries: resident memory beyond the loaded catalogue's.
        "index_rss_mb": rss_mb() - loaded_rss,
    }


def rss_mb() -> float:
    """This process's resident set now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- driver ----------------------------------------------------------------------------------------


def cli_seconds(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time, peak RSS (MB) and CPU time of one `modelscout ...` process writing to /dev/null."""
    t0 = time.perf_counter()
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "modelscout", *args], stdout=sink, env=env, cwd=REPO_ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"modelscout {' '.join(args)} failed ({status})")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/modelscout-bench"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--per-call-max", type=int, default=100_000)
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return 0

    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = child_env(XDG_CACHE_HOME=str(args.data_dir / "xdg-cache"))
    env.pop("MODELSCOUT_CATALOG", None)
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict[str, Any] = {"runs": args.runs, "cpus": os.cpu_count(), "sizes": {}}

    print(f"modelscout core benchmark: {args.runs} runs, medians; {os.cpu_count()} CPUs")
    header = (
        f"{'models':>7} {'engine':<10} {'load s':>7} {'warm s':>7} {'warm cpu':>8} {'key p50':>8} {'key p95':>8} "
        f"{'key max':>8} {'sort 1st':>9} {'sort again':>10} {'peak RSS':>9} {'index':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        path = ensure_catalog(str(size), args.data_dir)
        per_engine: dict[str, Any] = {}
        engines = ("modelscout", "per-call") if size <= args.per_call_max else ("modelscout",)
        run_child(__file__, ["modelscout", str(path)], env)  # writes the decoded copy
        for engine in engines:
            results = [run_child(__file__, [engine, str(path)], env) for _ in range(args.runs)]
            figures = {
                **medians(
                    results, "load_s", "warm_s", "warm_cpu_s", "sort_first_ms", "sort_again_ms"
                ),
                **key_figures([r["keys_ms"] for r in results]),
                **{
                    name.replace("key_", "key_cpu_"): value
                    for name, value in key_figures([r["keys_cpu_ms"] for r in results]).items()
                },
                **medians(results, "peak_rss_mb", "index_rss_mb"),
            }
            if len({tuple(r["rows"]) for r in results}) != 1:
                raise SystemExit("row counts differ between runs")
            per_engine[engine] = {**figures, "rows": results[0]["rows"]}
            print(
                f"{size:>7} {engine:<10} {figures['load_s']:>7.2f} {figures['warm_s']:>7.2f} {figures['warm_cpu_s']:>8.2f} "
                f"{figures['key_p50_ms']:>6.1f}ms {figures['key_p95_ms']:>6.1f}ms "
                f"{figures['key_max_ms']:>6.1f}ms {figures['sort_first_ms']:>7.1f}ms {figures['sort_again_ms']:>8.1f}ms "
                f"{figures['peak_rss_mb']:>6.0f} MB {figures['index_rss_mb']:>4.0f} MB"
            )
            print(
                f"{'':>7} {'CPU':<10} {'':>7} {'':>7} {'':>8} "
                f"{figures['key_cpu_p50_ms']:>6.1f}ms {figures['key_cpu_p95_ms']:>6.1f}ms "
                f"{figures['key_cpu_max_ms']:>6.1f}ms"
            )
        if "per-call" in per_engine:
            if per_engine["modelscout"]["rows"] != per_engine["per-call"]["rows"]:
                raise SystemExit(f"{size}: the two engines disagree on row counts")
            fast, slow = per_engine["modelscout"], per_engine["per-call"]
            print(
                f"{'':>7} {'speed-up':<10} {slow['load_s'] / fast['load_s']:>6.1f}x {'':>7} {'':>8} "
                f"{slow['key_p50_ms'] / fast['key_p50_ms']:>7.1f}x "
                f"{slow['key_p95_ms'] / fast['key_p95_ms']:>7.1f}x"
            )
        listing = ["list", "--json", "--catalog", str(path)]
        cli_seconds(listing, env)  # writes the rows' texts
        cli = [cli_seconds(listing, env) for _ in range(args.runs)]
        per_engine["cli_list_json_s"] = statistics.median(c[0] for c in cli)
        per_engine["cli_peak_rss_mb"] = statistics.median(c[1] for c in cli)
        per_engine["cli_list_json_cpu_s"] = statistics.median(c[2] for c in cli)
        print(
            f"{'':>7} {'list --json':<10} {per_engine['cli_list_json_s']:>7.2f} s "
            f"(CPU {per_engine['cli_list_json_cpu_s']:.2f} s), "
            f"peak RSS {per_engine['cli_peak_rss_mb']:.0f} MB"
        )
        report["sizes"][str(size)] = per_engine

    cli_seconds(["list", "--json"], env)
    bundled = [cli_seconds(["list", "--json"], env) for _ in range(max(args.runs, 5))]
    report["cli_bundled_list_json_s"] = statistics.median(b[0] for b in bundled)
    report["cli_bundled_list_json_cpu_s"] = statistics.median(b[2] for b in bundled)
    print(
        f"\n`modelscout list --json` on the bundled catalogue: "
        f"{report['cli_bundled_list_json_s']:.3f} s, CPU {report['cli_bundled_list_json_cpu_s']:.3f} s "
        f"(median of {len(bundled)})"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
