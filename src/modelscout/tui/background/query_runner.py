"""Runs the main screen's queries so that typing stays instant at 100,000 models.

A query the catalogue's index answers in milliseconds runs on the UI thread: its rows go out in
the frame that shows the key's effect, where a worker thread would add its start-up and a hand-back
and fight that frame for the interpreter. Any other query (a `fits` filter, a first sort at
100,000 models) runs in a worker thread, one at a time: keys pressed meanwhile only bump the
generation, and when it finishes the newest query starts, so fast typing never piles up threads
and a stale result never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass

from textual.dom import DOMNode
from textual.timer import Timer

from modelscout.catalog.model import Model
from modelscout.errors import QueryError
from modelscout.query import FitLookup, Query, answers_at_once, run_query
from modelscout.tui.rows import Place, index_of

# A query that takes longer than this is marked busy (quick ones would only make the mark flicker).
BUSY_AFTER_S = 0.15


@dataclass(frozen=True, slots=True)
class Request:
    """What to run, read when the query starts (not when the key arrived): the newest state."""

    models: Sequence[Model]
    query: Query
    fit: FitLookup | None
    keep: Place | None  # the row the cursor should follow to its new place, if any


@dataclass(frozen=True, slots=True)
class Answer:
    query: Query
    rows: Sequence[Model] | None  # None when the query failed
    cursor: int  # where `keep` landed (0 when it is gone)
    error: str | None


class QueryRunner:
    def __init__(
        self,
        owner: DOMNode,
        read: Callable[[], Request],
        deliver: Callable[[Answer], None],
        busy: Callable[[bool], None],
    ) -> None:
        self._owner = owner  # runs the worker and the busy timer, so both end with it
        self._read = read
        self._deliver = deliver
        self._busy = busy
        self._generation = 0  # bumped per requested query; results of older ones are dropped
        self._running = False
        self._busy_timer: Timer | None = None

    def request(self) -> None:
        """Run the newest query now, or as soon as the one running ends."""
        self._generation += 1
        if not self._running:
            self._start()

    def _start(self) -> None:
        request = self._read()
        if answers_at_once(request.models, request.query, request.fit):
            self._finish(self._generation, answer(request))
            return
        self._running = True
        if self._busy_timer is None:
            self._busy_timer = self._owner.set_timer(BUSY_AFTER_S, lambda: self._busy(True))
        generation = self._generation
        # Through run_worker with no description: the @work decorator would put the arguments'
        # repr in one, and the catalogue's is 150 MB.
        self._owner.run_worker(
            lambda: self._work(generation, request), thread=True, group="query", description="query"
        )

    def _work(self, generation: int, request: Request) -> None:
        result = answer(request)
        with suppress(RuntimeError):  # the app closed while this ran
            self._owner.app.call_from_thread(self._finish, generation, result)

    def _finish(self, generation: int, result: Answer) -> None:
        self._running = False
        if generation != self._generation:
            self._start()  # keys arrived meanwhile: run only the newest query
            return
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        self._busy(False)
        self._deliver(result)


def answer(request: Request) -> Answer:
    """A query's rows and where the followed model landed in them, or the error that stopped it."""
    try:
        rows = run_query(request.models, request.query, request.fit)
    except QueryError as exc:
        return Answer(request.query, None, 0, str(exc))
    return Answer(request.query, rows, index_of(rows, request.keep), None)
