"""Decode a large catalogue file straight into `Model` records.

At 100,000 models `json.loads` followed by the field-by-field checks in `load` takes about three
seconds on a 2-core machine and peaks near 400 MB. msgspec reads the same bytes straight into the
records, checking every field's type in C, in a fraction of the time. The rules a type cannot state
(positive sizes, non-empty names, 'org/name' repo ids, unique ids) are checked here afterwards.
Whatever this path refuses goes down the careful path in `load`, which names the entry and field at
fault, so an error reads the same whichever size the file is.

The file is mapped rather than read, and decoded one entry at a time, so the pages already decoded
can be handed back to the kernel as the records are built: the file's bytes (as large as the
records themselves) never sit in memory all at once.

Small files (the bundled catalogue, hand-edited ones) always take the careful path: it is fast enough
for them and it also notes unknown fields, which this path ignores silently.
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Any

from modelscout.catalog.model import Model, layout_problem

# Beyond any real count (parameters in billions, tokens, downloads, prices): a larger number is a
# corrupt or hostile file, and keeping it out keeps every later sum and format finite.
MAX_NUMBER = 1e15
# About 4,500 Hub-sized entries: below this the careful path costs under a tenth of a second.
DECODE_LARGE_MIN_BYTES = 4_000_000
# Decoded bytes to let pile up before handing their pages back.
_RELEASE_EVERY_BYTES = 8 << 20

_decoders: tuple[Any, Any] | None = None


def _get_decoders() -> tuple[Any, Any]:
    """Built on first use: small catalogues never need them."""
    global _decoders
    if _decoders is None:
        import msgspec

        # models: each entry's bytes, decoded one by one afterwards.
        outline = msgspec.defstruct(
            "Outline",
            [("schema_version", int), ("models", list[msgspec.Raw]), ("built", Any, None)],
        )
        _decoders = (msgspec.json.Decoder(outline), msgspec.json.Decoder(Model))
    return _decoders


def _out_of_range(value: float | None) -> bool:
    return value is not None and not -MAX_NUMBER <= value <= MAX_NUMBER


def _breaks_a_rule(m: Model) -> bool:
    """The value rules of `load._FIELDS` beyond type; a test keeps the two in step."""
    return (
        any(
            map(
                _out_of_range,
                (
                    m.total_params_b,
                    m.active_params_b,
                    m.context_tokens,
                    m.intelligence_index,
                    m.price_usd_per_mtok,
                    m.speed_tps,
                    m.downloads,
                    m.likes,
                    m.hub_params_b,
                ),
            )
        )
        or not m.id
        or not m.name
        or not m.modality
        or m.total_params_b <= 0
        or m.active_params_b <= 0
        or (m.repo_id is not None and "/" not in m.repo_id)
        or (m.gguf_repo_id is not None and "/" not in m.gguf_repo_id)
        or (m.context_tokens is not None and m.context_tokens <= 0)
        or (m.hub_params_b is not None and m.hub_params_b <= 0)
        or (m.gguf_repos is not None and not all("/" in r for r in m.gguf_repos))
        or (m.architecture is not None and layout_problem(m.architecture) is not None)
    )


def decode_large_file(
    path: Path, schema_versions: tuple[int, ...]
) -> tuple[tuple[Model, ...], str | None] | None:
    """The models and build date, or None when the careful path must look (and explain).

    An older version's entries decode here only where they read the same as today's: an entry
    whose `architecture` has the old shape fails the types and goes to the careful path.

    Raises OSError when the file cannot be opened or mapped.
    """
    with (
        path.open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
    ):
        view = memoryview(mapped)
        try:
            return _decode(view, mapped, schema_versions)
        finally:
            view.release()


def _decode(
    view: memoryview, mapped: mmap.mmap, schema_versions: tuple[int, ...]
) -> tuple[tuple[Model, ...], str | None] | None:
    import msgspec

    outline_decoder, model_decoder = _get_decoders()
    try:
        outline = outline_decoder.decode(view)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if outline.schema_version not in schema_versions:
        return None
    entries: list[Any] = outline.models
    outline.models = []
    release = getattr(mmap, "MADV_DONTNEED", None)
    decode = model_decoder.decode
    models: list[Model] = []
    decoded = released = 0
    entry = None
    try:
        for index, entry in enumerate(entries):
            models.append(decode(entry))
            decoded += len(entry)
            entries[index] = None
            if release is not None and decoded - released > _RELEASE_EVERY_BYTES:
                # `decoded` trails the true offset (it skips the separators), so only pages
                # already read are dropped; a page dropped early would simply be read again.
                upto = decoded - decoded % mmap.PAGESIZE
                mapped.madvise(release, released, upto - released)
                released = upto
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    finally:
        entries.clear()  # the entries hold the mapping open until they are gone
        del entry
    if any(map(_breaks_a_rule, models)) or len({m.id for m in models}) != len(models):
        return None
    built = outline.built if isinstance(outline.built, str) else None
    return tuple(models), built
