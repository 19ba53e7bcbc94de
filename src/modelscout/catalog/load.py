"""Read and validate a catalogue file into `Model` records.

Validation is strict about what the app relies on and tolerant of what it does not know: a newer
catalogue with an extra field still loads (with a warning), a wrong type or a missing field names the
file, the entry and the field so the file can be fixed.
"""

from __future__ import annotations

import gc
import math
import reprlib
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from modelscout.catalog.decode import DECODE_LARGE_MIN_BYTES, MAX_NUMBER, decode_large_file
from modelscout.catalog.model import Architecture, Model, Source, layout_problem
from modelscout.errors import CatalogError

# 2: `architecture` describes each layer kind (groups) or says why it cannot (unknown_reason).
# 1: `architecture` was {layers, kv_heads, head_dim}, read as full attention in every layer.
SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS: tuple[int, ...] = (1, 2)

_NUMBER = (int, float)
# The largest catalogue file read; a Hub-sized one of 100,000 models is about 100 MB.
MAX_CATALOG_BYTES = 1 << 30


def _is_number(value: object) -> bool:
    """A finite JSON number within MAX_NUMBER either side (no bool, no inf, no 400-digit int)."""
    if isinstance(value, bool) or not isinstance(value, _NUMBER):
        return False
    if isinstance(value, int):
        return -MAX_NUMBER <= value <= MAX_NUMBER
    return math.isfinite(value) and -MAX_NUMBER <= value <= MAX_NUMBER


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 80, 80, 40


def _brief(value: object) -> str:
    """A short repr for an error message: a hostile value may be 100,000 lists deep or 400 digits."""
    if isinstance(value, str) and len(value) <= 80:
        return repr(value)
    return _REPR.repr(value)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and _is_number(value)


