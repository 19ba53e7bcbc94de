"""Plain helpers of the main screen: where the rows come from, where the cursor goes, and what a
No Textual here, so they are tested directly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from modelscout.catalog.load import Catalog
from modelscout.catalog.model import Model
from modelscout.query import FIT_SORT_KEYS, Query

# Rows this few are searched by id when the cursor's model cannot be found by position.
_SCAN_BY_ID = 2_000


def describe_catalog(catalog: Catalog) -> str:
    """'bundled, built 2026-11-25' / 'cached 2026-11-20' / 'mine.json, built …': where rows come from.

    Reads the file's modification time for a cache without a build date: call it off the UI thread.
    """
    built = f", built {catalog.built}" if catalog.built else ""
    if catalog.origin == "cache":
        when = catalog.built
        if when is None and catalog.path is not None:
            try:
                when = date.fromtimestamp(catalog.path.stat().st_mtime).isoformat()
            except OSError:
                when = None
        return f"cached {when or 'on an unknown date'}"
    if catalog.origin == "bundled":
        return f"bundled{built}"
    name = catalog.path.name if catalog.path is not None else "catalogue file"
    return f"{name}{built}"


@dataclass(frozen=True, slots=True)
class Place:
    """The row the cursor is on, to follow it into the next query's rows.

    By catalogue position where the rows know theirs (a query result), checked by id: a record
    read twice may be two objects, so identity says nothing, and the next rows may come from
    another catalogue (after a refresh), where the same position holds another model.
    """

    position: int | None
    model_id: str


def place_of(rows: Sequence[Model], row: int) -> Place | None:
    """The place of row `row` of `rows`, or None where there is no such row."""
    if not 0 <= row < len(rows):
        return None
    positions: Any = getattr(rows, "positions", None)
    position = int(positions[row]) if positions is not None else None
    return Place(position, rows[row].id)


def index_of(rows: Sequence[Model], place: Place | None) -> int:
    """Where the model at `place` is in `rows`, else 0: by position at C speed (a list's index,
    an array's comparison), or by id in a short list."""
    if place is None:
        return 0
    positions: Any = getattr(rows, "positions", None)
    if positions is not None and place.position is not None:
        found = _find(positions, place.position)
        if found is not None and rows[found].id == place.model_id:
            return found
    if len(rows) > _SCAN_BY_ID:
        return 0
    return next((i for i, m in enumerate(rows) if m.id == place.model_id), 0)


def _find(positions: Any, position: int) -> int | None:
    if isinstance(positions, list):
        try:
            return positions.index(position)
        except ValueError:
            return None
    hits = (positions == position).nonzero()[0]  # a numpy array of positions
    return int(hits[0]) if len(hits) else None


def without_fit(query: Query) -> Query:
    """The query minus what needs hardware, for the moments before (or without) detection."""
    return query.with_(
        fits=False,
        fit_comparisons=(),
        sort=tuple(s for s in query.sort if s.key not in FIT_SORT_KEYS),
    )
