"""TUI benchmark: start to first frame, start to rows on screen, keystroke latency and peak RSS.

Each run is a fresh interpreter driving the app headless with ``App.run_test`` (Textual's own test
harness: the compositor renders every frame, the output goes nowhere). Two apps are measured in the
same run on the same catalogue files:

- ``modelscout``: the real app (``ModelscoutApp``: virtualised ``ModelTable``, queries in a worker);
- ``DataTable``: Textual's stock ``DataTable`` holding the same columns, filtered through the same
  query engine, re-filtering with ``clear()`` + ``add_rows()`` on the UI thread.

Times:

- *first frame*: process start (taken by the parent just before it starts the child) to the app
  being ready with its first screen drawn;
- *rows shown*: process start to the table holding the catalogue and the frame after it drawn;
- *keystroke*: a key press to the first frame drawn after the table holds the new result, starting
  once the app's start-up work in the background has finished (as a person reads the first screen).
  The keys: ``/`` then ``instru`` typed one letter at a time, escape, ``t`` five times (size tier),
  ``s`` five times (sort column). The baseline, which needs seconds a key at 100k, takes a shorter
  script of the same kinds of key (``/ i n``, escape, ``t``, ``s``), once (--baseline-runs).

    python bench/bench_tui.py                         # 1k, 10k, 100k; 3 runs
    python bench/bench_tui.py --sizes 100000 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from measure import child_env, ensure_catalog, key_figures, medians, peak_rss_mb, run_child

SIZE = (120, 40)
TYPED = "instru"


# -- measuring frames ---------------------------------------------------------------------------


class FrameClock:
    """Timestamps every frame the app draws, without Pilot's idle heuristics.

    Pilot.press and Pilot.pause wait until the process *looks* idle (CPU time against wall time),
    which adds 100 ms or more per key on a busy machine. Instead the bench sends key events itself
    and wraps ``App._display``, the call that receives each finished compositor update, also
    turning the update into terminal text as the real driver would.
    """

    def __init__(self, app: Any, started: float) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[float] = []
        self.wall_offset = started - (time.time() - time.perf_counter())
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                if isinstance(renderable, CompositorUpdate):
                    renderable.render_segments(app.console)
                self.frames.append(time.perf_counter())
            original(screen, renderable)

        app._display = display

    def since_start(self, moment: float) -> float:
        """Seconds from process start (wall clock in the parent) to a perf_counter moment."""
        return moment - self.wall_offset

    async def frame_after(self, moment: float, timeout: float = 60.0) -> float:
        """The first frame drawn after `moment`, waiting for it if need be."""
        deadline = time.perf_counter() + timeout
        while True:
            index = bisect.bisect_right(self.frames, moment)
            if index < len(self.frames):
                return self.frames[index]
            if time.perf_counter() > deadline:
                raise TimeoutError("no frame drawn")
            await asyncio.sleep(0.0005)


async def until(condition: Any, timeout: float = 120.0) -> float:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.0005)
    return time.perf_counter()


def send_key(app: Any, key: str) -> None:
    """What a terminal keypress becomes: one Key event into the driver's queue."""
    from textual import events

    chars = {"slash": "/", "escape": None}
    event = events.Key(key, chars.get(key, key))
    event.set_sender(app)
    app._driver.send_message(event)


KEYS = ["slash", *TYPED, "escape", *"ttttt", *"sssss"]
# With this machine's hardware detected (the "modelscout+hw" row): the fits filter on, the sort
# on through the hardware keys (best, then estimated tokens/s), the filter off.
HARDWARE_KEYS = [*KEYS, "f", *"ssss", "f"]
# The baseline takes seconds per key at 100k: a shorter script with each kind of key once or twice.
BASELINE_KEYS = ["slash", "i", "n", "escape", "t", "s"]


# -- the modelscout app ------------------------------------------------------------------------


