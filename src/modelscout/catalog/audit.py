"""The rules a curated catalogue keeps, beyond what the loader checks of any catalogue.

The loader accepts any well-formed file; these rules are what make the bundled catalogue's numbers
trustworthy: rows that share weights agree, a context limit is the model's own integer and not a
table's "262k" read as 262,000, every model with weights says how it keeps its context (or why that
is unknown), and every number can be traced to a source that states it. `tools/build_catalog.py`
refuses to write a catalogue that breaks one, and the test suite holds the bundled file to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from modelscout.catalog.model import Model

# What a checkpoint is, whichever leaderboard row shows it: two rows of one repo (a reasoning and a
# non-reasoning mode, gpt-oss's effort levels) must agree on all of these.
PHYSICAL_FIELDS: tuple[str, ...] = (
    "total_params_b",
    "active_params_b",
    "moe",
    "context_tokens",
    "architecture",
    "license",
    "gated",
    "release",
    "modality",
    "gguf_repo_id",
)
# Sources that read a model's own files, its maker's page or an engine's serving recipe for it, as
# opposed to a leaderboard table or an article that prints rounded figures.
PRIMARY_KINDS: frozenset[str] = frozenset({"config", "hub", "model_card", "gguf", "recipe"})
# Numbers a source must state as they are shown.
SOURCED_NUMBERS: tuple[str, ...] = (
    "total_params_b",
    "active_params_b",
    "context_tokens",
    "intelligence_index",
    "price_usd_per_mtok",
    "speed_tps",
)


def twin_disagreements(models: Iterable[Model]) -> list[str]:
    """Rows of one repo whose physical facts differ."""
    by_repo: dict[str, list[Model]] = defaultdict(list)
    for model in models:
        if model.repo_id is not None:
            by_repo[model.repo_id].append(model)
    problems = []
    for repo, rows in by_repo.items():
        first = rows[0]
        for other in rows[1:]:
            for name in PHYSICAL_FIELDS:
                if getattr(first, name) != getattr(other, name):
                    problems.append(
                        f"{first.id} and {other.id} share {repo} but differ in {name}: "
                        f"{getattr(first, name)!r} vs {getattr(other, name)!r}"
                    )
    return problems


def _significant(value: int, digits: int) -> int:
    """`value` rounded to this many significant decimal digits."""
    scale = 10 ** max(len(str(value)) - digits, 0)
    return int(value / scale + 0.5) * scale


def _binary_part(tokens: int) -> tuple[int, int]:
    """(odd, exponent) with tokens == odd << exponent."""
    exponent = (tokens & -tokens).bit_length() - 1
    return tokens >> exponent, exponent


# A context limit as configs write them: a small odd number times a power of two of at least 1,024
# (262,144 = 2^18; 202,752 = 99 × 2^11; 163,840 = 5 × 2^15; 40,960 = 5 × 2^13).
_MAX_ODD = 99
_MIN_EXPONENT = 10


def is_binary_limit(tokens: int) -> bool:
    odd, exponent = _binary_part(tokens)
    return odd <= _MAX_ODD and exponent >= _MIN_EXPONENT


def binary_limit_rounded_to(tokens: int) -> int | None:
    """The binary limit that `tokens` is a decimal reading of, or None.

    "262k" for 262,144 read back as 262,000, "128k" for 131,072 read as 128,000, "1M" for
    1,048,576 read as 1,000,000, or three significant digits (65,500 for 65,536).
    """
    if tokens <= 0 or is_binary_limit(tokens):
        return None
    found: list[tuple[int, int, int]] = []
    for exponent in range(_MIN_EXPONENT, 31):
        for odd in range(1, _MAX_ODD + 1, 2):
            limit = odd << exponent
            if not 0.9 * tokens <= limit <= 1.1 * tokens:
                continue
            readings = {_significant(limit, d) for d in (1, 2, 3)} | {limit // 1024 * 1000}
            if tokens in readings:
                found.append((odd, abs(limit - tokens), limit))
    return min(found)[2] if found else None


def rounded_contexts(models: Iterable[Model]) -> list[str]:
    """Contexts that look like a decimal reading of a binary limit, with no primary source stating
    that very number (some configs do say 128,000 or 32,000)."""
    problems = []
    for model in models:
        tokens = model.context_tokens
        if tokens is None:
            continue
        limit = binary_limit_rounded_to(tokens)
        stated = any(
            s.kind in PRIMARY_KINDS and s.says.get("context_tokens") == tokens
            for s in model.sources
        )
        if limit is not None and not stated:
            problems.append(
                f"{model.id}: context {tokens:,} looks like {limit:,} rounded, and no config or "
                "card states it"
            )
    return problems


def missing_layouts(models: Iterable[Model]) -> list[str]:
    """Models with downloadable weights whose architecture is neither described nor marked unknown."""
    return [
        f"{m.id}: weights available but no architecture (give its layout or an unknown_reason)"
        for m in models
        if m.weights_available and m.architecture is None
    ]


def unsourced_numbers(models: Iterable[Model]) -> list[str]:
    """Numbers no source states: each shown value must be one some source says, as it is."""
    problems = []
    for model in models:
        for name in SOURCED_NUMBERS:
            value = getattr(model, name)
            if value is None:
                continue
            if name == "active_params_b" and not model.moe and value == model.total_params_b:
                continue  # a dense model: every parameter is active
            if not any(s.says.get(name) == value for s in model.sources):
                problems.append(f"{model.id}: {name} {value} is stated by no source")
        arch = model.architecture
        if arch is None or not arch.layout_known:
            continue
        if not any(
            s.kind == "config" and s.says.get("layers") == arch.layers for s in model.sources
        ):
            problems.append(f"{model.id}: its {arch.layers}-layer layout cites no config")
    return problems


def catalogue_problems(models: Iterable[Model]) -> list[str]:
    """Every rule above, in one list."""
    models = tuple(models)
    return (
        twin_disagreements(models)
        + rounded_contexts(models)
        + missing_layouts(models)
        + unsourced_numbers(models)
    )
