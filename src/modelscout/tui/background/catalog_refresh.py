"""The command palette's "Refresh catalogue from the Hub": `catalog.refresh` in a thread worker.

It reports by messages only (progress for the activity line, notices, the saved catalogue), so it
knows nothing of the screen that shows them. It starts from the catalogue on screen when that came
from `--catalog` (else the bundled one with the cache's earlier Hub data) and always writes the
user's cache, never the file the user named; the table then shows that cache. A failure raises,
and the screen's worker-error handler says so.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from modelscout.hub.env import HubEnv
from modelscout.tui.background.idle_gc import IdleCollector
from modelscout.tui.messages import CatalogReady, Notice, RefreshActivity, WorkerNotice

REFRESH_GROUP = "catalog-refresh"
TITLE = "Catalogue refresh"


def refresh_catalogue(
    post: Callable[[Message], object],
    explicit: str | None,
    collector: IdleCollector,
    hub_env: HubEnv,
    stop: Callable[[], bool] | None = None,
) -> None:
    """Refresh from the Hub `hub_env` names, save and load the cache (blocking: run in a thread
    worker); it ends early, writing nothing, once `stop()` is true (the app is quitting)."""
    from modelscout.catalog.load import load_catalog
    from modelscout.catalog.refresh import (
        RefreshProgress,
        RefreshStopped,
        models_to_refresh,
        refresh_catalog,
        save_refreshed,
    )
    from modelscout.tui.rows import describe_catalog

    def progress(p: RefreshProgress) -> None:
        post(RefreshActivity(f"⟳ refreshing the catalogue: {p.done}/{p.total} {p.item}"))

    post(RefreshActivity("⟳ refreshing the catalogue from the Hub…"))
    try:
        notices: list[str] = []
        try:
            result = refresh_catalog(
                models_to_refresh(explicit, notices), hub_env, progress=progress, stop=stop
            )
        except RefreshStopped:
            return  # the app is quitting: nobody is left to tell
        for notice in notices:
            post(WorkerNotice(Notice(notice, severity="warning")))
        if result.offline:
            post(WorkerNotice(Notice(result.summary(), TITLE, "warning")))
            return
        if not result.changed:
            text = f"{result.summary()}; the catalogue is unchanged"
            # One cause behind every failure (the Hub unreachable) is worth saying.
            causes = {o.message for o in result.with_status("failed") if o.message}
            if len(causes) == 1:
                text += f": {causes.pop()}"
            post(WorkerNotice(Notice(text, TITLE, "error", timeout=12)))
            return
        saved = save_refreshed(result)
        with collector.paused():
            catalog = load_catalog(saved, origin="cache")
        source = describe_catalog(catalog)
    finally:
        post(RefreshActivity(""))
    post(CatalogReady(catalog, source))
    problems = result.with_status("failed") + result.with_status("missing")
    detail = "; ".join(f"{o.repo_id}: {o.message}" for o in problems[:2] if o.message)
    if explicit:
        detail = (detail + "; " if detail else "") + f"showing the cache, {explicit} is unchanged"
    post(
        WorkerNotice(
            Notice(
                result.summary() + (f" ({detail})" if detail else ""),
                "Catalogue refreshed",
                "warning" if problems else "information",
                timeout=10,
            )
        )
    )
