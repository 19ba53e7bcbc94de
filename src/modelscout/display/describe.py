"""A model's fields as labelled text, with the sources that state each one.

The CLI's `show` and the TUI's detail screen print the same rows from here, so the two never drift.
"""

from __future__ import annotations

from modelscout.catalog.model import Architecture, LayerGroup, Model
from modelscout.display import format as fmt

# (label, catalogue fields whose sources back the value)
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "repository": ("repo_id",),
    "parameters": ("total_params_b", "active_params_b"),
    "architecture": ("moe",),
    "layout": ("layers",),
    "context": ("context_tokens",),
    "reasoning": ("reasoning",),
    "modality": ("modality",),
    "intelligence index": ("intelligence_index",),
    "price / 1M tokens": ("price_usd_per_mtok",),
    "speed (tokens/s)": ("speed_tps",),
    "weights": ("weights_available",),
    "licence": ("license",),
    "gated": ("gated",),
    "released": ("release",),
    "GGUF repository": ("gguf_repo_id",),
}


def field_rows(model: Model) -> list[tuple[str, str]]:
    active = fmt.params(model.active_params_b)
    rows = [
        ("repository", model.repo_id or f"{fmt.DASH} (not known yet: nothing to pull)"),
        ("Hugging Face", model.hub_url or fmt.DASH),
        ("tier", model.tier),
        ("parameters", f"{fmt.params(model.total_params_b)} total, {active} active"),
        ("architecture", "mixture of experts" if model.moe else "dense"),
        *([("layout", layout_text(model.architecture))] if model.architecture else []),
        ("context", fmt.tokens(model.context_tokens)),
        ("reasoning", fmt.yes_no(model.reasoning)),
        ("modality", model.modality),
        ("intelligence index", fmt.number(model.intelligence_index)),
        ("price / 1M tokens", fmt.price(model.price_usd_per_mtok)),
        ("speed (tokens/s)", fmt.number(model.speed_tps)),
        ("weights", "available" if model.weights_available else "not available"),
        ("licence", model.license or fmt.DASH),
        ("openness", model.openness.label),
        ("gated", fmt.yes_no(model.gated)),
        ("released", model.release or fmt.DASH),
        ("GGUF repository", model.gguf_repo_id or fmt.DASH),
    ]
    if model.downloads is not None or model.likes is not None:
        rows.append(
            ("downloads / likes", f"{fmt.number(model.downloads)} / {fmt.number(model.likes)}")
        )
    return rows


def _group_text(group: LayerGroup) -> str:
    heads = f"{group.kv_heads} KV heads of {group.head_dim}"
    match group.kind:
        case "full":
            return f"{group.count} full attention ({heads})"
        case "sliding":
            return f"{group.count} sliding window of {group.window_tokens:,} ({heads})"
        case "latent":
            rank, rope = group.kv_lora_rank, group.rope_head_dim
            return f"{group.count} latent attention (rank {rank} + {rope} rope)"
        case "linear" | "recurrent" | "conv":
            return f"{group.count} {group.kind} (fixed-size state)"
        case _:
            return f"{group.count} feed-forward only"


def layout_text(arch: Architecture) -> str:
    """How the model keeps its context, layer kind by layer kind: what the KV cache depends on."""
    if not arch.layout_known:
        return f"unknown: {arch.unknown_reason}"
    return f"{arch.layers} layers: " + ", ".join(_group_text(g) for g in arch.groups)


def sources_for(model: Model, label: str) -> str:
    """Which numbered sources state this field, e.g. '[1] [3]'."""
    wanted = FIELD_SOURCES.get(label, ())
    marks = [
        f"[{number}]"
        for number, source in enumerate(model.sources, 1)
        if any(name in source.says for name in wanted)
    ]
    return " ".join(marks)
