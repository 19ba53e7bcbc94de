"""The command palette's "Refresh catalogue from the Hub": `hub.refresh` in a thread worker, with
its progress on the main screen's activity line, then the saved cache shown in the table.

The refresh starts from the catalogue on screen when it came from `--catalog` (else the bundled
one with the cache's earlier Hub data) and always writes the user's cache, never the file the user
named; the table then shows that cache.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from modelscout.errors import ModelscoutError

if TYPE_CHECKING:
    from modelscout.catalog.refresh import RefreshProgress, RefreshResult
    from modelscout.tui.screens.main import MainScreen


def start_refresh(screen: MainScreen) -> None:
    """Run a refresh unless one is already running."""
    if any(w.group == "catalog-refresh" and not w.is_finished for w in screen.app.workers):
        screen.notify("The catalogue is already being refreshed", severity="warning")
        return
    _activity(screen, "⟳ refreshing the catalogue from the Hub…")
    screen.app.run_worker(
        lambda: _refresh(screen), thread=True, group="catalog-refresh", name="refresh"
    )


def _activity(screen: MainScreen, text: str) -> None:
    from modelscout.tui.widgets.activity_line import ActivityLine

    with suppress(Exception):  # the screen is gone (the app is closing)
        screen.query_one(ActivityLine).set_refresh(text)


def _refresh(screen: MainScreen) -> None:
    from modelscout.catalog.load import load_catalog
    from modelscout.catalog.refresh import models_to_refresh, refresh_catalog, save_refreshed
    from modelscout.tui.rows import describe_catalog

    app = screen.app
    explicit = screen.modelscout_app.catalog_path

    def progress(p: RefreshProgress) -> None:
        text = f"⟳ refreshing the catalogue: {p.done}/{p.total} {p.item}"
        with suppress(RuntimeError):
            app.call_from_thread(_activity, screen, text)

    try:
        notices: list[str] = []
        result: RefreshResult = refresh_catalog(
            models_to_refresh(explicit, notices), progress=progress
        )
        for notice in notices:
            app.call_from_thread(screen.notify, notice, severity="warning")
        if result.offline:
            app.call_from_thread(
                screen.notify, result.summary(), title="Catalogue refresh", severity="warning"
            )
            return
        if not result.changed:
            app.call_from_thread(
                screen.notify,
                f"{result.summary()}; the catalogue is unchanged",
                title="Catalogue refresh",
                severity="error",
                timeout=12,
            )
            return
        saved = save_refreshed(result)
        with screen.modelscout_app.collector.paused():
            catalog = load_catalog(saved, origin="cache")
        source = describe_catalog(catalog)
    except ModelscoutError as exc:
        app.call_from_thread(
            screen.notify, str(exc), title="Catalogue refresh failed", severity="error"
        )
        return
    except Exception as exc:  # a bug must reach the user as one line, not end the app
        app.call_from_thread(
            screen.notify,
            f"unexpected {type(exc).__name__}: {exc}",
            title="Catalogue refresh failed",
            severity="error",
        )
        return
    finally:
        with suppress(RuntimeError):
            app.call_from_thread(_activity, screen, "")
    app.call_from_thread(screen._catalog_loaded, catalog, source)
    problems = result.with_status("failed") + result.with_status("missing")
    detail = "; ".join(f"{o.repo_id}: {o.message}" for o in problems[:2] if o.message)
    if explicit:
        detail = (detail + "; " if detail else "") + f"showing the cache, {explicit} is unchanged"
    app.call_from_thread(
        screen.notify,
        result.summary() + (f" ({detail})" if detail else ""),
        title="Catalogue refreshed",
        severity="warning" if problems else "information",
        timeout=10,
    )
