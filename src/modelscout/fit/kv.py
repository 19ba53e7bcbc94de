"""What a model keeps for its context, layer kind by layer kind, as each engine allocates it.

- full:      every token's K and V, for the whole context
- sliding:   only the window (llama.cpp: window + one micro-batch; vLLM: window - 1 + one
             scheduler batch, in blocks)
- latent:    one compressed vector per token (DeepSeek's MLA: kv_lora_rank + the shared RoPE key)
- linear, recurrent, conv: a fixed state per sequence, whatever the context
- ffn:       nothing

Where the catalogue has no layout for a model, the old approximation stands in: every layer full
attention with 8 KV heads of 128 dims (see APPROX_*), which errs high, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelscout.catalog.model import Architecture, LayerGroup, Model

# KV-cache approximation for models whose layout is unknown: a grouped-query model with 8 KV
# heads of dimension 128 (Llama 3, Qwen 2.5/3, Mistral all use this) and layers ≈ 20 × P^0.3
# with P in billions, fitted to config.json layer counts of Llama 3.2 3B (28), Llama 3.1 8B (32),
# 70B (80) and 405B (126), Qwen3 8B (36) and 32B (64). MoE models use total parameters, which
# overestimates their layers, and hybrids are counted as all-attention: it errs towards "does
# not fit".
APPROX_KV_HEADS = 8
APPROX_HEAD_DIM = 128
APPROX_LAYERS_SCALE = 20.0
APPROX_LAYERS_EXPONENT = 0.3
# A linear / recurrent / conv layer whose state size the catalogue lacks is counted at this many
# values: five times the largest state among the catalogue's known layouts (Qwen3.5-27B's Gated
# DeltaNet layers, 817,152; Jamba's Mamba layers hold 155,648, LFM2's conv layers 4,096). The
# state does not grow with the context, so even this generous bound stays small beside the
# attention layers at long contexts, and it errs high.
UNKNOWN_STATE_VALUES = 4_194_304


@dataclass(frozen=True)
class KvType:
    name: str
    bytes_per_value: float
    engines: frozenset[str]
    source: str


# ggml's block layouts (ggml/src/ggml-common.h): block_q8_0 is an f16 scale + 32 int8 = 34 bytes
# per 32 values; block_q4_0 an f16 scale + 16 bytes of nibbles = 18 bytes per 32. llama.cpp takes
# them with `-ctk/-ctv` (a quantised V cache needs flash attention, `-fa`). vLLM's
# `--kv-cache-dtype fp8` stores one byte per value (E4M3, scales per tensor).
KV_TYPES: dict[str, KvType] = {
    "f16": KvType("f16", 2.0, frozenset({"llama.cpp", "vllm"}), "F16/BF16: both engines' default"),
    "q8_0": KvType("q8_0", 34 / 32, frozenset({"llama.cpp"}), "ggml block_q8_0: 34 B / 32"),
    "q4_0": KvType("q4_0", 18 / 32, frozenset({"llama.cpp"}), "ggml block_q4_0: 18 B / 32"),
    "fp8": KvType("fp8", 1.0, frozenset({"vllm"}), "vLLM --kv-cache-dtype fp8: 1 B"),
}
DEFAULT_KV_TYPE = "f16"


@dataclass(frozen=True)
class EngineRules:
    """How one engine sizes its caches; each number's source is beside it in ENGINES."""

    name: str
    pad_tokens: int  # caches are allocated in multiples of this many tokens
    sliding_batch_tokens: int  # what a sliding layer holds beyond its window
    sliding_extra_pad: int  # vLLM: one more block, since the window need not start on a block
    state_bytes_per_value: int  # linear / recurrent / conv state
    gpu_memory_share: float  # the share of each GPU's memory the engine lets itself use
    multi_gpu: str  # "layers" (split by layers: memory adds, speed does not) or "tensor"


ENGINES: dict[str, EngineRules] = {
    # llama.cpp (src/llama-kv-cache-iswa.cpp): size_swa = min(n_ctx, GGML_PAD(n_swa * n_seq_max +
    # n_ubatch, n_pad)), n_ubatch 512 by default, one sequence, caches padded to 256 cells.
    # Recurrent and linear-attention states (src/llama-memory-recurrent.cpp) stay F32 whatever
    # -ctk says. Several GPUs split the model by layers (-sm layer, the default): each token
    # passes through them in turn.
    "llama.cpp": EngineRules("llama.cpp", 256, 512, 0, 4, 1.0, "layers"),
    # vLLM (vllm/v1/kv_cache_interface.py, SlidingWindowSpec.max_memory_usage_bytes): a sliding
    # layer holds min(window - 1 + max_num_batched_tokens, max_model_len) tokens + one block of
    # 16; max_num_batched_tokens is 8192 for the API server on large GPUs (2048 on others:
    # the larger errs high). Mamba-style states are kept in the model's dtype (BF16). It takes
    # --gpu-memory-utilization (default 0.9) of each GPU, and splits tensors across GPUs
    # (--tensor-parallel-size), so each GPU reads its share of every token.
    "vllm": EngineRules("vllm", 16, 8192 - 1, 16, 2, 0.9, "tensor"),
}
DEFAULT_ENGINE = "llama.cpp"


