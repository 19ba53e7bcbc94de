"""Sort orders by catalogue position, built once per sort key, so a sort is a pass, not a sort.

For each key: every position in order (unknowns last, ties in catalogue order, as a stable sort
leaves them) and each position's dense rank (equal values share one). Sorting a filtered result is
then a walk along the order, or a sort by an int rank; a descending order is derived from the
ascending one without comparing a value again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from modelscout.catalog.model import Model
from modelscout.query.build_once import BuildOnce

_NOTHING = object()


class SortOrders:
    """Per sort key, every catalogue position in order and each position's dense rank, built on
    first use (unknowns last, ties in catalogue order, as a stable sort leaves them)."""

    def __init__(
        self,
        models: Sequence[Model],
        ints: list[int],
        value_of: Callable[[str], Callable[[Model], Any]],
    ) -> None:
        self._models = models
        self._ints = ints
        self._value_of = value_of
        self._built: BuildOnce[tuple[list[int], list[int]]] = BuildOnce()  # (order, rank)
        self._known_counts: dict[str, int] = {}  # rows with a value, per sort key

    def built(self, key: str, descending: bool) -> bool:
        return (key, descending) in self._built

    def rank(self, key: str, descending: bool) -> list[int]:
        """Dense rank of each row under one sort key: equal values share a rank, unknowns last."""
        return self._built.get((key, descending), lambda: self._build(key, descending))[1]

    def order(self, key: str, descending: bool) -> list[int]:
        """Every position in this key's order. Do not modify the list."""
        return self._built.get((key, descending), lambda: self._build(key, descending))[0]

    def _build(self, key: str, descending: bool) -> tuple[list[int], list[int]]:
        if descending:
            return self._build_descending(key)
        value_of = self._value_of(key)
        values = [value_of(m) for m in self._models]
        ints = self._ints
        known = [i for i, v in zip(ints, values, strict=False) if v is not None]
        known.sort(key=values.__getitem__)  # stable: ties keep catalogue order
        rank = [ints[0]] * len(values)
        current = 0
        previous: Any = _NOTHING
        for i in known:
            value = values[i]
            if previous is _NOTHING or value != previous:
                current += 1
                previous = value
            rank[i] = ints[current]
        current += 1
        unknown = [i for i, v in zip(ints, values, strict=False) if v is None]
        for i in unknown:
            rank[i] = ints[current]
        self._known_counts[key] = len(known)
        return known + unknown, rank

    def _build_descending(self, key: str) -> tuple[list[int], list[int]]:
        """From the ascending order, with no second comparison of values.

        A stable sort by descending rank keeps equal values in catalogue order, as sort_models'
        ``sort(reverse=True)`` does; unknowns stay last.
        """
        ascending = self.order(key, False)
        rank_up = self.rank(key, False)
        known_count = self._known_counts[key]
        known = ascending[:known_count]
        known.sort(key=rank_up.__getitem__, reverse=True)
        ints = self._ints
        top = (rank_up[ascending[known_count - 1]] if known_count else 0) + 1
        rank = [ints[top - r] if r < top else ints[top] for r in rank_up]
        return known + ascending[known_count:], rank
