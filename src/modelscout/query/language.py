"""The query language: tokens, their meaning, and the `Query` they parse into.

A query is a line of space-separated tokens, the same typed in the filter bar or passed on the command
line::

    tier:tiny,small moe active<=4 open:permissive ctx>=128k qwen sort:-intelligence

Filters combine with AND; values after ``:`` separated by commas combine with OR. Words without an
operator are free text matched against name, creator and repo id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from modelscout import units
from modelscout.catalog.model import TIERS, Model, Openness
from modelscout.errors import QueryError
from modelscout.query.filters import (
    BOOL_WORDS,
    FILTERS,
    FILTERS_BY_KEY,
    FILTERS_BY_WORD,
    OPENNESS_ORDER,
)

# Numeric fields a comparison may name, with the attribute it reads.
NUMERIC_FIELDS: dict[str, str] = {
    "active": "active_params_b",
    "total": "total_params_b",
    "params": "total_params_b",
    "ctx": "context_tokens",
    "context": "context_tokens",
    "intelligence": "intelligence_index",
    "iq": "intelligence_index",
    "price": "price_usd_per_mtok",
    "speed": "speed_tps",
    "downloads": "downloads",
    "likes": "likes",
}

# Sort keys: name -> function giving a comparable value, or None when unknown (sorted last).
SORT_KEYS: dict[str, Callable[[Model], Any]] = {
    "name": lambda m: m.name.lower(),
    "creator": lambda m: m.creator.lower(),
    "tier": lambda m: TIERS.index(m.tier),
    "total": lambda m: m.total_params_b,
    "active": lambda m: m.active_params_b,
    "ctx": lambda m: m.context_tokens,
    "intelligence": lambda m: m.intelligence_index,
    "price": lambda m: m.price_usd_per_mtok,
    "speed": lambda m: m.speed_tps,
    "release": lambda m: m.release,
    "license": lambda m: m.license.lower() if m.license else None,
    "openness": lambda m: OPENNESS_ORDER.index(m.openness),
    "downloads": lambda m: m.downloads,
    "likes": lambda m: m.likes,
}
SORT_ALIASES: dict[str, str] = {
    "context": "ctx",
    "params": "total",
    "iq": "intelligence",
    "open": "openness",
    "size": "total",
}
# Sort keys that need a hardware fit to compute; see `FitLookup`. `ctxfit`: the largest context
# that fits at the quantisation the fit chose.
FIT_SORT_KEYS: tuple[str, ...] = ("fit", "tps", "best", "ctxfit")
# Numbers a comparison may name that the hardware fit supplies: `tps>20` keeps what the local
# estimate says decodes faster than 20 tokens/s.
FIT_FIELDS: tuple[str, ...] = ("tps",)

_COMPARISON = re.compile(r"^(?P<field>[a-z]+)(?P<op><=|>=|<|>|=)(?P<value>.+)$")
# How each numeric field reads its units (`modelscout.units`): ctx in tokens (k = 1024), sizes in
# billions of parameters (500m = 0.5), downloads and likes as counts (k = 1000).
FIELD_KINDS: dict[str, units.Kind] = {
    "active": "params",
    "total": "params",
    "ctx": "tokens",
    "downloads": "count",
    "likes": "count",
}


class FitLookup(Protocol):
    """What the engine needs from a hardware fit: supplied by the fit module, absent offline."""

    def fits(self, model: Model) -> bool: ...

    def est_tps(self, model: Model) -> float | None: ...

    def fit_rank(self, model: Model) -> int | None: ...

    def ctx_fit(self, model: Model) -> int | None: ...


@runtime_checkable
class OnePassFit(FitLookup, Protocol):
    """A fit that can also answer for each model of a whole catalogue without keeping the answer:
    the index reads every model once per fit, and a fit's per-model cache would hold them all."""

    def uncached_answers(self, model: Model) -> tuple[bool, float | None, int | None]:
        """`fits`, `est_tps` and `fit_rank` at once."""
        ...

    def uncached_ctx_fit(self, model: Model) -> int | None: ...


@dataclass(frozen=True)
class Comparison:
    field: str  # a key of NUMERIC_FIELDS, canonical
    op: str
    value: float

    def text(self) -> str:
        return f"{self.field}{self.op}{format_number(self.value, self.field)}"


@dataclass(frozen=True)
class SortKey:
    key: str
    descending: bool = False

    def text(self) -> str:
        return ("-" if self.descending else "") + self.key


@dataclass(frozen=True)
class Query:
    """A parsed query. Empty fields mean "no constraint"."""

    tiers: frozenset[str] = frozenset()
    openness: frozenset[Openness] = frozenset()
    licenses: frozenset[str] = frozenset()
    moe: bool | None = None
    reasoning: bool | None = None
    weights: bool | None = None
    gated: bool | None = None
    modalities: frozenset[str] = frozenset()
    creators: frozenset[str] = frozenset()
    comparisons: tuple[Comparison, ...] = ()
    words: tuple[str, ...] = ()
    fits: bool = False
    sort: tuple[SortKey, ...] = ()
    fit_comparisons: tuple[Comparison, ...] = ()  # on FIT_FIELDS: need a hardware fit

    @property
    def needs_fit(self) -> bool:
        return self.fits or bool(self.fit_comparisons)

    def to_text(self) -> str:
        """The canonical text of this query: parsing it gives back an equal query."""
        parts: list[str] = []
        for spec in FILTERS:
            value = getattr(self, spec.field)
            if value != spec.empty:
                parts.append(spec.text(value))
        parts.extend(c.text() for c in self.comparisons)
        parts.extend(c.text() for c in self.fit_comparisons)
        if self.fits:
            parts.append("fits")
        parts.extend(self.words)
        if self.sort:
            parts.append("sort:" + ",".join(s.text() for s in self.sort))
        return " ".join(parts)

    def with_(self, **changes: Any) -> Query:
        return replace(self, **changes)

    def with_comparison(self, field_name: str, op: str, value: float | None) -> Query:
        """Replace every comparison on `field_name` with this one (or none when value is None)."""
        kept = tuple(c for c in self.comparisons if c.field != field_name)
        if value is not None:
            kept = (*kept, Comparison(field_name, op, value))
        return replace(self, comparisons=kept)

    def comparison(self, field_name: str, op: str) -> float | None:
        for c in self.comparisons:
            if c.field == field_name and c.op == op:
                return c.value
        return None


