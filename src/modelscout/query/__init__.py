"""The query language and the one way to answer it, for the CLI and the TUI alike.

Callers parse with `parse_query` and answer with `run_query`; behind it each catalogue has a
`QueryIndex` (the reference engine for a small catalogue, numpy columns built once for a large
one) that answers in milliseconds at a million models. `run_query_per_call` is the reference
engine the columns are held equal to by property tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from modelscout.catalog.model import Model
from modelscout.query.engine import run_query_per_call
from modelscout.query.index import QueryRows, index_for, keep_only_index_of
from modelscout.query.language import (
    FIT_SORT_KEYS,
    KNOWN_KEYS,
    SORT_KEYS,
    FitLookup,
    Query,
    SortKey,
    parse_query,
)

__all__ = [
    "FIT_SORT_KEYS",
    "KNOWN_KEYS",
    "SORT_KEYS",
    "FitLookup",
    "Query",
    "QueryRows",
    "SortKey",
    "answers_at_once",
    "forget_other_catalogues",
    "parse_query",
    "run_query",
    "run_query_per_call",
    "warm",
]


def run_query(models: Sequence[Model], query: Query, fit: FitLookup | None = None) -> QueryRows:
    """The rows `query` selects from this catalogue, in order, as a read-only view (len, index,
    slice, iterate, == with a list) that reads a model only when asked."""
    return index_for(models).rows(query, fit)


def answers_at_once(models: Sequence[Model], query: Query, fit: FitLookup | None = None) -> bool:
    """Whether `run_query` needs nothing slow to build for this query (the TUI then answers on the
    spot instead of in a worker)."""
    return index_for(models).answers_at_once(query, fit)


def warm(
    models: Sequence[Model], sort_keys: Sequence[SortKey] = (), fit: FitLookup | None = None
) -> None:
    """Build now (in a worker) what the first word, sort or `fits` would otherwise wait for."""
    index_for(models).warm(sort_keys, fit)


def forget_other_catalogues(models: Sequence[Model]) -> None:
    """Let every other catalogue's index go (a refreshed-away catalogue's columns are large)."""
    keep_only_index_of(models)