# field -> (required, check, description for the error message)
_FIELDS: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "id": (True, lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "name": (True, lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "creator": (True, lambda v: isinstance(v, str), "a string"),
    "repo_id": (
        True,
        lambda v: v is None or (isinstance(v, str) and "/" in v),
        "'org/name' or null",
    ),
    "total_params_b": (True, lambda v: _is_number(v) and v > 0, "a positive number"),
    "active_params_b": (True, lambda v: _is_number(v) and v > 0, "a positive number"),
    "moe": (True, lambda v: isinstance(v, bool), "true or false"),
    "context_tokens": (
        False,
        lambda v: v is None or (_is_count(v) and v > 0),
        "a positive integer or null",
    ),
    "reasoning": (True, lambda v: v is None or isinstance(v, bool), "true, false or null"),
    "modality": (True, lambda v: isinstance(v, str) and v != "", "a string like 'text+image'"),
    "intelligence_index": (False, lambda v: v is None or _is_number(v), "a number or null"),
    "price_usd_per_mtok": (False, lambda v: v is None or _is_number(v), "a number or null"),
    "speed_tps": (False, lambda v: v is None or _is_number(v), "a number or null"),
    "weights_available": (True, lambda v: isinstance(v, bool), "true or false"),
    "license": (False, lambda v: v is None or isinstance(v, str), "a string or null"),
    "gated": (False, lambda v: v is None or isinstance(v, bool), "true, false or null"),
    "release": (False, lambda v: v is None or isinstance(v, str), "a string or null"),
    "training_data_open": (False, lambda v: isinstance(v, bool), "true or false"),
    "sources": (True, lambda v: isinstance(v, list), "a list"),
    "notes": (False, lambda v: v is None or isinstance(v, str), "a string or null"),
    "architecture": (False, lambda v: v is None or isinstance(v, dict), "an object or null"),
    "gguf_repo_id": (
        False,
        lambda v: v is None or (isinstance(v, str) and "/" in v),
        "'org/name' or null",
    ),
    "curated": (False, lambda v: isinstance(v, bool), "true or false"),
    "downloads": (False, lambda v: v is None or _is_count(v), "an integer or null"),
    "likes": (False, lambda v: v is None or _is_count(v), "an integer or null"),
    "last_modified": (False, lambda v: v is None or isinstance(v, str), "a string or null"),
    "refreshed_at": (False, lambda v: v is None or isinstance(v, str), "a string or null"),
    "pipeline_tag": (False, lambda v: v is None or isinstance(v, str), "a string or null"),
    "hub_params_b": (
        False,
        lambda v: v is None or (_is_number(v) and v > 0),
        "a positive number or null",
    ),
    "gguf_repos": (
        False,
        lambda v: (
            v is None or (isinstance(v, list) and all(isinstance(r, str) and "/" in r for r in v))
        ),
        "a list of 'org/name' strings or null",
    ),
}

_DERIVED = {"tier", "openness"}  # written by `list --json`, never read back


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _optional_tuple(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


class Catalog:
    """A loaded catalogue and where it came from, so the UI can say which one it shows.

    `models` is any sequence: a tuple for a file read here, or `catalog.stored.StoredModels`,
    which reads each record from the catalogue's decoded copy only when it is asked for.
    """

    __slots__ = ("built", "models", "origin", "path", "warnings")

    def __init__(
        self,
        models: Sequence[Model],
        path: Path | None,
        origin: str,  # "bundled" | "cache" | "file"
        built: str | None = None,
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.models = models
        self.path = path
        self.origin = origin
        self.built = built
        self.warnings = warnings

    def __repr__(self) -> str:
        return f"Catalog({self.origin}, {self.path}, built {self.built})"

    def by_id(self) -> dict[str, Model]:
        """Every record by id: reads all of them (a test's or a small catalogue's tool)."""
        return {m.id: m for m in self.models}


def _source_from(value: object, where: str) -> Source:
    if not isinstance(value, dict) or not isinstance(value.get("ref"), str):
        raise CatalogError(f"{where}: field 'sources': each source must be an object with a 'ref'")
    kind, detail, says = value.get("kind", "table"), value.get("detail"), value.get("says")
    if not isinstance(kind, str) or not (detail is None or isinstance(detail, str)):
        raise CatalogError(f"{where}: field 'sources': a source's kind and detail must be strings")
    if not (says is None or isinstance(says, dict)):
        raise CatalogError(f"{where}: field 'sources': a source's 'says' must be an object")
    return Source(kind=kind, ref=value["ref"], detail=detail, says=dict(says or {}))


def _architecture_from(value: dict[str, Any], label: str, version: int) -> Architecture:
    if version == 1:
        numbers: list[Any] = [value.get(k) for k in ("layers", "kv_heads", "head_dim")]
        if not all(type(n) is int for n in numbers):
            raise CatalogError(
                f"{label}: field 'architecture' needs integer layers, kv_heads and head_dim"
            )
        value = msgspec.to_builtins(Architecture.full_attention(*numbers))
    try:
        arch = msgspec.convert(value, Architecture)
    except msgspec.ValidationError as exc:
        raise CatalogError(f"{label}: field 'architecture': {exc}") from None
    problem = layout_problem(arch)
    if problem:
        raise CatalogError(f"{label}: field 'architecture' {problem}")
    return arch


def model_from_dict(
    entry: object, where: str, notices: list[str] | None = None, version: int = SCHEMA_VERSION
) -> Model:
    """Validate one entry; `where` names it (file and index) in any error.

    `version` is the file's schema version, which decides how `architecture` reads.
    """
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: entry must be an object, got {type(entry).__name__}")
    ident = entry.get("id", "?")
    label = f"{where} ({ident if isinstance(ident, str) and len(ident) <= 80 else _brief(ident)})"
    for name, (required, check, description) in _FIELDS.items():
        if name not in entry:
            if required:
                raise CatalogError(f"{label}: missing field '{name}'")
            continue
        if not check(entry[name]):
            raise CatalogError(
                f"{label}: field '{name}' must be {description}, got {_brief(entry[name])}"
            )
    unknown = sorted(set(entry) - set(_FIELDS) - _DERIVED)
    if unknown and notices is not None:
        notices.append(f"{label}: unknown field(s) ignored: {', '.join(unknown)}")
    architecture = entry.get("architecture")
    arch = _architecture_from(architecture, label, version) if architecture else None
    return Model(
        id=entry["id"],
        name=entry["name"],
        creator=entry["creator"],
        repo_id=entry["repo_id"],
        total_params_b=float(entry["total_params_b"]),
        active_params_b=float(entry["active_params_b"]),
        moe=entry["moe"],
        context_tokens=entry.get("context_tokens"),
        reasoning=entry["reasoning"],
        modality=entry["modality"],
        intelligence_index=entry.get("intelligence_index"),
        price_usd_per_mtok=entry.get("price_usd_per_mtok"),
        speed_tps=entry.get("speed_tps"),
        weights_available=entry["weights_available"],
        license=entry.get("license"),
        gated=entry.get("gated"),
        release=entry.get("release"),
        training_data_open=entry.get("training_data_open", False),
        sources=tuple(_source_from(s, label) for s in entry["sources"]),
        notes=entry.get("notes"),
        architecture=arch,
        gguf_repo_id=entry.get("gguf_repo_id"),
        curated=entry.get("curated", True),
        downloads=entry.get("downloads"),
        likes=entry.get("likes"),
        last_modified=entry.get("last_modified"),
        refreshed_at=entry.get("refreshed_at"),
        pipeline_tag=entry.get("pipeline_tag"),
        hub_params_b=_optional_float(entry.get("hub_params_b")),
        gguf_repos=_optional_tuple(entry.get("gguf_repos")),
    )


# Field names, read once rather than per record.
_MODEL_FIELDS: tuple[str, ...] = tuple(f for f in Model.__struct_fields__ if f not in _DERIVED)
_SOURCE_FIELDS: tuple[str, ...] = Source.__struct_fields__


def _source_to_dict(source: Source) -> dict[str, Any]:
    out = {}
    for name in _SOURCE_FIELDS:
        value = getattr(source, name)
        if value is not None and value != {}:
            out[name] = value
    return out


def model_to_dict(model: Model, derived: bool = False) -> dict[str, Any]:
    """The JSON form of a record; `derived` adds tier and openness for script consumers."""
    out: dict[str, Any] = {name: getattr(model, name) for name in _MODEL_FIELDS}
    out["sources"] = [_source_to_dict(s) for s in model.sources]
    architecture = model.architecture
    if architecture is not None:
        layout = msgspec.to_builtins(architecture)
        if "groups" in layout:
            layout["groups"] = list(layout["groups"])
        out["architecture"] = layout
    if derived:
        out["tier"] = model.tier
        out["openness"] = model.openness.value
    return out


def parse_catalog(
    data: object, name: str, notices: list[str] | None = None
) -> tuple[tuple[Model, ...], str | None]:
    """Validate a decoded catalogue document; returns the models and the build date."""
    if not isinstance(data, dict):
        raise CatalogError(
            f"{name}: the catalogue must be a JSON object with 'schema_version' and 'models'"
        )
    version = data.get("schema_version")
    if type(version) is not int or version not in READABLE_SCHEMA_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_SCHEMA_VERSIONS)
        raise CatalogError(
            f"{name}: unsupported schema_version {version!r} (this modelscout reads {readable})"
        )
    entries = data.get("models")
    if not isinstance(entries, list):
        raise CatalogError(f"{name}: field 'models' must be a list")
    models: list[Model] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        model = model_from_dict(entry, f"{name}: models[{index}]", notices, version)
        if model.id in seen:
            raise CatalogError(
                f"{name}: models[{index}]: duplicate id '{model.id}' (first at models[{seen[model.id]}])"
            )
        seen[model.id] = index
        models.append(model)
    built = data.get("built") if isinstance(data.get("built"), str) else None
    return tuple(models), built


def _no_constant(name: str) -> float:
    """json's hook for NaN and Infinity, which are not JSON and no count is."""
    raise ValueError(f"{name} is not a number a catalogue may hold")


def load_catalog(path: Path, origin: str = "file") -> Catalog:
    """Read, decode and validate one catalogue file."""
    # A Hub-sized catalogue is a million small objects made at once. The cyclic collector would scan
    # them again and again while they are built (half the load time at 100,000 models) and later,
    # in the middle of a keystroke; none of them can form a cycle, so collection pauses while they
    # are made and they are then moved out of its sight (gc.freeze).
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # /dev/zero, a FIFO: would never end
                raise CatalogError(f"{path}: not a regular file")
            if info.st_size > MAX_CATALOG_BYTES:
                raise CatalogError(
                    f"{path}: {info.st_size} bytes is larger than any catalogue "
                    f"({MAX_CATALOG_BYTES} at most)"
                )
            large = info.st_size >= DECODE_LARGE_MIN_BYTES
            decoded = decode_large_file(path, READABLE_SCHEMA_VERSIONS) if large else None
            raw = b"" if decoded is not None else path.read_bytes()
        except FileNotFoundError:
            raise CatalogError(f"{path}: catalogue file not found") from None
        except OSError as exc:
            raise CatalogError(f"{path}: cannot read catalogue: {exc.strerror}") from None
        if decoded is not None:
            gc.freeze()
            return Catalog(models=decoded[0], path=path, origin=origin, built=decoded[1])
        import json  # here: a run served by the decoded copy never parses JSON

        try:
            data = json.loads(raw, parse_constant=_no_constant)
        except RecursionError:
            raise CatalogError(f"{path}: not a catalogue (JSON nested too deeply)") from None
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError among them
            where = (
                f"line {exc.lineno} column {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else "encoding"
                if isinstance(exc, UnicodeDecodeError)
                else str(exc)
            )
            raise CatalogError(f"{path}: not valid JSON ({where})") from None
        del raw  # the file's bytes are as large as the records: free them before building
        notices: list[str] = []
        models, built = parse_catalog(data, str(path), notices)
        del data
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return Catalog(models=models, path=path, origin=origin, built=built, warnings=tuple(notices))
