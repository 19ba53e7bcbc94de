"""Build valid catalogue entries for tests with only the fields a test cares about."""

from __future__ import annotations

from typing import Any

from modelscout.catalog import SCHEMA_VERSION, Model, model_from_dict


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "demo-7b",
        "name": "Demo 7B",
        "creator": "Demo Labs",
        "repo_id": "demo/Demo-7B",
        "total_params_b": 7.0,
        "active_params_b": 7.0,
        "moe": False,
        "context_tokens": 32768,
        "reasoning": False,
        "modality": "text",
        "intelligence_index": 10,
        "price_usd_per_mtok": None,
        "speed_tps": None,
        "weights_available": True,
        "license": "apache-2.0",
        "gated": False,
        "release": "2025-01",
        "training_data_open": False,
        "sources": [{"kind": "table", "ref": "001_c06a5ca59f3b9756.txt"}],
        "notes": None,
    }
    base.update(overrides)
    return base


def model(**overrides: Any) -> Model:
    return model_from_dict(entry(**overrides), "test")


def full_attention(layers: int, kv_heads: int, head_dim: int) -> dict[str, Any]:
    """The `architecture` of a plain transformer, as a catalogue file writes it."""
    group = {"kind": "full", "count": layers, "kv_heads": kv_heads, "head_dim": head_dim}
    return {"layers": layers, "groups": [group]}


def document(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "built": "2026-01-01", "models": list(entries)}
