"""A catalogue's columns, search text and sort orders, computed once so each query is a few list scans.

`run_query` works per call: every keystroke rebuilt each model's search text, called a lambda per
model per filter and sorted the survivors from scratch, about 0.2 s at 100,000 models. The index
keeps what a query reads as plain lists by catalogue position, built on first use and reused for
every later query on the same catalogue:

- filters scan only the columns they name;
- each sort key gets one order (unknowns last, ties in catalogue order) and a dense rank, so sorting
  the rows a filter kept is a pass over that order, not a sort;
- recent filter results are remembered, and a query that only narrows a remembered one (typing
  ``qwen`` after ``qwe``) scans that result instead of the whole catalogue;
- what depends on the hardware (the ``fits`` column, the orders of ``sort:best``, ``fit`` and
  ``tps``) is kept the same way for the most recent fit, and dropped when another fit arrives.

Results are the same as `query.run_query`'s per-call engine, row for row; the tests hold them equal.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import compress, count, repeat
from operator import contains, is_
from typing import Any, overload

from modelscout.catalog.model import Model
from modelscout.query.build_once import BuildOnce
from modelscout.query.engine import OPERATORS, predicates, search_text, sort_value
from modelscout.query.filters import FILTERS
from modelscout.query.language import NUMERIC_FIELDS, SORT_KEYS, FitLookup, Query, SortKey
from modelscout.query.sort_orders import SortOrders

# How many filter results to remember: enough for typing a word and backing out of it.
_RECENT_RESULTS = 24

# A catalogue this small answers any query, fit included, in a few milliseconds.
_SMALL = 2_000

# Filtering kept-rows lists by an index this sparse or denser walks the precomputed order;
# sparser ones are sorted by rank instead (cheaper when few rows survive).
_DENSE_FRACTION = 8

_COMPARE: dict[str, Callable[[list[Any], Sequence[int], float], list[int]]] = {
    "<=": lambda col, rows, b: [i for i in rows if (v := col[i]) is not None and v <= b],
    ">=": lambda col, rows, b: [i for i in rows if (v := col[i]) is not None and v >= b],
    "<": lambda col, rows, b: [i for i in rows if (v := col[i]) is not None and v < b],
    ">": lambda col, rows, b: [i for i in rows if (v := col[i]) is not None and v > b],
    "=": lambda col, rows, b: [i for i in rows if (v := col[i]) is not None and v == b],
}


class QueryRows(Sequence[Model]):
    """A query result: the models at these catalogue positions, in order, read on demand."""

    __slots__ = ("_ids", "_models", "_positions")

    def __init__(
        self, models: Sequence[Model], positions: list[int], ids: array[int] | None = None
    ) -> None:
        self._models = models
        self._positions = positions
        self._ids = ids  # id() of each catalogue model, to find one without touching the rest

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def positions(self) -> list[int]:
        """Catalogue positions of the rows, in order. Do not modify the list."""
        return self._positions

    @overload
    def __getitem__(self, index: int) -> Model: ...

    @overload
    def __getitem__(self, index: slice) -> list[Model]: ...

    def __getitem__(self, index: int | slice) -> Model | list[Model]:
        if isinstance(index, slice):
            return list(map(self._models.__getitem__, self._positions[index]))
        return self._models[self._positions[index]]

    def __iter__(self) -> Iterator[Model]:
        return map(self._models.__getitem__, self._positions)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, QueryRows):
            return self._models is other._models and self._positions == other._positions
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"QueryRows({len(self)} of {len(self._models)} models)"

    def row_of(self, model: Model) -> int | None:
        """Where `model` (this very object) is in the result, or None."""
        try:
            if self._ids is not None:
                position = self._ids.index(id(model))
            else:
                position = next(compress(count(), map(is_, self._models, repeat(model))))
            return self._positions.index(position)
        except (ValueError, StopIteration):
            return None


class QueryIndex:
    """Query answers for one catalogue (an immutable tuple of models), as positions or models."""

    def __init__(self, models: Sequence[Model]) -> None:
        self.models = models
        self._columns: BuildOnce[list[Any]] = BuildOnce()
        self._ids: array[int] | None = None
        self._recent: OrderedDict[Query, list[int]] = OrderedDict()
        # Every order and rank list holds these int objects rather than new ones: 8 bytes a row
        # instead of 36 (ints above 256 are separate objects), 100,000 rows at a time.
        self._ints: list[int] = list(range(len(models) + 2))
        self._sorts = SortOrders(models, self._ints, SORT_KEYS.__getitem__)
        self._hardware: _HardwareColumns | None = None  # for the most recent fit only
        # The TUI queries from worker threads, and a superseded query may still be finishing.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.models)

    # -- public --------------------------------------------------------------------------------

    def run(self, query: Query, fit: FitLookup | None = None) -> list[Model]:
        """The models a query selects, in order: what `run_query` returns."""
        return list(map(self.models.__getitem__, self.positions(query, fit)))

    def rows(self, query: Query, fit: FitLookup | None = None) -> QueryRows:
        """The same rows as `run`, as a view that touches a model only when it is read.

        Building the list of 100,000 models costs about 30 ms (each model is touched to count a
        reference to it); a table that draws forty rows needs none of that.
        """
        if self._ids is None:
            self._ids = array("Q", map(id, self.models))
        return QueryRows(self.models, self.positions(query, fit), self._ids)

    def positions(self, query: Query, fit: FitLookup | None = None) -> list[int]:
        """Catalogue positions of the rows a query selects, in order. Do not modify the list."""
        predicates(query, fit)  # raises the same QueryError as run_query for 'fits' without a fit
        for key in query.sort:
            sort_value(key.key, fit)  # and for a hardware sort key without a fit
        rows = self._filtered(replace(query, sort=()), fit)
        return self._sorted(rows, query.sort, fit) if query.sort else rows

    def answers_at_once(self, query: Query, fit: FitLookup | None = None) -> bool:
        """Whether `query` needs nothing that is slow to build: then it takes milliseconds even at
        100,000 models (a scan per filter and a pass over a built order), and the TUI runs it on
        the spot instead of paying a thread hand-off for it.

        Slow: the search text, a sort order or the `fits` column not built yet (0.1 to 0.7 s at
        100,000 models; the hardware ones cost a fit estimate per model).
        """
        if len(self.models) <= _SMALL:
            return True
        if query.words and "text" not in self._columns:
            return False
        hardware = self._hardware
        if hardware is not None and hardware.fit is not fit:
            hardware = None  # built for another fit (or asked without one): nothing of it counts
        if query.fits and (hardware is None or "fits" not in hardware.fits):
            return False
        if query.fit_comparisons and hardware is None:
            return False
        for s in query.sort:
            if s.key in SORT_KEYS:
                if not self._sorts.built(s.key, s.descending):
                    return False
            elif hardware is None or not hardware.orders.built(*_hardware_key(s)):
                return False
        return True

    def warm(self, sort_keys: Sequence[SortKey] = (), fit: FitLookup | None = None) -> None:
        """Build the search text, these sort orders and, given a fit, the `fits` column now, e.g.
        in a background thread after loading, so that neither the first word typed nor the first
        use of a sort or of `fits` pays for them."""
        self._column("text")
        if fit is not None:
            self._fits(fit)
        for sort_key in sort_keys:
            if sort_key.key in SORT_KEYS:
                self._sorts.order(sort_key.key, sort_key.descending)
            elif fit is not None:
                self._hardware_for(fit).orders.order(*_hardware_key(sort_key))

    # -- columns -------------------------------------------------------------------------------

    def _column(self, name: str) -> list[Any]:
        return self._columns.get(name, lambda: self._build_column(name))

    def _build_column(self, name: str) -> list[Any]:
        models = self.models
        if name == "text":
            return [_compact_search_text(m) for m in models]
        if name.startswith(_FILTER_COLUMN):
            value_of = _FILTERS_BY_FIELD[name.removeprefix(_FILTER_COLUMN)].column
            return [value_of(m) for m in models]
        return [getattr(m, name) for m in models]

    # -- filtering -----------------------------------------------------------------------------

    def _hardware_for(self, fit: FitLookup) -> _HardwareColumns:
        hardware = self._hardware
        if hardware is None or hardware.fit is not fit:
            with self._lock:  # two threads with a new fit share one set of its columns
                hardware = self._hardware
                if hardware is None or hardware.fit is not fit:
                    hardware = _HardwareColumns(fit, self.models, self._ints)
                    self._hardware = hardware
        return hardware

    def _fits(self, fit: FitLookup) -> list[bool]:
        models = self.models
        return self._hardware_for(fit).fits.get("fits", lambda: [fit.fits(m) for m in models])

    def _filtered(self, query: Query, fit: FitLookup | None) -> list[int]:
        if query.fit_comparisons:  # the rest as usual, then the local estimate of each row kept
            assert fit is not None  # positions() has raised already otherwise
            rows = self._filtered(replace(query, fit_comparisons=()), fit)
            for comparison in query.fit_comparisons:
                compare, bound = OPERATORS[comparison.op], comparison.value
                rows = [r for r in rows if _known_and(fit.est_tps(self.models[r]), compare, bound)]
            return rows
        if query.fits:  # the rest of the query as usual (and remembered), then the fit's column
            assert fit is not None  # positions() has raised already otherwise
            fits = self._fits(fit)
            rows = self._filtered(replace(query, fits=False), fit)
            return list(compress(rows, map(fits.__getitem__, rows)))
        with self._lock:
            found = self._recent.get(query)
            if found is not None:
                self._recent.move_to_end(query)
                return found
            base = self._narrowest_superset(query)
        rows = self._apply(query, self._ints[: len(self.models)] if base is None else base, fit)
        with self._lock:
            self._recent[query] = rows
            while len(self._recent) > _RECENT_RESULTS:
                self._recent.popitem(last=False)
        return rows

    def _narrowest_superset(self, query: Query) -> list[int] | None:
        """The smallest remembered result that holds every row this query can keep."""
        best: list[int] | None = None
        for previous, rows in self._recent.items():
            if (best is None or len(rows) < len(best)) and _weaker(previous, query):
                best = rows
        return best

    def _apply(self, query: Query, rows: Sequence[int], fit: FitLookup | None) -> list[int]:
        for spec in _SCAN_ORDER:
            value = getattr(query, spec.field)
            if value != spec.empty:
                rows = spec.scan(self._column(_FILTER_COLUMN + spec.field), rows, value)
        for comparison in query.comparisons:
            column = self._column(NUMERIC_FIELDS[comparison.field])
            rows = _COMPARE[comparison.op](column, rows, comparison.value)
        if query.words:
            text = self._column("text")
            for word in query.words:
                rows = list(
                    compress(rows, map(contains, map(text.__getitem__, rows), repeat(word)))
                )
        return rows if isinstance(rows, list) else list(rows)

    # -- sorting -------------------------------------------------------------------------------

    def _orders_for(self, sort_key: SortKey, fit: FitLookup | None) -> tuple[SortOrders, str, bool]:
        if sort_key.key in SORT_KEYS:
            return self._sorts, sort_key.key, sort_key.descending
        assert fit is not None  # positions() has raised already otherwise
        return self._hardware_for(fit).orders, *_hardware_key(sort_key)

    def _sorted(self, rows: list[int], keys: Sequence[SortKey], fit: FitLookup | None) -> list[int]:
        count = len(self.models)
        if len(keys) == 1:
            orders, key, descending = self._orders_for(keys[0], fit)
            order = orders.order(key, descending)
            if len(rows) == count:
                return order
            if len(rows) * _DENSE_FRACTION >= count:
                return list(filter(set(rows).__contains__, order))
        ordered = list(rows)
        # One stable sort per key, last key first, as sort_models does; a rank already puts
        # unknowns last in either direction.
        for sort_key in reversed(keys):
            orders, key, descending = self._orders_for(sort_key, fit)
            ordered.sort(key=orders.rank(key, descending).__getitem__)
        return ordered


def _known_and(value: float | None, compare: Callable[[float, float], bool], bound: float) -> bool:
    return value is not None and compare(value, bound)


def _hardware_key(sort_key: SortKey) -> tuple[str, bool]:
    # 'best' already puts what runs here first and the most capable of those first; reversed it
    # would put what cannot run first, so '-best' means the same (as in sort_models).
    return sort_key.key, sort_key.descending and sort_key.key != "best"


class _HardwareColumns:
    """What depends on one fit: its `fits` column and the orders of the hardware sort keys."""

    def __init__(self, fit: FitLookup, models: Sequence[Model], ints: list[int]) -> None:
        self.fit = fit
        self.fits: BuildOnce[list[bool]] = BuildOnce()  # one entry, "fits"
        self.orders = SortOrders(models, ints, lambda key: sort_value(key, fit))


# Filters whose scan stays in C first: they shrink the rows the Python loops then visit.
_SCAN_ORDER = sorted(FILTERS, key=lambda spec: spec.match in ("contains", "all"))
_FILTERS_BY_FIELD = {spec.field: spec for spec in FILTERS}
_FILTER_COLUMN = "filter:"  # a filter's column, apart from the attribute columns comparisons read


def _weaker(previous: Query, query: Query) -> bool:
    """Whether every row `query` keeps is kept by `previous` (each of its filters is also in `query`).

    Conservative: False only costs a scan of the whole catalogue.
    """
    return (
        all(
            spec.holds(getattr(previous, spec.field), getattr(query, spec.field))
            for spec in FILTERS
        )
        and set(previous.comparisons) <= set(query.comparisons)
        and not previous.fits
        and not previous.fit_comparisons
        and all(any(old in new for new in query.words) for old in previous.words)
    )


def _compact_search_text(model: Model) -> str:
    """`search_text` less the parts another part already holds (a repo id holds its name, an id
    is often the repo id): about half the size at 100,000 models.

    Exact: free-text words contain no whitespace, so a word is in the full text exactly when it
    is inside one part, and every dropped part is inside the text kept.
    """
    parts = search_text(model).split("\n")
    parts.sort(key=len, reverse=True)
    kept = parts[0]
    for part in parts[1:]:
        if part not in kept:
            kept = f"{kept}\n{part}"
    return kept


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
    """Drop every other catalogue's index: the index holds its catalogue's records and columns
    (over 150 MB at 100,000 models), which would otherwise outlive the catalogue on screen."""
    with _cache_lock:
        _cache[:] = [index for index in _cache if index.models is models]