def _pad(tokens: int, multiple: int) -> int:
    return -(-tokens // multiple) * multiple


@dataclass(frozen=True)
class KvEstimate:
    bytes: int
    approximate: bool
    by_kind: tuple[tuple[str, int], ...]  # (layer kind, bytes), the largest first
    note: str | None = None  # why it is approximate, when it is


def approx_layers(total_params_b: float) -> int:
    return max(1, round(APPROX_LAYERS_SCALE * total_params_b**APPROX_LAYERS_EXPONENT))


def group_bytes(
    group: LayerGroup, context_tokens: int, rules: EngineRules, kv_type: KvType
) -> int | None:
    """One group's cache for one sequence; None where the layout lacks a number it needs."""
    cells = _pad(context_tokens, rules.pad_tokens)
    if group.kind in ("full", "sliding"):
        if group.kv_heads is None or group.head_dim is None:
            return None
        values = group.kv_heads * (group.head_dim + (group.v_head_dim or group.head_dim))
        if group.kind == "sliding":
            if group.window_tokens is None:
                return None
            held = _pad(group.window_tokens + rules.sliding_batch_tokens, rules.pad_tokens)
            cells = min(cells, held + rules.sliding_extra_pad)
        return int(group.count * cells * values * kv_type.bytes_per_value)
    if group.kind == "latent":
        if group.kv_lora_rank is None or group.rope_head_dim is None:
            return None
        values = group.kv_lora_rank + group.rope_head_dim
        return int(group.count * cells * values * kv_type.bytes_per_value)
    if group.kind in ("linear", "recurrent", "conv"):
        if group.state_values is None:
            return None
        return group.count * group.state_values * rules.state_bytes_per_value
    return 0  # ffn: nothing kept


def approximate_kv(model: Model, context_tokens: int, kv_type: KvType, why: str) -> KvEstimate:
    layers = approx_layers(model.total_params_b)
    values = 2 * APPROX_KV_HEADS * APPROX_HEAD_DIM
    total = int(layers * context_tokens * values * kv_type.bytes_per_value)
    note = (
        f"KV cache approximated ({why}): {layers} layers × {APPROX_KV_HEADS} KV heads × "
        f"{APPROX_HEAD_DIM} dims of full attention, which errs high"
    )
    return KvEstimate(total, True, (("full", total),), note)


def kv_cache(
    model: Model,
    context_tokens: int,
    engine: str = DEFAULT_ENGINE,
    kv_type: str = DEFAULT_KV_TYPE,
) -> KvEstimate:
    """Bytes the engine allocates for one sequence of `context_tokens` tokens."""
    rules = ENGINES[engine]
    cache_type = KV_TYPES[kv_type]
    arch: Architecture | None = model.architecture
    if arch is None:
        return approximate_kv(model, context_tokens, cache_type, "no architecture in the catalogue")
    if not arch.layout_known:
        why = arch.unknown_reason or "the layer layout is unknown"
        return approximate_kv(model, context_tokens, cache_type, why)
    by_kind: dict[str, int] = {}
    guessed: list[str] = []
    for group in arch.groups:
        size = group_bytes(group, context_tokens, rules, cache_type)
        if size is None and group.kind in ("linear", "recurrent", "conv"):
            size = group.count * UNKNOWN_STATE_VALUES * rules.state_bytes_per_value
            guessed.append(f"{group.count} {group.kind}")
        if size is None:
            why = f"a {group.kind} layer group lacks the numbers to size it"
            return approximate_kv(model, context_tokens, cache_type, why)
        by_kind[group.kind] = by_kind.get(group.kind, 0) + size
    ordered = tuple(sorted(by_kind.items(), key=lambda item: -item[1]))
    note = None
    if guessed:
        note = (
            f"state size of {' and '.join(guessed)} layers not in the catalogue: counted at "
            f"{UNKNOWN_STATE_VALUES:,} values each, which errs high"
        )
    return KvEstimate(sum(by_kind.values()), bool(guessed), ordered, note)


def largest_context(
    model: Model,
    room_bytes: int,
    engine: str = DEFAULT_ENGINE,
    kv_type: str = DEFAULT_KV_TYPE,
    step: int = 256,
) -> int:
    """The most tokens (a multiple of `step`, at most the model's own maximum) whose cache fits in
    `room_bytes`; 0 when not even `step` tokens fit. The cache grows with the context, so halving
    finds it in a dozen steps."""
    limit = model.context_tokens or 131_072
    if kv_cache(model, step, engine, kv_type).bytes > room_bytes:
        return 0
    if kv_cache(model, limit, engine, kv_type).bytes <= room_bytes:
        return limit
    low, high = 1, limit // step  # low fits, high does not (in steps)
    while high - low > 1:
        middle = (low + high) // 2
        if kv_cache(model, middle * step, engine, kv_type).bytes <= room_bytes:
            low = middle
        else:
            high = middle
    return low * step
