"""The Hub's answer about one model (`/api/models/{repo}`), read into a catalogue record.

Only what the answer states is taken, field by field, and anything of the wrong shape counts as
not stated: a curated record keeps its own facts and its previous Hub numbers where the Hub says
nothing, and a discovered repo without an exact parameter count is left out rather than guessed.
"""

from __future__ import annotations

import re
from typing import Any

from modelscout.catalog import Model, Source
from modelscout.catalog.decode import MAX_NUMBER
from modelscout.hub.env import display_endpoint

# A Hub repo id as the Hub allows them (huggingface_hub's validate_repo_id): `org/name`, each part
# of letters, digits, '.', '_' and '-', at most 96 long, no '--' or '..'. An id of any other shape
# from an answer is not a model we could show or pull.
_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
# The longest text taken from an answer (a licence id, a date, a task name).
MAX_TEXT = 200


def is_repo_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and _REPO_ID.fullmatch(value) is not None
        and "--" not in value
        and ".." not in value
    )


# Hub `model_type` tags of mixture-of-experts architectures (config.json's model_type); any tag
# ending in "moe" (qwen3_moe, granitemoe, olmoe) counts too.
MOE_MODEL_TYPES = frozenset(
    {"mixtral", "dbrx", "jamba", "llama4", "gpt_oss", "deepseek_v2", "deepseek_v3", "phimoe"}
)


def _int_or_none(value: object) -> int | None:
    """A count: an integer from 0 to MAX_NUMBER (no bool, no negative, no 400-digit number)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_NUMBER:
        return value
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_TEXT else None


def _fallback(value: int | None, old: int | None) -> int | None:
    return old if value is None else value


def _params_b(info: dict[str, Any]) -> float | None:
    """The exact parameter count from `safetensors.total`, in billions."""
    safetensors = info.get("safetensors")
    total = _int_or_none(safetensors.get("total")) if isinstance(safetensors, dict) else None
    return total / 1e9 if total else None  # a positive count below MAX_NUMBER: a finite float


def _license(info: dict[str, Any]) -> str | None:
    card = info.get("cardData")
    value = card.get("license") if isinstance(card, dict) else None
    if isinstance(value, list):  # a few cards list several licences; the first is the main one
        value = value[0] if value else None
    return _str_or_none(value)


def _gated(info: dict[str, Any]) -> bool | None:
    """The Hub says false, "auto" or "manual"; both kinds of approval mean gated."""
    value = info.get("gated")
    if value is False or value is True:
        return value
    return True if value in ("auto", "manual") else None


def _hub_source(repo_id: str, endpoint: str, now: str, says: dict[str, object]) -> Source:
    facts = {k: v for k, v in says.items() if v is not None}
    return Source(kind="hub", ref=f"{display_endpoint(endpoint)}/{repo_id}", detail=now, says=facts)


def apply_hub_info(
    model: Model, info: dict[str, Any], gguf_repos: tuple[str, ...] | None, endpoint: str, now: str
) -> Model:
    """The model with the Hub's numbers; curated facts stay, a missing Hub value keeps the old one."""
    license_id = _license(info)
    gated = _gated(info)
    params_b = _params_b(info)
    pipeline_tag = _str_or_none(info.get("pipeline_tag"))
    says: dict[str, object] = {
        "hub_params_b": params_b,
        "license": license_id,
        "gated": gated,
        "pipeline_tag": pipeline_tag,
    }
    sources = tuple(s for s in model.sources if s.kind != "hub")
    return model.replace(
        downloads=_fallback(_int_or_none(info.get("downloads")), model.downloads),
        likes=_fallback(_int_or_none(info.get("likes")), model.likes),
        last_modified=_str_or_none(info.get("lastModified")) or model.last_modified,
        license=license_id or model.license,
        gated=gated if gated is not None else model.gated,
        pipeline_tag=pipeline_tag or model.pipeline_tag,
        hub_params_b=params_b or model.hub_params_b,
        gguf_repos=gguf_repos if gguf_repos is not None else model.gguf_repos,
        refreshed_at=now,
        sources=(*sources, _hub_source(model.repo_id or "", endpoint, now, says)),
    )


def discovered_model(info: dict[str, Any], endpoint: str, now: str) -> Model | None:
    """An uncurated catalogue row for a Hub model, or None without an exact parameter count."""
    repo_id = info.get("id")
    params_b = _params_b(info)
    if not is_repo_id(repo_id) or params_b is None:
        return None
    assert isinstance(repo_id, str)
    listed = info.get("tags")
    tags = [t for t in listed if isinstance(t, str)] if isinstance(listed, list) else []
    moe = any(t in MOE_MODEL_TYPES or t.endswith("moe") for t in tags)
    pipeline_tag = _str_or_none(info.get("pipeline_tag"))
    created = _str_or_none(info.get("createdAt"))
    author, _, name = repo_id.partition("/")
    base = Model(
        id=repo_id,
        name=name,
        creator=author,
        repo_id=repo_id,
        total_params_b=params_b,
        # Active parameters of a mixture of experts are not in the Hub's metadata; the total is an
        # upper bound that keeps memory estimates on the safe side.
        active_params_b=params_b,
        moe=moe,
        context_tokens=None,
        reasoning=None,
        modality="text+image" if pipeline_tag == "image-text-to-text" else "text",
        intelligence_index=None,
        price_usd_per_mtok=None,
        speed_tps=None,
        weights_available=True,
        license=None,
        gated=None,
        release=created[:7] if created else None,
        training_data_open=False,
        sources=(),
        notes="Found by Hub discovery; not curated, so it has no intelligence index.",
        curated=False,
    )
    return apply_hub_info(base, info, None, endpoint, now)