def format_number(value: float, field_name: str = "") -> str:
    """Number text for queries that reads back as the same number: 32768 -> 32k for ctx, 4.0 -> 4."""
    return units.format_quantity(FIELD_KINDS.get(field_name, "plain"), value)


def _parse_number(text: str, field_name: str, token: str, position: int) -> float:
    try:
        return units.parse(FIELD_KINDS.get(field_name, "plain"), text)
    except units.UnitError as exc:
        raise QueryError(f"'{token}': {exc}", token, position) from None


def _tokens(text: str) -> Iterable[tuple[str, int]]:
    for match in re.finditer(r"\S+", text):
        yield match.group(), match.start()


_FLAGS: dict[str, dict[str, Any]] = {
    **{word: {spec.field: value} for word, (spec, value) in FILTERS_BY_WORD.items()},
    "fits": {"fits": True},
}
KNOWN_KEYS = (*(spec.keys[0] for spec in FILTERS), "fits", "sort")


def parse_query(text: str) -> Query:
    """Parse query text; a bad token raises QueryError naming it and its position."""
    changes: dict[str, Any] = {}
    comparisons: list[Comparison] = []
    fit_comparisons: list[Comparison] = []
    words: list[str] = []
    said: dict[str, str] = {}  # which token set each key, to catch 'moe dense'
    for token, position in _tokens(text):
        lowered = token.lower()
        if lowered in _FLAGS:
            for key, value in _FLAGS[lowered].items():
                _set_once(changes, said, key, value, token, position)
            continue
        comparison = _COMPARISON.match(lowered)
        if comparison and ":" not in lowered:
            name = comparison["field"]
            if name in FIT_FIELDS:
                value = _parse_number(comparison["value"], name, token, position)
                fit_comparisons.append(Comparison(name, comparison["op"], value))
                continue
            if name not in NUMERIC_FIELDS:
                raise QueryError(
                    f"'{token}': cannot compare '{name}' (numbers: "
                    f"{', '.join(sorted({*NUMERIC_FIELDS, *FIT_FIELDS}))})",
                    token,
                    position,
                )
            canonical = {"params": "total", "context": "ctx", "iq": "intelligence"}.get(name, name)
            value = _parse_number(comparison["value"], canonical, token, position)
            comparisons.append(Comparison(canonical, comparison["op"], value))
            continue
        if ":" in lowered:
            key, _, raw = lowered.partition(":")
            if not raw:
                raise QueryError(f"'{token}': nothing after ':'", token, position)
            field, value = _key_value(key, raw, token, position)
            _set_once(changes, said, field, value, token, position)
            continue
        words.append(lowered)
    return Query(
        comparisons=tuple(comparisons),
        fit_comparisons=tuple(fit_comparisons),
        words=tuple(words),
        **changes,
    )


# Keys a query sets to one value: two tokens setting different values contradict each other.
_EXCLUSIVE = frozenset({*(spec.field for spec in FILTERS if spec.match == "is"), "fits"})


def _set_once(
    changes: dict[str, Any], said: dict[str, str], key: str, value: Any, token: str, position: int
) -> None:
    if key in _EXCLUSIVE and key in changes and changes[key] != value:
        raise QueryError(f"'{token}' contradicts '{said[key]}'", token, position)
    changes[key] = value
    said[key] = token


def _key_value(key: str, raw: str, token: str, position: int) -> tuple[str, Any]:
    """The `Query` field a `key:value` token sets, and the value it sets it to."""
    spec = FILTERS_BY_KEY.get(key)
    if spec is not None:
        return spec.field, spec.parse(raw, token, position)
    if key == "fits":
        wanted = BOOL_WORDS.get(raw)
        if wanted is None:
            raise QueryError(f"'{token}': expected yes or no, got '{raw}'", token, position)
        if not wanted:
            raise QueryError(
                f"'{token}': 'fits' keeps what fits this machine; leave it out to see every model",
                token,
                position,
            )
        return "fits", True
    if key == "sort":
        keys = []
        values = [v.strip().lower() for v in raw.split(",")]
        if not all(values):
            raise QueryError(f"'{token}': empty value", token, position)
        for value in values:
            descending = value.startswith("-")
            name = value.lstrip("-+")
            name = SORT_ALIASES.get(name, name)
            if name not in SORT_KEYS and name not in FIT_SORT_KEYS:
                known = ", ".join([*SORT_KEYS, *FIT_SORT_KEYS])
                raise QueryError(
                    f"'{token}': cannot sort by '{name}' (keys: {known})", token, position
                )
            keys.append(SortKey(name, descending))
        return "sort", tuple(keys)
    raise QueryError(
        f"'{token}': unknown filter '{key}' (filters: {', '.join(KNOWN_KEYS)})", token, position
    )
