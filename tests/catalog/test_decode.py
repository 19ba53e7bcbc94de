"""The fast decoder for large catalogues must agree with the careful loader on every input."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from bench.gen_catalog import catalog_document
from modelscout.catalog import load, load_catalog, parse_catalog
from modelscout.catalog.decode import decode_large_file
from modelscout.catalog.load import _FIELDS, READABLE_SCHEMA_VERSIONS
from modelscout.errors import CatalogError
from tests.catalog.factory import document, entry

PROBES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    3,
    2.5,
    "",
    "x",
    "org/name",
    [],
    ["org/name"],
    ["x"],
    [{"kind": "hub", "ref": "r"}],
    [{"ref": "r"}],
    {},
    {"layers": 2, "kv_heads": 1, "head_dim": 64},
    {"layers": "2", "kv_heads": 1, "head_dim": 64},
    {"layers": 2, "groups": [{"kind": "full", "count": 2, "kv_heads": 1, "head_dim": 64}]},
    {"layers": 3, "groups": [{"kind": "full", "count": 2, "kv_heads": 1, "head_dim": 64}]},
    {"layers": 2, "groups": [{"kind": "full", "count": 2, "kv_heads": 1}]},
    {"layers": 2, "groups": [{"kind": "warp", "count": 2}]},
    {"layers": None, "unknown_reason": "config.json not published"},
    {"layers": 2, "groups": [], "unknown_reason": ""},
)


def careful(doc: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        return parse_catalog(doc, "cat.json")
    except CatalogError:
        return None


def fast(doc: dict[str, Any]) -> tuple[Any, ...] | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.json"
        path.write_text(json.dumps(doc, indent=1))
        return decode_large_file(path, READABLE_SCHEMA_VERSIONS)


def test_generated_catalogue_decodes_to_the_same_records() -> None:
    doc = catalog_document(400, seed=3)
    assert fast(doc) == careful(doc)
    assert fast(doc) is not None


@pytest.mark.parametrize("read", [fast, careful])
def test_repeated_values_are_one_string_shared_by_every_record(read: Any) -> None:
    # What keeps a 100,000-model catalogue under its memory budget: a licence, a modality or a
    # refresh date is held once, not once per record.
    models = read(catalog_document(400, seed=3))[0]
    for field in ("creator", "modality", "license", "release", "refreshed_at"):
        values = [getattr(m, field) for m in models if getattr(m, field) is not None]
        assert len({id(v) for v in values}) == len(set(values)) < len(values), field
    kinds = [s.kind for m in models for s in m.sources]
    assert len({id(k) for k in kinds}) == len(set(kinds))


@pytest.mark.parametrize("field", sorted(_FIELDS))
def test_fast_path_never_accepts_what_the_careful_path_refuses(field: str) -> None:
    """For every field and a spread of values: the fast path agrees or hands over (None)."""
    for value in PROBES:
        doc = document(entry(**{"id": "a", field: value}))
        decoded = fast(doc)
        if decoded is not None:
            assert decoded == careful(doc), (field, value)


def test_whole_numbers_stay_integers() -> None:
    decoded = fast(document(entry(intelligence_index=16, price_usd_per_mtok=1.5)))
    assert decoded is not None
    model = decoded[0][0]
    assert type(model.intelligence_index) is int and model.price_usd_per_mtok == 1.5


def test_duplicate_ids_and_bad_versions_go_to_the_careful_path() -> None:
    assert fast(document(entry(id="same"), entry(id="same"))) is None
    doc = document(entry())
    doc["schema_version"] = 99
    assert fast(doc) is None


def test_large_file_loads_fast_and_errors_still_name_the_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "DECODE_LARGE_MIN_BYTES", 0)
    doc = catalog_document(50, seed=1)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    catalog = load_catalog(path)
    assert catalog.models == parse_catalog(doc, "x")[0]
    doc["models"][7]["total_params_b"] = -3
    path.write_text(json.dumps(doc))
    with pytest.raises(CatalogError, match=r"models\[7\].*field 'total_params_b' must be"):
        load_catalog(path)
