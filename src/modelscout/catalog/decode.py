"""Decode a large catalogue file straight into `Model` records.

At 100,000 models `json.loads` followed by the field-by-field checks in `load` takes about three
seconds on a 2-core machine. msgspec reads the same bytes straight into the records, checking every
field's type in C, in a fifth of that. The rules a type cannot state (positive sizes, non-empty
names, 'org/name' repo ids, unique ids) are checked here afterwards. Whatever this path refuses goes
down the careful path in `load`, which names the entry and field at fault, so an error reads the same
whichever size the file is.

Small files (the bundled catalogue, hand-edited ones) always take the careful path: it is fast enough
for them and it also notes unknown fields, which this path ignores silently.
"""

from __future__ import annotations

from typing import Any

from modelscout.catalog.model import Model

# About 4,500 Hub-sized entries: below this the careful path costs under a tenth of a second.
DECODE_LARGE_MIN_BYTES = 4_000_000

_decoder: Any = None


def _document_decoder() -> Any:
    """Built on first use so that small catalogues never import msgspec."""
    global _decoder
    if _decoder is None:
        import msgspec

        class Document(msgspec.Struct):
            schema_version: int
            models: list[Model]
            built: Any = None

        _decoder = msgspec.json.Decoder(Document)
    return _decoder


def _breaks_a_rule(m: Model) -> bool:
    """The value rules of `load._FIELDS` beyond type; a test keeps the two in step."""
    return (
        not m.id
        or not m.name
        or not m.modality
        or m.total_params_b <= 0
        or m.active_params_b <= 0
        or (m.repo_id is not None and "/" not in m.repo_id)
        or (m.gguf_repo_id is not None and "/" not in m.gguf_repo_id)
        or (m.context_tokens is not None and m.context_tokens <= 0)
        or (m.hub_params_b is not None and m.hub_params_b <= 0)
        or (m.gguf_repos is not None and not all("/" in r for r in m.gguf_repos))
    )


def decode_large(raw: bytes, schema_version: int) -> tuple[tuple[Model, ...], str | None] | None:
    """The models and build date, or None when the careful path must look (and explain)."""
    import msgspec

    try:
        document = _document_decoder().decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    models = document.models
    if document.schema_version != schema_version or any(map(_breaks_a_rule, models)):
        return None
    if len({m.id for m in models}) != len(models):
        return None
    built = document.built if isinstance(document.built, str) else None
    return tuple(models), built