async def drive_modelscout(
    path: Path, started: float, max_keys: int, hardware: bool = False, eager: bool = False
) -> dict[str, Any]:
    from modelscout.query import parse_query
    from modelscout.tui.app import ModelscoutApp
    from modelscout.tui.background.fit_source import detect_fit_source
    from modelscout.tui.settings import Settings

    app = ModelscoutApp(
        query=parse_query(""),
        settings=Settings(query="", theme="textual-dark"),
        catalog_path=str(path),
        detect_fit=detect_fit_source if hardware else None,
    )
    clock = FrameClock(app, started)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: bool(clock.frames))
        first_frame = clock.since_start(clock.frames[0])
        table = app.screen.table  # type: ignore[attr-defined]
        # When each result reached the table: polling for it could notice only after the frame
        # that shows it, as the query may run on the UI thread in the same turn as the key.
        changes: list[float] = []
        set_rows = table.set_rows

        def timed_set_rows(*args: Any, **kwargs: Any) -> None:
            set_rows(*args, **kwargs)
            changes.append(time.perf_counter())

        table.set_rows = timed_set_rows
        loaded = await until(lambda: bool(table.rows))
        rows_shown = clock.since_start(await clock.frame_after(loaded))
        total = len(table.rows)
        # A person reads the first screen before typing: start once the app's background work
        # (loading, hardware detection, then preparing the query index for what they gave) has
        # finished. One worker can start the next, so wait until none is left.
        # With --eager, type at once instead, while the index is still being prepared.
        if hardware:
            await until(lambda: app.screen.fit is not None)  # type: ignore[attr-defined]
        while not eager:
            await app.workers.wait_for_complete()
            await asyncio.sleep(0.1)
            if not any(w.is_running for w in app.workers):
                break

        latencies: list[tuple[str, float, int]] = []
        for key in (HARDWARE_KEYS if hardware else KEYS)[:max_keys]:
            before = table.rows
            t0 = time.perf_counter()
            send_key(app, key)
            if key in ("slash", "escape"):
                await clock.frame_after(t0)
                await asyncio.sleep(0.05)
                continue
            await until(lambda before=before: table.rows is not before)
            changed = changes[-1]
            drawn = await clock.frame_after(changed)
            latencies.append((key, (drawn - t0) * 1000, len(table.rows), (changed - t0) * 1000))
            await asyncio.sleep(0.02)  # a person types no faster than this
        detail = await open_detail(app, clock, pilot) if table.rows else None
    return result(first_frame, rows_shown, total, latencies, detail)


async def open_detail(app: Any, clock: FrameClock, pilot: Any) -> float:
    """Cursor to the last row, then enter: the detail view of a model 100,000 rows down."""
    send_key(app, "G")
    await asyncio.sleep(0.1)
    screens = len(app.screen_stack)
    t0 = time.perf_counter()
    send_key(app, "enter")
    opened = await until(lambda: len(app.screen_stack) > screens)
    drawn = await clock.frame_after(opened)
    send_key(app, "escape")
    await pilot.pause()
    return (drawn - t0) * 1000


# -- the stock DataTable baseline --------------------------------------------------------------


def datatable_app(path: Path) -> Any:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import DataTable, Input

    from modelscout.catalog import load_catalog
    from modelscout.display.columns import CATALOGUE_COLUMNS
    from modelscout.query import parse_query, run_query
    from modelscout.tui import query_cycles as qc

    class StockTableApp(App[None]):
        """The same rows in Textual's DataTable: every cell built up front, re-added per query."""

        BINDINGS = [  # noqa: RUF012
            Binding("slash", "search", "Search"),
            Binding("escape", "leave", "Back"),
            Binding("t", "tier", "Tier"),
            Binding("s", "sort", "Sort"),
        ]

        def __init__(self) -> None:
            super().__init__()
            self.query_now = parse_query("")
            self.models: tuple[Any, ...] = ()

        def compose(self) -> ComposeResult:
            yield Input(id="q")
            yield DataTable(id="t", cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(c.label for c in CATALOGUE_COLUMNS))
            table.focus()
            self.models = load_catalog(path).models
            self.show()

        def show(self) -> None:
            rows = run_query(self.models, self.query_now)
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows([tuple(c.cell(m).text for c in CATALOGUE_COLUMNS) for m in rows])

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_now = parse_query(event.value)
            self.show()

        def action_search(self) -> None:
            self.query_one(Input).focus()

        def action_leave(self) -> None:
            self.query_one(DataTable).focus()

        def action_tier(self) -> None:
            self.query_now = qc.cycle_tier(self.query_now)
            self.show()

        def action_sort(self) -> None:
            self.query_now = qc.cycle_sort(self.query_now, fit_available=False)
            self.show()

    return StockTableApp()


async def drive_datatable(path: Path, started: float, max_keys: int) -> dict[str, Any]:
    from textual.widgets import DataTable

    app = datatable_app(path)
    clock = FrameClock(app, started)
    shown: list[float] = []
    show = app.show

    def timed_show() -> None:
        show()
        shown.append(time.perf_counter())

    app.show = timed_show
    async with app.run_test(size=SIZE):
        table = app.query_one(DataTable)
        loaded = await until(lambda: bool(shown))
        # The stock table cannot draw before its rows exist: on_mount builds them all.
        rows_shown = clock.since_start(await clock.frame_after(loaded))
        first_frame = clock.since_start(clock.frames[0])
        total = table.row_count
        latencies: list[tuple[str, float, int]] = []
        for key in BASELINE_KEYS[:max_keys]:
            count = len(shown)
            t0 = time.perf_counter()
            send_key(app, key)
            if key in ("slash", "escape"):
                await clock.frame_after(t0)
                await asyncio.sleep(0.05)
                continue
            done = await until(lambda count=count: len(shown) > count)
            drawn = await clock.frame_after(done)
            latencies.append((key, (drawn - t0) * 1000, table.row_count))
            await asyncio.sleep(0.02)
    return result(first_frame, rows_shown, total, latencies, None)


