"""Query answers from a catalogue's columns: masks combined, then a pass along a sort order.

A filter is a vocabulary lookup per row, a comparison one vectorised test, a word the text
index's mask, `fits` and `tps>N` the hardware columns of the fit asked with; the masks are
combined with ``&``. One sort key is a walk along its precomputed order (``order[mask[order]]``),
or, when few rows are kept, a sort of those rows by rank; several keys are a lexicographic sort
of their ranks. Results are the reference engine's (`engine.run_query_per_call`), row for row:
the property tests hold them equal.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from modelscout.catalog.model import Model
from modelscout.query.build_once import BuildOnce
from modelscout.query.columns import Columns
from modelscout.query.engine import predicates, sort_value
from modelscout.query.filters import FILTERS
from modelscout.query.hardware_columns import HardwareColumns
from modelscout.query.language import NUMERIC_FIELDS, SORT_KEYS, FitLookup, Query, SortKey
from modelscout.query.sort_orders import sort_rows

# One sort key over a kept share at least this large walks the order; below, sorts the rows kept.
_DENSE_FRACTION = 8

_COMPARE: dict[str, Callable[[Any, float], np.ndarray]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
}


class ColumnIndex:
    """Query answers for one catalogue, as arrays of catalogue positions."""

    def __init__(self, models: Sequence[Model], load: Callable[[], Columns]) -> None:
        self.models = models
        self._load = load  # the columns: read from their file, or built
        self._columns: BuildOnce[Columns] = BuildOnce()  # one entry, "columns"
        self._hardware: HardwareColumns | None = None  # for the most recent fit only
        self._lock = threading.Lock()

    def columns(self) -> Columns:
        return self._columns.get("columns", self._load)

    def positions(self, query: Query, fit: FitLookup | None = None) -> np.ndarray:
        """Catalogue positions of the rows `query` selects, in order (a read-only array)."""
        predicates(query, fit)  # raises the reference engine's QueryError for 'fits' without a fit
        for key in query.sort:
            sort_value(key.key, fit)  # and for a hardware sort key without a fit
        columns = self.columns()
        mask = self._mask(query, fit, columns)
        if not query.sort:
            return np.arange(columns.count) if mask is None else np.flatnonzero(mask)
        return self._sorted(mask, query.sort, fit, columns)

    def answers_at_once(self, query: Query, fit: FitLookup | None = None) -> bool:
        """Whether `query` needs nothing slow to build: the columns (seconds at a million models
        where no file holds them), and for a fit, its answers and the orders of its sort keys."""
        if "columns" not in self._columns:
            return False
        hardware_sorts = [s for s in query.sort if s.key not in SORT_KEYS]
        if not (query.fits or query.fit_comparisons or hardware_sorts):
            return True
        hardware = self._hardware
        if hardware is None or hardware.fit is not fit:
            return False  # built for another fit (or asked without one): nothing of it counts
        if (query.fits or query.fit_comparisons) and not hardware.answered:
            return False
        return all(hardware.built(*_hardware_key(s)) for s in hardware_sorts)

    def warm(self, sort_keys: Sequence[SortKey] = (), fit: FitLookup | None = None) -> None:
        """Build the columns (every catalogue sort order among them) and, given a fit, its
        answers and the orders of these hardware sort keys, so no key press waits for them."""
        columns = self.columns()
        columns.touch((s.key, s.descending) for s in sort_keys if s.key in SORT_KEYS)
        if fit is None:
            return
        hardware = self._hardware_for(fit)
        hardware.fits()
        for sort_key in sort_keys:
            if sort_key.key not in SORT_KEYS:
                hardware.order(*_hardware_key(sort_key))

    # -- filtering -----------------------------------------------------------------------------

    def _hardware_for(self, fit: FitLookup) -> HardwareColumns:
        hardware = self._hardware
        if hardware is None or hardware.fit is not fit:
            with self._lock:  # two threads with a new fit share one set of its columns
                hardware = self._hardware
                if hardware is None or hardware.fit is not fit:
                    hardware = HardwareColumns(fit, self.models, self.columns())
                    self._hardware = hardware
        return hardware

    def _mask(self, query: Query, fit: FitLookup | None, columns: Columns) -> np.ndarray | None:
        """The rows every constraint keeps; None where there is no constraint."""
        masks: list[np.ndarray] = []
        for spec in FILTERS:
            value = getattr(query, spec.field)
            if value != spec.empty:
                masks.append(columns.filter_mask(spec, value))
        for comparison in query.comparisons:
            values = columns.number(NUMERIC_FIELDS[comparison.field])
            masks.append(_COMPARE[comparison.op](values, comparison.value))
        masks.extend(columns.text.matching(word) for word in query.words)
        if query.fits or query.fit_comparisons:
            assert fit is not None  # positions() has raised already otherwise
            hardware = self._hardware_for(fit)
            if query.fits:
                masks.append(hardware.fits())
            for comparison in query.fit_comparisons:
                masks.append(_COMPARE[comparison.op](hardware.est_tps(), comparison.value))
        if not masks:
            return None
        mask = masks[0].copy() if len(masks) > 1 else masks[0]
        for other in masks[1:]:
            mask &= other
        return mask

    # -- sorting -------------------------------------------------------------------------------

    def _ranks_and_order(
        self, sort_key: SortKey, fit: FitLookup | None, columns: Columns
    ) -> tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]:
        if sort_key.key in SORT_KEYS:
            key, down = sort_key.key, sort_key.descending
            return (lambda: columns.rank(key, down)), (lambda: columns.order(key, down))
        assert fit is not None  # positions() has raised already otherwise
        hardware = self._hardware_for(fit)
        key, down = _hardware_key(sort_key)
        return (lambda: hardware.rank(key, down)), (lambda: hardware.order(key, down))

    def _sorted(
        self,
        mask: np.ndarray | None,
        keys: Sequence[SortKey],
        fit: FitLookup | None,
        columns: Columns,
    ) -> np.ndarray:
        """As the reference engine sorts: by the last key first, then a stable sort by each key
        before it. The last key is a walk along its order (or a sort of the few rows kept); each
        other key a stable sort of the rows by rank, a radix sort where ranks fit 16 bits."""
        *earlier, last = keys
        rank, order = self._ranks_and_order(last, fit, columns)
        if mask is None:
            rows = order()
        elif int(np.count_nonzero(mask)) * _DENSE_FRACTION >= columns.count:
            walk = order()  # take and compress: several times faster than [] with arrays
            rows = np.compress(np.take(mask, walk), walk)
        else:
            rows = sort_rows(np.flatnonzero(mask), rank())
        for sort_key in reversed(earlier):
            rows = sort_rows(rows, self._ranks_and_order(sort_key, fit, columns)[0]())
        return rows


def _hardware_key(sort_key: SortKey) -> tuple[str, bool]:
    # 'best' already puts what runs here first and the most capable of those first; reversed it
    # would put what cannot run first, so '-best' means the same (as in sort_models).
    return sort_key.key, sort_key.descending and sort_key.key != "best"
