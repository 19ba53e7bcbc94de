"""Each catalogue's query answers, behind one object: the reference engine for small catalogues,
numpy columns for large ones.

A catalogue of a few thousand models (the bundled one) is answered by the reference engine on
positions: a few milliseconds a query, and no numpy to import at start-up. A larger one gets a
`ColumnIndex`: its columns read from the file beside the decoded copy or built in one pass, then
each query a few vectorised passes (`column_index.py`). Either way a result is a `QueryRows`: the
catalogue positions of the rows, in order, read as models only when asked.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast, overload

from modelscout.catalog.model import Model
from modelscout.query.engine import select_positions
from modelscout.query.language import FitLookup, Query, SortKey

if TYPE_CHECKING:
    from modelscout.query.column_index import ColumnIndex
    from modelscout.query.columns import Columns

# A catalogue this small answers any query, fit included, in a few milliseconds per call.
_SMALL = 2_000


def _ints(positions: Sequence[int]) -> list[int]:
    """Positions as plain ints: a numpy array's `tolist`, which iterates in C."""
    tolist = getattr(positions, "tolist", None)
    return tolist() if tolist is not None else list(positions)


class QueryRows(Sequence[Model]):
    """A query result: the models at these catalogue positions, in order, read on demand."""

    __slots__ = ("_models", "_positions")

    def __init__(self, models: Sequence[Model], positions: Sequence[int]) -> None:
        self._models = models
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def positions(self) -> Sequence[int]:
        """Catalogue positions of the rows, in order: a list for a small catalogue, a read-only
        numpy array for a large one. Do not modify it."""
        return self._positions

    @overload
    def __getitem__(self, index: int) -> Model: ...

    @overload
    def __getitem__(self, index: slice) -> list[Model]: ...

    def __getitem__(self, index: int | slice) -> Model | list[Model]:
        if isinstance(index, slice):
            return list(map(self._models.__getitem__, _ints(self._positions[index])))
        return self._models[self._positions[index]]

    def __iter__(self) -> Iterator[Model]:
        return map(self._models.__getitem__, _ints(self._positions))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, QueryRows):
            return self._models is other._models and _ints(self._positions) == _ints(
                other._positions
            )
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"QueryRows({len(self)} of {len(self._models)} models)"


class QueryIndex:
    """Query answers for one catalogue (an immutable sequence of models), as positions or models."""

    def __init__(self, models: Sequence[Model], small: int = _SMALL) -> None:
        self.models = models
        self._small = small  # up to this many models: the reference engine
        self._columns: ColumnIndex | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.models)

    def run(self, query: Query, fit: FitLookup | None = None) -> list[Model]:
        """The models a query selects, in order: what `run_query_per_call` returns."""
        return list(self.rows(query, fit))

    def rows(self, query: Query, fit: FitLookup | None = None) -> QueryRows:
        """The same rows as `run`, as a view that reads a model only when asked."""
        return QueryRows(self.models, self.positions(query, fit))

    def positions(self, query: Query, fit: FitLookup | None = None) -> Sequence[int]:
        """Catalogue positions of the rows a query selects, in order. Do not modify them."""
        large = self._large()
        if large is None:
            return select_positions(self.models, query, fit)
        return cast("Sequence[int]", large.positions(query, fit))  # a numpy array reads as one

    def answers_at_once(self, query: Query, fit: FitLookup | None = None) -> bool:
        """Whether `query` needs nothing slow to build: then it takes milliseconds, and the TUI
        runs it on the spot instead of paying a thread hand-off for it."""
        large = self._large()
        return large is None or large.answers_at_once(query, fit)

    def warm(self, sort_keys: Sequence[SortKey] = (), fit: FitLookup | None = None) -> None:
        """Build now (in a background thread) what a first word, sort or `fits` would wait for."""
        large = self._large()
        if large is not None:
            large.warm(sort_keys, fit)

    def _large(self) -> ColumnIndex | None:
        if len(self.models) <= self._small:
            return None
        if self._columns is None:
            with self._lock:
                if self._columns is None:
                    from modelscout.query.column_index import ColumnIndex

                    self._columns = ColumnIndex(self.models, lambda: _load_columns(self.models))
        return self._columns


def _load_columns(models: Sequence[Model]) -> Columns:
    """The columns of `models`: from the file beside their decoded copy where one matches, else
    built in one pass (and stored there for the next run)."""
    from modelscout.query.columns import build_columns
    from modelscout.query.columns_file import file_key, read_columns, write_columns

    copy: Any = getattr(models, "copy", None)
    if copy is None:
        return _released(build_columns(models))
    path, key = copy.stem.with_suffix(".columns"), file_key(copy.key)
    found = read_columns(path, key, len(models))
    if found is not None:
        return found
    built = build_columns(models)
    try:
        write_columns(path, key, built)
    except OSError:
        return _released(built)
    # Mapped: only the pages queries use stay in memory, not every array built.
    return _released(read_columns(path, key, len(models)) or built)


def _released(columns: Columns) -> Columns:
    """`columns`, once the memory their build freed is handed back (`release_freed_memory`)."""
    from modelscout.query.columns import release_freed_memory

    release_freed_memory()
    return columns


_cache: list[QueryIndex] = []
_cache_lock = threading.Lock()


def index_for(models: Sequence[Model]) -> QueryIndex:
    """The index of this catalogue, built on first use; the last two catalogues stay indexed.

    Two, so that a catalogue refresh (old and new alive together for a moment) does not rebuild
    the one still on screen. Once the new one has replaced it, `keep_only_index_of` lets the old
    one go.
    """
    with _cache_lock:
        for index in _cache:
            if index.models is models:
                return index
        index = QueryIndex(models)
        _cache.insert(0, index)
        del _cache[2:]
        return index


def keep_only_index_of(models: Sequence[Model]) -> None:
    """Drop every other catalogue's index: its columns would otherwise outlive the catalogue on
    screen."""
    with _cache_lock:
        _cache[:] = [index for index in _cache if index.models is models]
