"""Values built on first use, once, whichever thread asks first.

The TUI prepares a catalogue's search text, sort orders and fit column in a background thread
while the user may already be typing, and a key's query may need the very column being built. At
100,000 models one costs 0.1 to 0.5 s of the interpreter: built a second time in parallel it would
cost twice that, both threads sharing one lock on the interpreter. A thread that asks for a value
being built waits for it instead; values with other keys are built side by side as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BuildOnce(Generic[V]):
    def __init__(self) -> None:
        self._values: dict[Hashable, V] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            try:
                return self._values[key]  # built by the thread this one waited for
            except KeyError:
                value = build()
                self._values[key] = value
                return value
