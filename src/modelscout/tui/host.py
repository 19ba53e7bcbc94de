"""What the screens need from the app, as a protocol: a typed accessor that does not import the
app module (which imports the screens), so screens and app form no import cycle."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from modelscout.hub.env import HubEnv
    from modelscout.tui.background.fit_source import FitSource
    from modelscout.tui.background.idle_gc import IdleCollector
    from modelscout.tui.downloads import Downloads
    from modelscout.tui.settings import Settings


class ScoutHost(Protocol):
    catalog_path: str | None
    collector: IdleCollector
    downloads: Downloads
    hub_env: HubEnv
    quitting: threading.Event  # set as the app closes: background work gives up
    detect_fit: Callable[[], FitSource | None] | None
    settings: Settings

    def remember(self, **changes: Any) -> None: ...


def host(app: App[Any]) -> ScoutHost:
    """The running ModelscoutApp, typed as what screens may use of it."""
    return cast("ScoutHost", app)
