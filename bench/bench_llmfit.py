"""modelscout against llmfit at llmfit's own size, side by side in one run.

llmfit ships a database of about 15,855 models; this bench writes a catalogue of that many
(`gen_catalog.py`) and times, in turns so that both see the same load on the machine:

- ``modelscout list --json``                            against ``llmfit list --json``
- ``modelscout list fits --profile rtx4090 --json``     against ``llmfit --memory 24G fit --json``
- ``modelscout list --json`` on the bundled catalogue (no peer: the target is a time)

Each command runs once untimed first (page cache, and modelscout's decoded-catalogue cache, as a
user's second run finds them), then --runs times. Figures are medians of wall time, CPU time
(user + system: on a shared machine the fairer of the two) and peak RSS, each process's own.
The ratio is llmfit's figure over modelscout's: above 1 means modelscout is faster or smaller.

llmfit is a separate program (`pip install llmfit`, best in a venv of its own); give its path
with --llmfit or put it on PATH. Without it the bench prints modelscout's figures and says so.

    python bench/bench_llmfit.py --runs 5
    python bench/bench_llmfit.py --llmfit ~/llmfit-venv/bin/llmfit --json /tmp/vs.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from measure import REPO_ROOT, child_env, ensure_catalog

LLMFIT_SIZE = 15855


def timed(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process writing to /dev/null."""
    with open(os.devnull, "w") as sink:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.PIPE, env=env, cwd=REPO_ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        stderr = proc.stderr.read() if proc.stderr else b""
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed ({status}):\n{stderr.decode()[-2000:]}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def rows_in(command: list[str], env: dict[str, str]) -> int:
    """How many rows a command's JSON holds (llmfit wraps its list in {"models": [...]})."""
    out = subprocess.run(command, capture_output=True, env=env, cwd=REPO_ROOT, check=True)
    data = json.loads(out.stdout)
    return len(data["models"] if isinstance(data, dict) else data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=LLMFIT_SIZE)
    parser.add_argument("--llmfit", default=os.environ.get("LLMFIT") or shutil.which("llmfit"))
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/modelscout-bench"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    args.data_dir.mkdir(parents=True, exist_ok=True)
    path = ensure_catalog(str(args.size), args.data_dir)
    env = child_env(XDG_CACHE_HOME=str(args.data_dir / "xdg-cache"))
    env.pop("MODELSCOUT_CATALOG", None)
    ours = [sys.executable, "-m", "modelscout", "list"]
    catalog = ["--catalog", str(path)]
    pairs: list[tuple[str, list[str], list[str] | None]] = [
        ("list --json", [*ours, "--json", *catalog], ["list", "--json"]),
        (
            "list fits --json",
            [*ours, "fits", "--profile", "rtx4090", "--json", *catalog],
            ["--memory", "24G", "fit", "--json"],
        ),
        ("bundled list --json", [*ours, "--json"], None),
    ]
    llmfit = args.llmfit if args.llmfit and Path(args.llmfit).exists() else None
    note = "" if llmfit else " (llmfit not found: pip install llmfit, then --llmfit PATH)"
    print(
        f"modelscout vs llmfit: {args.size:,}-model catalogue, {args.runs} runs, medians; "
        f"{os.cpu_count()} CPUs{note}"
    )
    commands: dict[str, list[str]] = {}
    for name, mine, theirs in pairs:
        commands[f"modelscout {name}"] = mine
        if llmfit and theirs is not None:
            commands[f"llmfit {name}"] = [llmfit, *theirs]
    for command in commands.values():
        timed(command, env)  # warm-up
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():  # in turns: both see the same load
            samples[name].append(timed(command, env))
    # Counted last: reading the output grows this process, and a child starts with its parent's
    # peak RSS on Linux.
    rows = {name: rows_in(command, env) for name, command in commands.items()}
    figures = {
        name: {k: statistics.median(s[k] for s in runs) for k in ("wall_s", "cpu_s", "rss_mb")}
        | {"rows": rows[name]}
        for name, runs in samples.items()
    }

    header = (
        f"{'command':<20} {'rows':>7} | {'modelscout wall / cpu / RSS':>27} | "
        f"{'llmfit wall / cpu / RSS':>27} | {'ratio wall / cpu / RSS':>22}"
    )
    print(header)
    print("-" * len(header))
    for name, _, _ in pairs:
        mine = figures[f"modelscout {name}"]
        theirs = figures.get(f"llmfit {name}")
        cells = f"{mine['wall_s']:>6.3f}s {mine['cpu_s']:>6.3f}s {mine['rss_mb']:>6.0f} MB"
        line = f"{name:<20} {mine['rows']:>7} | {cells:>27} | "
        if theirs is None:
            line += f"{'-':>27} | {'-':>22}"
        else:
            cells = (
                f"{theirs['wall_s']:>6.3f}s {theirs['cpu_s']:>6.3f}s {theirs['rss_mb']:>6.0f} MB"
            )
            ratio = (
                f"{theirs['wall_s'] / mine['wall_s']:>5.2f}x {theirs['cpu_s'] / mine['cpu_s']:>5.2f}x "
                f"{theirs['rss_mb'] / mine['rss_mb']:>5.2f}x"
            )
            line += f"{cells:>27} | {ratio:>22}"
        print(line)
    if llmfit:
        print(
            "llmfit's rows are its own database (~15,855 models); modelscout's the generated file"
        )
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "figures": figures}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
