"""Charts benchmark: how long `v` takes to draw, and each `j` after it, at a catalogue's size.

Drives the app headless with ``App.run_test`` on the bundled catalogue and on generated ones, at
80x24 and 200x50. *open*: `v` pressed to the charts screen drawn; *follow*: a `j` to the frame after
the mark moved (every point is drawn again, so this grows with the rows); *memory*: `3`, the memory
curves of one model at eleven context lengths; *redraw*: the scatter's own work for one move (its
points, datasets and canvas) without the test harness's key handling. Medians of --runs tries.

    python bench/bench_charts.py                      # bundled, 10k, 100k
    python bench/bench_charts.py --sizes 100000 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from measure import ensure_catalog

from modelscout.query import parse_query
from modelscout.tui.app import ModelscoutApp
from modelscout.tui.screens.charts import ChartsScreen
from modelscout.tui.settings import Settings

SIZES = ((80, 24), (200, 50))


async def drawn(pilot: object, key: str) -> float:
    start = time.perf_counter()
    await pilot.press(key)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    return time.perf_counter() - start


async def measure(catalog: str | None, size: tuple[int, int], runs: int) -> dict[str, float]:
    query = "sort:-intelligence"
    app = ModelscoutApp(
        query=parse_query(query),
        settings=Settings(query=query),
        catalog_path=catalog,
        detect_fit=None,
    )
    figures: dict[str, list[float]] = {"open": [], "follow": [], "memory": [], "redraw": []}
    async with app.run_test(size=size) as pilot:
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
        for _ in range(runs):
            figures["open"].append(await drawn(pilot, "v"))
            assert isinstance(app.screen, ChartsScreen)
            figures["follow"].append(await drawn(pilot, "j"))
            start = time.perf_counter()
            app.screen.redraw()  # the chart's own work: its points, datasets and canvas
            app.screen.plot._render_plot()
            figures["redraw"].append(time.perf_counter() - start)
            figures["memory"].append(await drawn(pilot, "3"))
            await drawn(pilot, "escape")
    return {name: statistics.median(values) * 1000 for name, values in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "modelscout-bench"
    )
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    catalogs: list[tuple[str, str | None]] = [("bundled", None)]
    catalogs += [(f"{n:,}", str(ensure_catalog(str(n), args.data))) for n in args.sizes]
    print(
        f"{'catalogue':>10} {'terminal':>9} {'open ms':>8} {'follow ms':>10} {'memory ms':>10} "
        f"{'redraw ms':>10}"
    )
    for label, path in catalogs:
        for size in SIZES:
            result = asyncio.run(measure(path, size, args.runs))
            print(
                f"{label:>10} {size[0]:>4}x{size[1]:<4} {result['open']:8.1f} "
                f"{result['follow']:10.1f} {result['memory']:10.1f} {result['redraw']:10.1f}"
            )


if __name__ == "__main__":
    main()
