"""What each filter key does to the current query: pure steps, so the keys and the command palette
share them and tests need no terminal.

Every step returns a new `Query`; the table re-runs it. The query text in the filter bar is always
``query.to_text()``, so a key press reads back as the same words a user could type or pass to
``modelscout list``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from modelscout.catalog.model import TIERS, Openness
from modelscout.query import Query, SortKey

T = TypeVar("T")

# `o` walks from everything to the most open, each step a subset of the previous one.
OPENNESS_STEPS: tuple[tuple[str, frozenset[Openness]], ...] = (
    ("all", frozenset()),
    (
        "open weights",
        frozenset({Openness.OPEN_SOURCE, Openness.PERMISSIVE, Openness.RESTRICTED}),
    ),
    ("permissive or open source", frozenset({Openness.OPEN_SOURCE, Openness.PERMISSIVE})),
    ("open source", frozenset({Openness.OPEN_SOURCE})),
)

# `s` walks these; a key's first press uses its natural direction (biggest or best first for
# numbers a user wants high, A to Z for words).
SORT_CYCLE: tuple[str, ...] = (
    "intelligence",
    "name",
    "creator",
    "tier",
    "total",
    "active",
    "ctx",
    "openness",
)
FIT_SORT_CYCLE: tuple[str, ...] = ("best", "tps")
DESCENDING_FIRST: frozenset[str] = frozenset(
    {"intelligence", "ctx", "speed", "downloads", "likes", "tps"}
)


def cycle_tier(query: Query) -> Query:
    """all -> tiny -> small -> medium -> large -> all; a hand-typed multi-tier filter resets to all."""
    steps: list[frozenset[str]] = [frozenset(), *(frozenset({t}) for t in TIERS)]
    return query.with_(tiers=_next(steps, query.tiers))


def cycle_openness(query: Query) -> Query:
    steps = [classes for _, classes in OPENNESS_STEPS]
    return query.with_(openness=_next(steps, query.openness))


def openness_label(query: Query) -> str:
    for label, classes in OPENNESS_STEPS:
        if classes == query.openness:
            return label
    return ",".join(sorted(o.value for o in query.openness))


def cycle_moe(query: Query) -> Query:
    """all -> MoE only -> dense only -> all."""
    return query.with_(moe=_next([None, True, False], query.moe))


def cycle_reasoning(query: Query) -> Query:
    """all -> reasoning only -> non-reasoning only -> all."""
    return query.with_(reasoning=_next([None, True, False], query.reasoning))


def set_max_active(query: Query, max_active_b: float | None) -> Query:
    return query.with_comparison("active", "<=", max_active_b)


def toggle_fits(query: Query) -> Query:
    return query.with_(fits=not query.fits)


def sort_cycle(fit_available: bool) -> tuple[str, ...]:
    return (*SORT_CYCLE, *FIT_SORT_CYCLE) if fit_available else SORT_CYCLE


def cycle_sort(query: Query, fit_available: bool = False) -> Query:
    """Move the sort to the next column, in that column's natural direction."""
    keys = sort_cycle(fit_available)
    current = query.sort[0].key if query.sort else None
    following = keys[(keys.index(current) + 1) % len(keys)] if current in keys else keys[0]
    return query.with_(sort=(SortKey(following, following in DESCENDING_FIRST),))


def reverse_sort(query: Query) -> Query:
    """Flip the main sort column's direction (starting from the first column when unsorted)."""
    if not query.sort:
        first = SORT_CYCLE[0]
        return query.with_(sort=(SortKey(first, first not in DESCENDING_FIRST),))
    head, *rest = query.sort
    return query.with_(sort=(SortKey(head.key, not head.descending), *rest))


def sort_by(query: Query, key: str) -> Query:
    return query.with_(sort=(SortKey(key, key in DESCENDING_FIRST),))


def clear_filters(query: Query) -> Query:
    """Everything but the sort: what `escape` on the table does."""
    return Query(sort=query.sort)


def has_filters(query: Query) -> bool:
    return clear_filters(query) != query


def _next(steps: Sequence[T], current: object) -> T:
    try:
        position = list(steps).index(current)  # type: ignore[arg-type]
    except ValueError:
        return steps[0]
    return steps[(position + 1) % len(steps)]
