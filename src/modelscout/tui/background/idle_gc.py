"""Collect the interpreter's cyclic garbage while the user reads, not while a key is answered.

With a Hub-sized catalogue the automatic collector hurts the one thing the table must be: quick to
answer a key. Drawing a frame makes thousands of small objects, so collections start every few
milliseconds, and each full one walks every live container: the query index's position lists and
the remembered results hold hundreds of thousands of slots. At 100,000 models a full collection
took 15 to 70 ms of CPU, and one landed in the middle of about every tenth keystroke.

So while the app runs, automatic collection is off and this runs it instead: young objects once
input has been quiet for a moment, everything after every tenth of those, as CPython's own
thresholds do. Almost all garbage is freed by reference counting anyway; cycles wait at most
until the next pause. If input never pauses, a backstop collects once enough has piled up.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.app import App
from textual.timer import Timer

# Seconds of no input before collecting: longer than the gap between keys of a typed word.
QUIET_S = 0.4
CHECK_EVERY_S = 0.25
# Young objects allowed to pile up before collecting: CPython's threshold is 700, allowed to
# run often because it is cheap; here collection waits for a pause, so it may wait for more.
YOUNG_MIN = 2_000
# ... and collected even without a pause once this many are waiting.
BACKSTOP = 500_000
# Young collections between two full ones (CPython's second and third thresholds are both 10).
FULL_EVERY = 10


class IdleCollector:
    """Turns automatic collection off for an app's lifetime and collects in its pauses."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._timer: Timer | None = None
        self._was_enabled = False
        self._last_input = time.monotonic()
        self._young_runs = 0
        self._pauses = 0
        self._lock = threading.Lock()
        self.collections = 0  # full ones, for tests and benchmarks

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = self._app.set_interval(CHECK_EVERY_S, self.tick, name="idle-gc")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._was_enabled:
            gc.enable()

    def input_seen(self) -> None:
        self._last_input = time.monotonic()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No collection while a worker builds a catalogue: its objects are all young, and
        collecting would walk them again and again as they are made (it doubled the load of
        100,000 models). The load moves them out of the collector's sight when it is done."""
        with self._lock:
            self._pauses += 1
        try:
            yield
        finally:
            with self._lock:
                self._pauses -= 1

    def tick(self) -> None:
        if self._pauses:
            return
        young = gc.get_count()[0]
        quiet = time.monotonic() - self._last_input >= QUIET_S
        if not ((quiet and young >= YOUNG_MIN) or young >= BACKSTOP):
            return
        self._young_runs += 1
        if self._young_runs >= FULL_EVERY:
            self._young_runs = 0
            self.collections += 1
            gc.collect()
        else:
            gc.collect(1)
