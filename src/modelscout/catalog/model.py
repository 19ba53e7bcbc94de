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
    """Where a fact came from: a seed table row, an article, a model card, the Hub, a config, a recipe."""

    kind: str  # "table" | "article" | "model_card" | "hub" | "config" | "recipe"
    ref: str  # seed file name or URL
    detail: str | None = None  # the table row label or the article section
    says: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        force_setattr(self, "kind", intern(self.kind))  # one of four: shared, as in Model


# How a decoder layer keeps what it has read, as config.json files describe it:
#   full      attention over the whole context: a K and a V vector per KV head per token
#   sliding   attention over the last `window_tokens` tokens only (Gemma 3, gpt-oss, Olmo 3)
#   linear    linear attention with a fixed-size state (Gated DeltaNet in Qwen3-Next / Qwen3.5, KDA)
#   recurrent a state-space layer with a fixed-size state (Mamba / Mamba-2)
#   conv      a short convolution whose state is its last few inputs (LFM2's conv blocks)
#   latent    compressed latent KV (DeepSeek's MLA): one `kv_lora_rank` vector plus a shared
#             `rope_head_dim` key per token, whatever the number of heads
#   ffn       a feed-forward block with no token mixing, keeping nothing (Nemotron-H's MLP layers)
LAYER_KINDS: tuple[str, ...] = ("full", "sliding", "linear", "recurrent", "conv", "latent", "ffn")
ATTENTION_KINDS: frozenset[str] = frozenset({"full", "sliding"})
STATE_KINDS: frozenset[str] = frozenset({"linear", "recurrent", "conv"})


class LayerGroup(
    msgspec.Struct, frozen=True, gc=False, omit_defaults=True, forbid_unknown_fields=True
):
    """The decoder layers of one kind: how many, and what each keeps per token or per sequence."""

    kind: str  # one of LAYER_KINDS
    count: int
    kv_heads: int | None = None  # full, sliding
    head_dim: int | None = None  # full, sliding: the K head size (and V's unless v_head_dim)
    v_head_dim: int | None = None  # full, sliding: only where V's head size differs from K's
    window_tokens: int | None = None  # sliding
    # linear, recurrent, conv: values each layer keeps per sequence, whatever its length; the
    # engine decides how many bytes a value takes.
    state_values: int | None = None
    kv_lora_rank: int | None = None  # latent
    rope_head_dim: int | None = None  # latent

    def __post_init__(self) -> None:
        force_setattr(self, "kind", intern(self.kind))


class Architecture(
    msgspec.Struct, frozen=True, gc=False, omit_defaults=True, forbid_unknown_fields=True
):
    """How a model keeps its context, layer kind by layer kind, from its config.json.

    Either `groups` describes every layer (their counts sum to `layers`) or `unknown_reason` says
    why the layout could not be established; then memory estimates must say they are approximate.
    """

    layers: int | None
    groups: tuple[LayerGroup, ...] = ()
    unknown_reason: str | None = None

    @property
    def layout_known(self) -> bool:
        return bool(self.groups)

    def count_of(self, kind: str) -> int:
        return sum(g.count for g in self.groups if g.kind == kind)

    def _full_attention_group(self) -> LayerGroup | None:
        attention = [g for g in self.groups if g.kind in ATTENTION_KINDS]
        return max(attention, key=lambda g: g.count) if attention else None

    @property
    def kv_heads(self) -> int | None:
        """KV heads of the (largest) attention group: what a full-attention estimate multiplies."""
        group = self._full_attention_group()
        return None if group is None else group.kv_heads

    @property
    def head_dim(self) -> int | None:
        group = self._full_attention_group()
        return None if group is None else group.head_dim

    @classmethod
    def full_attention(cls, layers: int, kv_heads: int, head_dim: int) -> Architecture:
        """A plain transformer: every layer attends to the whole context."""
        group = LayerGroup(kind="full", count=layers, kv_heads=kv_heads, head_dim=head_dim)
        return cls(layers=layers, groups=(group,))


# Bounds on layout numbers: well beyond any published config (DeepSeek V3's 61 layers, Llama 3.1
# 405B's 126, MLA's rank 512, Gemma 3's 1,024-token window, Mamba-2's state of a few million
# values), low enough that a corrupted or hostile file cannot ask for absurd memory.
LAYOUT_BOUNDS: dict[str, int] = {
    "layers": 1_000,
    "count": 1_000,
    "kv_heads": 1_024,
    "head_dim": 4_096,
    "v_head_dim": 4_096,
    "window_tokens": 100_000_000,
    "state_values": 1_000_000_000,
    "kv_lora_rank": 65_536,
    "rope_head_dim": 4_096,
}
# Which of a group's optional numbers each kind needs (required) and allows.
_KIND_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "full": (frozenset({"kv_heads", "head_dim"}), frozenset({"v_head_dim"})),
    "sliding": (frozenset({"kv_heads", "head_dim", "window_tokens"}), frozenset({"v_head_dim"})),
    "linear": (frozenset(), frozenset({"state_values"})),
    "recurrent": (frozenset(), frozenset({"state_values"})),
    "conv": (frozenset(), frozenset({"state_values"})),
    "latent": (frozenset({"kv_lora_rank", "rope_head_dim"}), frozenset()),
    "ffn": (frozenset(), frozenset()),
}
_GROUP_NUMBERS: tuple[str, ...] = (
    "kv_heads",
    "head_dim",
    "v_head_dim",
    "window_tokens",
    "state_values",
    "kv_lora_rank",
    "rope_head_dim",
)


def _bad_number(name: str, value: int | None) -> str | None:
    if value is None:
        return None
    if not 1 <= value <= LAYOUT_BOUNDS[name]:
        return f"{name} must be between 1 and {LAYOUT_BOUNDS[name]:,}, got {value}"
    return None


def layout_problem(arch: Architecture) -> str | None:
    """What makes this layout unusable, or None: the rules a type cannot state."""
    problem = _bad_number("layers", arch.layers)
    if problem:
        return problem
    if not arch.groups:
        if not arch.unknown_reason:
            return "needs 'groups' or an 'unknown_reason'"
        return None
    if arch.unknown_reason is not None:
        return "has both 'groups' and an 'unknown_reason'"
    if arch.layers is None:
        return "needs 'layers' when it has 'groups'"
    for index, group in enumerate(arch.groups):
        where = f"groups[{index}]"
        if group.kind not in _KIND_FIELDS:
            return f"{where}: kind must be one of {', '.join(LAYER_KINDS)}, got {group.kind!r}"
        problem = _bad_number("count", group.count)
        if problem:
            return f"{where}: {problem}"
        required, allowed = _KIND_FIELDS[group.kind]
        for name in _GROUP_NUMBERS:
            value = getattr(group, name)
            if value is None and name in required:
                return f"{where}: a {group.kind} group needs {name}"
            if value is not None and name not in required | allowed:
                return f"{where}: a {group.kind} group has no {name}"
            problem = _bad_number(name, value)
            if problem:
                return f"{where}: {problem}"
    total = sum(g.count for g in arch.groups)
    if total != arch.layers:
        return f"group counts sum to {total}, not to its {arch.layers} layers"
    return None


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
