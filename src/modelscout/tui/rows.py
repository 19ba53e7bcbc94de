"""Plain helpers of the main screen: where the rows come from, where the cursor goes, and what a
user types into its prompts. No Textual here, so they are tested directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import compress, count, repeat
from operator import is_

from modelscout.catalog.load import Catalog
from modelscout.catalog.model import Model
from modelscout.query import FIT_SORT_KEYS, Query, QueryRows


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


def index_of(rows: Sequence[Model], model: Model | None) -> int:
    """Where `model` is in `rows`, else 0. By identity, at C speed: `list.index` would call the
    dataclass `__eq__` (a tuple of every field) on each row."""
    if model is None:
        return 0
    if isinstance(rows, QueryRows):  # finds it without reading every row (20 ms at 100k)
        found = rows.row_of(model)
        return 0 if found is None else found
    return next(compress(count(), map(is_, rows, repeat(model))), 0)


def without_fit(query: Query) -> Query:
    """The query minus what needs hardware, for the moments before (or without) detection."""
    return query.with_(fits=False, sort=tuple(s for s in query.sort if s.key not in FIT_SORT_KEYS))


def parse_size_b(text: str) -> float:
    """'4', '4b', '4.5B', '500m' -> billions of parameters; raises ValueError otherwise."""
    cleaned = text.strip().lower()
    scale = 1.0
    if cleaned.endswith("b"):
        cleaned = cleaned[:-1]
    elif cleaned.endswith("m"):
        cleaned, scale = cleaned[:-1], 1e-3
    value = float(cleaned) * scale
    if not value > 0:
        raise ValueError(text)
    return value


def parse_tokens(text: str) -> int:
    """'8192', '32k', '1m' -> tokens, 'max' -> 0 (each model's own maximum); else ValueError."""
    cleaned = text.strip().lower()
    if cleaned == "max":
        return 0
    scale = 1
    if cleaned.endswith("k"):
        cleaned, scale = cleaned[:-1], 1024
    elif cleaned.endswith("m"):
        cleaned, scale = cleaned[:-1], 1024 * 1024
    value = int(float(cleaned) * scale)
    if value <= 0:
        raise ValueError(text)
    return value