def result(
    first_frame: float,
    rows_shown: float,
    total: int,
    latencies: list[tuple[str, float, int]],
    detail_ms: float | None,
) -> dict[str, Any]:
    return {
        "first_frame_s": first_frame,
        "rows_shown_s": rows_shown,
        "rows": total,
        "keys": latencies,
        "detail_ms": detail_ms,
        "peak_rss_mb": peak_rss_mb(),
    }


# -- driver ------------------------------------------------------------------------------------


def run_worker(app: str, path: Path, max_keys: int, eager: bool) -> dict[str, Any]:
    env = child_env(
        XDG_CONFIG_HOME="/tmp/modelscout-bench/xdg-config",
        XDG_CACHE_HOME="/tmp/modelscout-bench/xdg-cache",  # where the decoded copies go
    )
    started = time.time()  # just before the child starts: its start-up counts
    args = [app, str(path), repr(started), str(max_keys), "eager" if eager else "patient"]
    return run_child(__file__, args, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="bundled,1000,10000,100000", help="'bundled' is the shipped catalogue"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--baseline-runs",
        type=int,
        default=1,
        help="runs of the DataTable baseline (one costs minutes at 100k)",
    )
    parser.add_argument(
        "--hardware",
        action="store_true",
        help="also run with this machine's hardware detected, adding the fits filter and the "
        "hardware sorts to the keys",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/modelscout-bench"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--eager",
        action="store_true",
        help="type as soon as the rows are shown, while the index is still being prepared",
    )
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        app, path, started, max_keys, mode = args.worker
        run = (Path(path), float(started), int(max_keys))
        if app == "DataTable":
            figures = asyncio.run(drive_datatable(*run))
        else:
            hardware = app == "modelscout+hw"
            figures = asyncio.run(drive_modelscout(*run, hardware, mode == "eager"))
        print(json.dumps(figures))
        return 0

    args.data_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"runs": args.runs, "cpus": os.cpu_count(), "sizes": {}}
    print(f"modelscout TUI benchmark: {args.runs} runs, medians; {os.cpu_count()} CPUs; {SIZE}")
    header = (
        f"{'models':>7} {'table':<13} {'1st frame':>9} {'rows shown':>10} {'key p50':>8} "
        f"{'key p95':>8} {'key max':>8} {'detail':>7} {'peak RSS':>9}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes.split(","):
        path = ensure_catalog(size, args.data_dir)
        per_app: dict[str, Any] = {}
        apps = [("modelscout", args.runs), ("DataTable", args.baseline_runs)]
        if args.hardware:
            apps.insert(1, ("modelscout+hw", args.runs))
        # Untimed: writes the decoded copy a second start reads (the first after a refresh
        # decodes the file itself).
        run_worker("modelscout", path, 0, args.eager)
        for app, count in apps:
            runs = [run_worker(app, path, 99, args.eager) for _ in range(count)]
            if not runs:
                continue
            key_times = [[k[1] for k in r["keys"]] for r in runs]
            figures = {
                **medians(runs, "first_frame_s", "rows_shown_s"),
                **key_figures(key_times),
                "keys": runs[0]["keys"],
                **medians(runs, "peak_rss_mb"),
            }
            details = [r["detail_ms"] for r in runs if r["detail_ms"] is not None]
            figures["detail_ms"] = statistics.median(details) if details else None
            per_app[app] = figures
            detail = f"{figures['detail_ms']:>5.0f}ms" if details else f"{'-':>7}"
            print(
                f"{size:>7} {app:<13} {figures['first_frame_s']:>8.2f}s "
                f"{figures['rows_shown_s']:>9.2f}s {figures['key_p50_ms']:>6.1f}ms "
                f"{figures['key_p95_ms']:>6.1f}ms {figures['key_max_ms']:>6.1f}ms {detail} "
                f"{figures['peak_rss_mb']:>6.0f} MB"
            )
        report["sizes"][str(size)] = per_app
        if "DataTable" not in per_app:
            continue
        ours, stock = per_app["modelscout"], per_app["DataTable"]
        print(
            f"{'':>7} {'ratio':<13} {stock['first_frame_s'] / ours['first_frame_s']:>8.1f}x "
            f"{stock['rows_shown_s'] / ours['rows_shown_s']:>9.1f}x "
            f"{stock['key_p50_ms'] / ours['key_p50_ms']:>6.1f}x "
            f"{stock['key_p95_ms'] / ours['key_p95_ms']:>6.1f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
