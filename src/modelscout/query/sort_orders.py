"""Sort orders as arrays by catalogue position, built once per sort key, so a sort is a pass.

For each key: each position's dense rank (equal values share one, unknowns rank last in either
direction) and every position in order (unknowns last, ties in catalogue order, as the reference
engine's stable sorts leave them). Sorting a filtered result is then a walk along the order, or a
sort of the few rows kept by their int rank; the descending order is derived from the ascending
one without comparing a value again.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np

RANK = np.int32  # a million models' ranks and orders in 4 MB each


def dense_rank(values: Sequence[Any]) -> tuple[np.ndarray, int]:
    """Each value's rank among the distinct known values (ascending, equal values share one) and
    the rank every unknown (None) gets: one past the last known rank."""
    if all(v is None or (isinstance(v, Real) and not isinstance(v, bool)) for v in values):
        return numeric_rank(np.array(values, dtype=np.float64))
    if len(values) >= _BYTES_SORT_MIN and 2 * len(set(values[:_SAMPLE])) > _SAMPLE:
        found = _bytes_rank(values)
        if found is not None:
            return found
    distinct = set(values)
    distinct.discard(None)
    ordered = sorted(distinct)
    rank_of: dict[Any, int] = dict(zip(ordered, range(len(ordered)), strict=True))
    rank_of[None] = len(ordered)
    ranks = np.fromiter(map(rank_of.__getitem__, values), dtype=RANK, count=len(values))
    return ranks, len(ordered)


# Many distinct strings (names) are ranked by numpy, a third of the time of Python's sort plus a
# dict of them all: from this many values, where a sample of them is mostly distinct.
_BYTES_SORT_MIN = 50_000
_SAMPLE = 10_000
_LONGEST_BYTES = 512  # numpy pads every string to the longest: a 10 kB name would cost 10 GB


def _bytes_rank(values: Sequence[Any]) -> tuple[np.ndarray, int] | None:
    """`dense_rank` of strings by their UTF-8 bytes, which sort as their code points do, so the
    order is Python's; None where that does not hold (not all strings, a NUL, which numpy drops
    from a string's end, a lone surrogate) or would cost too much memory."""
    known = np.array([v is not None for v in values], dtype=bool)
    texts = [v for v in values if v is not None]
    if not all(isinstance(v, str) for v in texts):
        return None
    try:
        encoded = [v.encode() for v in texts]
    except UnicodeEncodeError:
        return None
    if not encoded or max(map(len, encoded)) > _LONGEST_BYTES or b"\0" in b"".join(encoded):
        return None
    distinct, inverse = np.unique(np.array(encoded, dtype=bytes), return_inverse=True)
    ranks = np.full(len(values), len(distinct), dtype=RANK)
    ranks[known] = inverse
    return ranks, len(distinct)


def numeric_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """`dense_rank` of float64 values with NaN for unknown."""
    known = ~np.isnan(values)
    distinct, inverse = np.unique(values[known], return_inverse=True)
    ranks = np.full(len(values), len(distinct), dtype=RANK)
    ranks[known] = inverse
    return ranks, len(distinct)


def ascending_order(ranks: np.ndarray, unknown: int) -> np.ndarray:
    """Every position by rank; a stable sort keeps ties, and the unknowns last, in catalogue order.

    Ranks that fit 16 bits are sorted as such: numpy's stable sort is then a radix sort."""
    narrow = ranks.astype(np.uint16) if unknown < 1 << 16 else ranks
    return np.argsort(narrow, kind="stable").astype(RANK)


def descending(ranks: np.ndarray, order: np.ndarray, unknown: int) -> tuple[np.ndarray, np.ndarray]:
    """The descending ranks and order from the ascending ones, in a few passes over the arrays.

    Equal values keep catalogue order, as the reference engine's ``sort(reverse=True)`` leaves
    them; unknowns stay last. The groups of equal rank along the ascending order are laid out in
    reverse, each kept as it was.
    """
    ranks_down = np.where(ranks < unknown, unknown - 1 - ranks, unknown).astype(RANK)
    known = int(np.count_nonzero(ranks < unknown))
    groups = ranks[order[:known]]  # non-decreasing: the rank of each known row, in order
    sizes = np.bincount(groups, minlength=unknown)
    ends = np.cumsum(sizes)
    starts_up = ends - sizes
    starts_down = known - ends  # group g follows every group above it
    offset = np.arange(known) - starts_up[groups]
    order_down = np.empty_like(order)
    order_down[starts_down[groups] + offset] = order[:known]
    order_down[known:] = order[known:]
    return ranks_down, order_down


def sort_rows(rows: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """`rows` (catalogue positions) sorted by their rank, ties kept in the order given: a stable
    sort, and a radix sort where the ranks fit 16 bits."""
    taken = ranks.take(rows)
    if taken.size and taken.dtype.itemsize > 2 and int(taken.max()) < 1 << 16:
        taken = taken.astype(np.uint16)
    return rows.take(np.argsort(taken, kind="stable"))
