"""The catalogue's record type and the classifications derived from it."""

from __future__ import annotations

from enum import Enum
from sys import intern
from typing import Any

import msgspec
from msgspec.structs import force_setattr

# Size tiers as the leaderboard tables draw them (seed 000: "Tiny, <=4B"; seed 001: "Small, 4B-40B";
# Medium 40-150B and Large >150B complete the scale). The tables place a model by its parameter count
# rounded to whole billions: Gemma 3 4B (4.3B) sits in the <=4B table, Llama 3.1 Nemotron Nano 4B
# (4.51B) in the 4B-40B one.
TIER_UPPER_BOUNDS_B: tuple[tuple[str, float], ...] = (
    ("tiny", 4.0),
    ("small", 40.0),
    ("medium", 150.0),
)
TIERS: tuple[str, ...] = ("tiny", "small", "medium", "large")


class Openness(str, Enum):
    """How much of a model its makers published, from most to least open."""

    OPEN_SOURCE = "open-source"
    PERMISSIVE = "permissive"
    RESTRICTED = "restricted"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return OPENNESS_LABELS[self]


OPENNESS_LABELS: dict[Openness, str] = {
    Openness.OPEN_SOURCE: "open source (weights, data and code)",
    Openness.PERMISSIVE: "open weights, permissive licence",
    Openness.RESTRICTED: "open weights, restricted licence",
    Openness.CLOSED: "weights not available",
}

# Licences that let anyone use, modify and ship the weights commercially without extra terms.
PERMISSIVE_LICENSES: frozenset[str] = frozenset(
    {
        "apache-2.0",
        "mit",
        "bsd-3-clause",
        "bsd-2-clause",
        "cc-by-4.0",
        "openrail",
        "bigscience-openrail-m",
    }
)


def tier_for(total_params_b: float) -> str:
    """The size tier of a model with this many billion parameters, placed as the tables place it."""
    whole = int(total_params_b + 0.5)
    for name, bound in TIER_UPPER_BOUNDS_B:
        if whole <= bound:
            return name
    return "large"


def openness_for(
    weights_available: bool, license_id: str | None, training_data_open: bool
) -> Openness:
    if not weights_available:
        return Openness.CLOSED
    if training_data_open:
        return Openness.OPEN_SOURCE
    if license_id is not None and license_id.lower() in PERMISSIVE_LICENSES:
        return Openness.PERMISSIVE
    return Openness.RESTRICTED


# Records are msgspec Structs: a Hub-sized catalogue holds 100,000 models, and msgspec builds
# Structs straight from the file's bytes, twice as fast as it fills dataclasses. `gc=False`: they
# never form reference cycles, so the cyclic collector need not walk them (it did, 100,000 at a
# time, in the middle of keystrokes).
class Source(msgspec.Struct, frozen=True, gc=False):
    """Where a fact came from: a seed table row, a seed article section or a model card."""

    kind: str  # "table" | "article" | "model_card" | "hub"
    ref: str  # seed file name or URL
    detail: str | None = None  # the table row label or the article section
    says: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        force_setattr(self, "kind", intern(self.kind))  # one of four: shared, as in Model


class Architecture(msgspec.Struct, frozen=True, gc=False):
    """What the KV-cache estimate needs from a model's config.json."""

    layers: int
    kv_heads: int
    head_dim: int


# Fields with few distinct values across a catalogue (four modalities, a dozen licences, one refresh
# date, a creator per few models): one shared string per value rather than one per record saves
# about 35 MB at 100,000 models.
_SHARED_FIELDS = (
    "creator",
    "modality",
    "license",
    "release",
    "last_modified",
    "refreshed_at",
    "pipeline_tag",
)


class Model(msgspec.Struct, frozen=True, gc=False):
    id: str
    name: str
    creator: str
    repo_id: str | None
    total_params_b: float
    active_params_b: float
    moe: bool
    context_tokens: int | None
    reasoning: bool | None
    modality: str
    # int | float: a whole number in the file stays an int, whichever decoder read it.
    intelligence_index: int | float | None
    price_usd_per_mtok: int | float | None
    speed_tps: int | float | None
    weights_available: bool
    license: str | None
    gated: bool | None
    release: str | None
    training_data_open: bool
    sources: tuple[Source, ...]
    notes: str | None = None
    architecture: Architecture | None = None
    gguf_repo_id: str | None = None
    curated: bool = True
    # Filled by a Hub refresh; None in the bundled catalogue.
    downloads: int | None = None
    likes: int | None = None
    last_modified: str | None = None
    refreshed_at: str | None = None
    pipeline_tag: str | None = None  # the Hub's task label, e.g. "text-generation"
    hub_params_b: float | None = None  # exact count from the Hub's safetensors metadata
    gguf_repos: tuple[str, ...] | None = None  # Hub repos that quantise this model to GGUF
    # Derived, so queries and sorts never recompute them: __post_init__ sets both whenever a
    # record is made (built, decoded or replaced), whatever was passed for them.
    tier: str = ""
    openness: Openness = Openness.CLOSED

    def __post_init__(self) -> None:
        for name in _SHARED_FIELDS:
            value = getattr(self, name)
            if value is not None:
                force_setattr(self, name, intern(value))
        force_setattr(self, "tier", tier_for(self.total_params_b))
        force_setattr(
            self,
            "openness",
            openness_for(self.weights_available, self.license, self.training_data_open),
        )

    def replace(self, **changes: Any) -> Model:
        """A copy with these fields changed; tier and openness follow."""
        return msgspec.structs.replace(self, **changes)

    @property
    def hub_url(self) -> str | None:
        return f"https://huggingface.co/{self.repo_id}" if self.repo_id else None

    @property
    def modalities(self) -> tuple[str, ...]:
        return tuple(self.modality.split("+"))
