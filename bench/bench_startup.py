"""Start-up on the bundled catalogue, next to the floors it cannot go below, in one run.

The issue-16 targets for the bundled catalogue are `modelscout list --json` in 0.08 s and the TUI's
first frame in 0.25 s. Most of either is not modelscout's own work: starting Python, importing
msgspec, importing Textual. So each figure is printed beside its floor, measured in the same run,
in turns, so that all of them see the same load on a shared machine:

- ``python -I -S -c pass``, ``python -c pass``: the interpreter alone (``-S``: without site and
  the venv's .pth files);
- ``import msgspec``: the one dependency `list --json` cannot do without;
- ``modelscout list --json`` through the console script pip writes, and ``python -m modelscout``;
- a one-widget Textual app to its first frame: Textual's own floor;
- ``modelscout`` (the real entry: argument parsing, settings, the app) to its first frame.

Figures are medians of wall time and CPU time (user + system, the fairer figure where other work
shares the cores), each a fresh process; the TUI's are taken inside the child when the first frame
is drawn (from the parent's clock just before it starts the child, and the child's own CPU time so
far). The app runs headless, as in bench_tui.py: each frame is still turned into terminal text.

    python bench/bench_startup.py --runs 21
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import REPO_ROOT, child_env

SIZE = (120, 40)
SCRIPT = Path(sys.executable).with_name("modelscout")  # the console script pip installed


# -- the child: one app to its first frame -------------------------------------------------------


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def first_frame(app_kind: str, started: float, result: Path) -> None:
    """Run `app_kind` headless until its first frame, then write when that was and exit."""
    from textual.app import App

    figures: dict[str, float] = {}
    display = App._display
    run = App.run

    def timed_display(self: App[Any], screen: Any, renderable: Any) -> None:
        if renderable is not None and not figures:
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(self.console)  # what the terminal driver would do
            figures.update(wall_s=time.time() - started, cpu_s=_cpu_s())
            self.exit()
        display(self, screen, renderable)

    def headless_run(self: App[Any], *args: Any, **kwargs: Any) -> Any:
        return run(self, headless=True, size=SIZE)

    App._display = timed_display  # type: ignore[method-assign]
    App.run = headless_run  # type: ignore[method-assign]
    if app_kind == "textual":
        from textual.app import ComposeResult
        from textual.widgets import Static

        class OneWidget(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("modelscout")

        OneWidget().run()
    else:
        from modelscout.cli import main

        main([])  # stdin and stdout are a pseudo-terminal: the real entry opens the TUI
    result.write_text(json.dumps(figures))


# -- the parent -----------------------------------------------------------------------------------


def process_times(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall and CPU seconds of one process writing to /dev/null."""
    with open(os.devnull, "w") as sink:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=sink, env=env, cwd=REPO_ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed ({status})")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime}


def frame_times(app_kind: str, env: dict[str, str]) -> dict[str, float]:
    """Process start to the first frame of `app_kind`, on a pseudo-terminal as a user runs it."""
    import pty

    leader, follower = pty.openpty()
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "figures.json"
        command = [sys.executable, __file__, "--worker", app_kind, repr(time.time()), str(result)]
        try:
            done = subprocess.run(
                command,
                stdin=follower,
                stdout=follower,
                stderr=subprocess.PIPE,
                env=env,
                cwd=REPO_ROOT,
                check=False,
                timeout=120,
            )
        finally:
            os.close(follower)
            os.close(leader)
        if done.returncode != 0 or not result.exists():
            raise SystemExit(f"{app_kind} failed:\n{done.stderr.decode()[-4000:]}")
        figures: dict[str, float] = json.loads(result.read_text())
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/modelscout-bench"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        first_frame(args.worker[0], float(args.worker[1]), Path(args.worker[2]))
        return 0

    env = child_env(
        XDG_CACHE_HOME=str(args.data_dir / "xdg-cache"),  # where the decoded copies go
        XDG_CONFIG_HOME=str(args.data_dir / "xdg-config-startup"),  # settings: the defaults
    )
    env.pop("MODELSCOUT_CATALOG", None)
    python = sys.executable
    measured: dict[str, Callable[[], dict[str, float]]] = {
        "python -I -S -c pass": lambda: process_times([python, "-I", "-S", "-c", "pass"], env),
        "python -c pass": lambda: process_times([python, "-c", "pass"], env),
        "python -c 'import msgspec'": lambda: process_times([python, "-c", "import msgspec"], env),
        "modelscout list --json": lambda: process_times([str(SCRIPT), "list", "--json"], env),
        "python -m modelscout list --json": lambda: process_times(
            [python, "-m", "modelscout", "list", "--json"], env
        ),
        "Textual, one widget: first frame": lambda: frame_times("textual", env),
        "modelscout TUI: first frame": lambda: frame_times("modelscout", env),
    }
    for measure in measured.values():
        measure()  # untimed: the decoded copy, the rows' texts, bytecode, the page cache
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in measured}
    for _ in range(args.runs):
        for name, measure in measured.items():
            runs[name].append(measure())

    report: dict[str, Any] = {"runs": args.runs, "cpus": os.cpu_count(), "figures": {}}
    print(f"start-up, bundled catalogue: {args.runs} runs each, in turns, medians (min)")
    print(f"{'':<36} {'wall':>15} {'CPU':>15}")
    for name, results in runs.items():
        walls = [r["wall_s"] * 1000 for r in results]
        cpus = [r["cpu_s"] * 1000 for r in results]
        figures = {
            "wall_ms": statistics.median(walls),
            "cpu_ms": statistics.median(cpus),
            "cpu_min_ms": min(cpus),
        }
        report["figures"][name] = figures
        print(
            f"{name:<36} {figures['wall_ms']:>6.0f} ms ({min(walls):>3.0f}) "
            f"{figures['cpu_ms']:>6.0f} ms ({min(cpus):>3.0f})"
        )
    figures = report["figures"]
    listing, msgspec_floor = (
        figures["modelscout list --json"],
        figures["python -c 'import msgspec'"],
    )
    tui, textual_floor = (
        figures["modelscout TUI: first frame"],
        figures["Textual, one widget: first frame"],
    )
    print(
        f"\nlist --json: {listing['cpu_ms']:.0f} ms CPU against a target of 80 ms; "
        f"{listing['cpu_ms'] - msgspec_floor['cpu_ms']:.0f} ms above Python + msgspec"
    )
    print(
        f"TUI first frame: {tui['cpu_ms']:.0f} ms CPU against a target of 250 ms; "
        f"{tui['cpu_ms'] - textual_floor['cpu_ms']:.0f} ms above a one-widget Textual app"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
