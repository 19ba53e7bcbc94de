"""Building the app on the fixture catalogue and waiting for its workers, for pilot tests."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerFailed

from modelscout.catalog.model import Model
from modelscout.query import parse_query
from modelscout.tui.app import ModelscoutApp
from modelscout.tui.screens.main import MainScreen
from modelscout.tui.settings import Settings
from modelscout.tui.widgets.model_table import ModelTable

DATA = Path(__file__).resolve().parent / "data"
FIXTURE_CATALOG = DATA / "catalog.json"


def make_app(
    query: str = "sort:-intelligence",
    catalog: Path | str | None = FIXTURE_CATALOG,
    **kwargs: object,
) -> ModelscoutApp:
    """The app on the fixture catalogue, hardware detection off unless a test passes detect_fit."""
    kwargs.setdefault("detect_fit", None)
    kwargs.setdefault("settings", Settings(query=query, theme="textual-dark"))
    return ModelscoutApp(
        query=parse_query(query),
        catalog_path=None if catalog is None else str(catalog),
        **kwargs,  # type: ignore[arg-type]
    )


async def settle(pilot: Pilot[object]) -> None:
    """Wait until no worker runs: results of one worker (the catalogue) start another (the query)."""
    app = pilot.app
    for _ in range(20):
        # A worker that fails is reported by the app (its worker-error handler), not raised here.
        with suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            break
    await pilot.pause()


async def press(pilot: Pilot[object], *keys: str) -> None:
    """Press keys one at a time, letting the table re-filter after each, as a person would."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def main_screen(app: ModelscoutApp) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen)
    return screen


def table(app: ModelscoutApp) -> ModelTable:
    return main_screen(app).table


def ids(app: ModelscoutApp) -> list[str]:
    return [model.id for model in table(app).rows]


def highlighted(app: ModelscoutApp) -> Model | None:
    return table(app).highlighted_model
