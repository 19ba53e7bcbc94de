"""The query's filters, one spec each: how a token reads, how it is written back, what it keeps and
the column the index reads for it.

Adding a filter is one entry in `FILTERS`; the parser, the canonical text, the reference engine
and the index all read this table. (Numeric comparisons, free words, `fits` and `sort` have
shapes of their own and stay in `language.py`.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from modelscout.catalog.model import TIERS, Model, Openness
from modelscout.errors import QueryError

OPENNESS_ALIASES: dict[str, Openness] = {
    "open-source": Openness.OPEN_SOURCE,
    "opensource": Openness.OPEN_SOURCE,
    "source": Openness.OPEN_SOURCE,
    "oss": Openness.OPEN_SOURCE,
    "permissive": Openness.PERMISSIVE,
    "restricted": Openness.RESTRICTED,
    "closed": Openness.CLOSED,
    "none": Openness.CLOSED,
}
OPENNESS_ORDER: tuple[Openness, ...] = tuple(Openness)

BOOL_WORDS = {
    "yes": True,
    "true": True,
    "y": True,
    "1": True,
    "no": False,
    "false": False,
    "n": False,
    "0": False,
}

# How a filter's values select rows:
# - "any": the model's value is one of them (tier:tiny,small);
# - "contains": the model's text contains one of them (creator:qwen);
# - "all": the model has every one of them (modality:image,audio);
# - "is": a yes/no/unknown field equals the one value given (moe, gated:no).
Match = Literal["any", "contains", "all", "is"]


@dataclass(frozen=True)
class Filter:
    field: str  # the `Query` attribute that holds the filter's value
    keys: tuple[str, ...]  # the names it is written with before ':', first one canonical
    match: Match
    column: Callable[[Model], Any]  # the model's value as the filter compares it
    words: tuple[tuple[str, Any], ...] = ()  # bare words that set it ('dense' sets moe=False)
    also_reads: tuple[tuple[str, Any], ...] = ()  # bare words read but never written
    choices: tuple[str, ...] = ()  # the values "any" accepts, in their canonical order

    @property
    def empty(self) -> Any:
        return None if self.match == "is" else frozenset()

    def parse(self, raw: str, token: str, position: int) -> Any:
        if self.match == "is":
            value = BOOL_WORDS.get(raw.lower())
            if value is None:
                raise QueryError(f"'{token}': expected yes or no, got '{raw}'", token, position)
            return value
        values = [v.strip().lower() for v in raw.split(",")]
        if not all(values):
            raise QueryError(f"'{token}': empty value", token, position)
        if self.field == "openness":
            unknown = [v for v in values if v not in OPENNESS_ALIASES]
            if unknown:
                raise QueryError(
                    f"'{token}': unknown openness '{unknown[0]}' "
                    "(open-source, permissive, restricted, closed)",
                    token,
                    position,
                )
            return frozenset(OPENNESS_ALIASES[v] for v in values)
        if self.choices:
            unknown = [v for v in values if v not in self.choices]
            if unknown:
                raise QueryError(
                    f"'{token}': unknown {self.keys[0]} '{unknown[0]}' "
                    f"({self.keys[0]}s: {', '.join(self.choices)})",
                    token,
                    position,
                )
        return frozenset(values)

    def text(self, value: Any) -> str:
        """The canonical token for `value`; parsing it gives the same value back."""
        for word, said in self.words:
            if said == value:
                return word
        if self.match == "is":
            return f"{self.keys[0]}:{'yes' if value else 'no'}"
        if self.field == "openness":
            ordered = [o.value for o in OPENNESS_ORDER if o in value]
        elif self.choices:
            ordered = [c for c in self.choices if c in value]
        else:
            ordered = sorted(value)
        return f"{self.keys[0]}:{','.join(ordered)}"

    def keeps(self, value: Any) -> Callable[[Model], bool]:
        """The reference engine's test for one model."""
        column, accepts = self.column, self.accepts(value)
        return lambda m: accepts(column(m))

    def accepts(self, value: Any) -> Callable[[Any], bool]:
        """Whether a model whose column holds a given value is kept: the index asks it once per
        distinct value (a few hundred creators), not once per model."""
        if self.match == "any":
            return lambda v: v in value
        if self.match == "contains":
            return lambda v: any(part in v for part in value)
        if self.match == "all":
            return lambda v: bool(value.issubset(v))
        return lambda v: v is value


def _lower(text: str | None) -> str | None:
    return text.lower() if text is not None else None


FILTERS: tuple[Filter, ...] = (
    Filter("tiers", ("tier",), "any", lambda m: m.tier, choices=TIERS),
    Filter("openness", ("open", "openness"), "any", lambda m: m.openness),
    Filter("licenses", ("license", "licence"), "any", lambda m: _lower(m.license)),
    Filter("creators", ("creator", "by"), "contains", lambda m: m.creator.lower()),
    Filter(
        "modalities",
        ("modality", "input"),
        "all",
        lambda m: m.modalities,
        words=(("vision", frozenset({"image"})),),
    ),
    Filter("moe", ("moe",), "is", lambda m: m.moe, words=(("moe", True), ("dense", False))),
    Filter(
        "reasoning",
        ("reasoning",),
        "is",
        lambda m: m.reasoning,
        words=(("reasoning", True),),
        also_reads=(("nonreasoning", False),),
    ),
    Filter("weights", ("weights",), "is", lambda m: m.weights_available),
    Filter("gated", ("gated",), "is", lambda m: m.gated),
)
FILTERS_BY_KEY: dict[str, Filter] = {key: f for f in FILTERS for key in f.keys}
FILTERS_BY_WORD: dict[str, tuple[Filter, Any]] = {
    word: (f, value) for f in FILTERS for word, value in (*f.words, *f.also_reads)
}
