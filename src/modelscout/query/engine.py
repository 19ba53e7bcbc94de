"""The reference engine: every test on every model, then a sort, nothing kept between calls.

The column index (`column_index.py`) answers the same queries from prebuilt columns; property tests hold the
two equal, so this module is the definition of what a query means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from modelscout.catalog.model import Model
from modelscout.errors import QueryError
from modelscout.query.filters import FILTERS
from modelscout.query.language import (
    NUMERIC_FIELDS,
    SORT_KEYS,
    FitLookup,
    Query,
    SortKey,
)

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "=": lambda a, b: a == b,
}


def search_text(model: Model) -> str:
    """What free-text words are matched against."""
    return f"{model.name}\n{model.creator}\n{model.repo_id or ''}\n{model.id}".lower()


def compact_search_text(model: Model) -> str:
    """`search_text` less the parts another part already holds (a repo id holds its name, an id
    is often the repo id): the text index over a million of them is 271 MB instead of 349 MB.

    Exact for free-text words: they hold no whitespace, so a word is in the full text exactly when
    it is inside one part, and every dropped part is inside a part kept.
    """
    parts = search_text(model).split("\n")
    parts.sort(key=len, reverse=True)
    kept = parts[0]
    for part in parts[1:]:
        if part not in kept:
            kept = f"{kept}\n{part}"
    return kept


def predicates(query: Query, fit: FitLookup | None = None) -> list[Callable[[Model], bool]]:
    """One test per active constraint; a model is kept when all pass."""
    tests: list[Callable[[Model], bool]] = []
    for spec in FILTERS:
        value = getattr(query, spec.field)
        if value != spec.empty:
            tests.append(spec.keeps(value))
    for comparison in query.comparisons:
        attribute = NUMERIC_FIELDS[comparison.field]
        compare = OPERATORS[comparison.op]
        bound = comparison.value

        def test(
            m: Model, attribute: str = attribute, compare: Any = compare, bound: float = bound
        ) -> bool:
            value = getattr(m, attribute)
            return value is not None and compare(value, bound)

        tests.append(test)
    if query.words:
        words = query.words
        tests.append(lambda m: all(w in search_text(m) for w in words))
    if query.fits:
        if fit is None:
            raise QueryError(
                "'fits' needs hardware information (run where it can be detected)", "fits"
            )
        tests.append(fit.fits)
    if query.fit_comparisons:
        if fit is None:
            first = query.fit_comparisons[0].text()
            raise QueryError(f"'{first}' needs hardware information", first)
        for comparison in query.fit_comparisons:
            compare, bound = OPERATORS[comparison.op], comparison.value

            def fit_test(
                m: Model, compare: Any = compare, bound: float = bound, fit: FitLookup = fit
            ) -> bool:
                value = fit.est_tps(m)
                return value is not None and compare(value, bound)

            tests.append(fit_test)
    return tests


def sort_value(key: str, fit: FitLookup | None) -> Callable[[Model], Any]:
    if key in SORT_KEYS:
        return SORT_KEYS[key]
    if fit is None:
        raise QueryError(f"'sort:{key}' needs hardware information", f"sort:{key}")
    if key == "tps":
        return fit.est_tps
    if key == "fit":
        return fit.fit_rank
    if key == "ctxfit":
        return fit.ctx_fit
    # best: what runs here first, the most capable of those first.
    return lambda m: (
        (0 if fit.fits(m) else 1),
        -(m.intelligence_index if m.intelligence_index is not None else -1.0),
    )


def sort_models(
    models: Sequence[Model], keys: Sequence[SortKey], fit: FitLookup | None = None
) -> list[Model]:
    """Stable multi-key sort; a model whose value is unknown goes last whichever the direction."""
    return [models[i] for i in sort_positions(models, range(len(models)), keys, fit)]


def sort_positions(
    models: Sequence[Model],
    positions: Iterable[int],
    keys: Sequence[SortKey],
    fit: FitLookup | None,
) -> list[int]:
    """`positions` (of `models`) in `sort_models`' order."""
    rows = list(positions)
    for sort_key in reversed(keys):
        value_of = sort_value(sort_key.key, fit)
        descending = sort_key.descending
        if sort_key.key == "best":
            # "best" already orders fits before misfits and capable before weak; reversing it
            # would put what cannot run first, which no one wants, so '-best' means the same.
            descending = False
        pairs = [(value_of(models[i]), i) for i in rows]
        known = [(v, i) for v, i in pairs if v is not None]
        unknown = [i for v, i in pairs if v is None]
        known.sort(key=lambda pair: pair[0], reverse=descending)
        rows = [i for _, i in known] + unknown
    return rows


def select_positions(
    models: Sequence[Model], query: Query, fit: FitLookup | None = None
) -> list[int]:
    """`run_query_per_call`'s rows as positions in `models`: the small catalogues' engine too,
    where a few thousand tests per key cost less than building columns."""
    tests = predicates(query, fit)
    kept = (
        [i for i, m in enumerate(models) if all(t(m) for t in tests)]
        if tests
        else list(range(len(models)))
    )
    return sort_positions(models, kept, query.sort, fit) if query.sort else kept


def run_query_per_call(
    models: Sequence[Model], query: Query, fit: FitLookup | None = None
) -> list[Model]:
    """The reference engine: every test on every model, then a sort, with nothing kept between calls."""
    return [models[i] for i in select_positions(models, query, fit)]
