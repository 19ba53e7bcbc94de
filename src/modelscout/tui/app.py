"""The Textual app: screens, global bindings and the state shared between screens (settings).

`run_app(args)` is the entry from the CLI: it resolves what to show (``--query`` or the remembered
query, the saved theme) and runs the app. The catalogue itself is loaded by the main screen in a
worker, so the first frame never waits for the file.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Input

from modelscout.errors import QueryError
from modelscout.hub.env import HubEnv
from modelscout.query import Query, parse_query
from modelscout.tui.background.fit_source import FitSource, detect_fit_source
from modelscout.tui.background.idle_gc import IdleCollector
from modelscout.tui.commands import ModelscoutCommands
from modelscout.tui.downloads import Downloads
from modelscout.tui.messages import CacheScanned, JobUpdated, PullListed, PullNotListed
from modelscout.tui.screens.confirm import ConfirmScreen
from modelscout.tui.screens.help import HelpScreen, Section, binding_rows, screen_sections
from modelscout.tui.screens.main import MainScreen
from modelscout.tui.settings import Settings, load_settings, save_settings, settings_path
from modelscout.tui.worker_errors import ReportsWorkerErrors

# Settings are written this long after the last change: typing a query changes them per key.
SAVE_AFTER_S = 0.5


class ModelscoutApp(ReportsWorkerErrors, App[None]):
    WORKER_TITLES: ClassVar[dict[str, str]] = {
        "pull": "Cannot pull",
        "disk-scan": "Cannot scan the download cache",
        "settings": "Cannot save settings",
    }

    CSS_PATH = "modelscout.tcss"
    TITLE = "modelscout"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]
    COMMANDS = App.COMMANDS | {ModelscoutCommands}

    def __init__(
        self,
        *,
        query: Query,
        settings: Settings | None = None,
        settings_file: Path | None = None,
        catalog_path: str | None = None,
        detect_fit: Callable[[], FitSource | None] | None = detect_fit_source,
        notices: tuple[str, ...] = (),
    ) -> None:
        """`settings_file` None keeps settings in memory only; `detect_fit` None skips hardware."""
        super().__init__()
        self.settings = settings or Settings()
        self.settings_file = settings_file
        self.catalog_path = catalog_path
        self.detect_fit = detect_fit
        self._initial_query = query
        self._notices = notices
        self.hub_env = HubEnv.from_environ()  # the Hub, token, cache and offline mode, read once
        self.downloads = Downloads(self, hub_env=self.hub_env)
        self.collector = IdleCollector(self)
        # Set as the app closes: a refresh waiting on a slow Hub gives up instead of holding the
        # exit until its requests time out.
        self.quitting = threading.Event()
        self._save_timer: Timer | None = None
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    def on_mount(self) -> None:
        self.collector.start()
        self.push_screen(MainScreen(self._initial_query, self.catalog_path))
        self.remember(query=self._initial_query.to_text())  # a --query seed becomes the saved one
        for notice in self._notices:
            self.notify(notice, severity="warning", timeout=8)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification as plain text, whatever the caller (a screen's `notify` asks for
        markup): they carry model names, paths and the Hub's messages, and "Model [/x]" would
        otherwise end the app with a markup error; their control characters are neutralised."""
        from modelscout.display.text import shown

        super().notify(
            shown(message), title=shown(title), severity=severity, timeout=timeout, markup=False
        )

    def on_unmount(self) -> None:
        self.quitting.set()
        self.collector.stop()
        if self._save_timer is not None and self.settings_file is not None:
            self._save_timer.stop()
            self._save_timer = None
            with suppress(OSError):  # at exit there is nobody left to tell
                save_settings(self.settings_file, self.settings)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.input_seen()
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """Type into the focused input a character that reached the app instead.

        Keys typed fast after `/` are queued to the table before the filter bar takes the focus;
        they come back here unhandled. Without this, `/q` would quit and `/t` would cycle the tier.
        """
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            event.prevent_default()  # skips the binding lookup that follows in App._on_key
            event.stop()
            focused.insert_text_at_cursor(event.character)

    # The downloads' threads and workers report here; `Downloads` keeps the state.
    def on_job_updated(self, message: JobUpdated) -> None:
        self.downloads.apply(message.status)

    def on_pull_listed(self, message: PullListed) -> None:
        self.downloads.listed(message)

    def on_pull_not_listed(self, message: PullNotListed) -> None:
        self.downloads.not_listed(message)

    def on_cache_scanned(self, message: CacheScanned) -> None:
        self.downloads.set_on_disk(message.sizes, message.partial)

    async def action_quit(self) -> None:
        """Quit; while downloads run, ask first (their partial data is kept for the next pull)."""
        if not self.downloads.active():
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.downloads.cancel_all()
                self.exit()

        running = sum(1 for s in self.downloads.statuses() if not s.state.finished)
        if not isinstance(self.screen, ConfirmScreen):
            self.push_screen(
                ConfirmScreen(
                    f"{running} download{'s are' if running != 1 else ' is'} not finished. "
                    "Stop and quit?",
                    "The partial data is kept: pulling the same model again resumes it.",
                ),
                answer,
            )

    def watch_theme(self, theme: str) -> None:
        self.remember(theme=theme)

    def remember(self, **changes: Any) -> None:
        """Update the persisted settings; written in a worker once changes pause, and at exit."""
        updated = self.settings.with_(**changes)
        if updated == self.settings:
            return
        self.settings = updated
        if self.settings_file is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER_S, self._save_pending)

    def _save_pending(self) -> None:
        self._save_timer = None
        if self.settings_file is not None:
            self._save_settings(self.settings_file, self.settings)

    @work(thread=True, exclusive=True, group="settings")
    def _save_settings(self, path: Path, settings: Settings) -> None:
        try:
            save_settings(path, settings)
        except OSError as exc:
            self.call_from_thread(
                self.notify,
                f"Could not save settings to {path}: {exc.strerror}",
                severity="warning",
            )

    def help_sections(self, screen: object | None = None) -> list[Section]:
        """The keys of `screen` (the one in front by default), then the app's own."""
        app_keys = [
            *binding_rows(self.BINDINGS),
            ("ctrl+p", "Command palette: every action by name"),
        ]
        return [*screen_sections(screen or self.screen), ("App", app_keys)]

    def action_help(self) -> None:
        screen = self.screen
        if not isinstance(screen, HelpScreen):
            query_help = isinstance(screen, MainScreen)
            self.push_screen(HelpScreen(self.help_sections(screen), query_help=query_help))


def initial_state(
    args: argparse.Namespace, settings_file: Path
) -> tuple[Query, Settings, tuple[str, ...]]:
    """The query to open with: `--query` (saved once the app opens), else the remembered one.

    A bad `--query` raises QueryError for the CLI to report; a bad saved query is dropped with a notice.
    """
    settings, problem = load_settings(settings_file)
    notices = (problem,) if problem else ()
    seed = getattr(args, "query", None)
    if seed is not None:
        return parse_query(seed), settings, notices
    try:
        return parse_query(settings.query), settings, notices
    except QueryError as exc:
        fallback = Settings().query
        return (
            parse_query(fallback),
            settings.with_(query=fallback),
            (*notices, f"remembered query dropped: {exc}"),
        )


def run_app(args: argparse.Namespace) -> int:
    path = settings_path()
    query, settings, notices = initial_state(args, path)
    app = ModelscoutApp(
        query=query,
        settings=settings,
        settings_file=path,
        catalog_path=getattr(args, "catalog", None),
        notices=notices,
    )
    app.run()
    return 0 if app.return_code in (None, 0) else int(app.return_code)
