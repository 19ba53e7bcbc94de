from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelscout.catalog import load_catalog, model_from_dict, model_to_dict, parse_catalog
from modelscout.errors import CatalogError
from tests.catalog.factory import document, entry


def write(tmp_path: Path, content: str | dict) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_valid_catalogue_loads_every_entry(tmp_path: Path) -> None:
    path = write(tmp_path, document(entry(id="a"), entry(id="b", moe=True, active_params_b=1.0)))
    catalog = load_catalog(path)
    assert [m.id for m in catalog.models] == ["a", "b"]
    assert catalog.built == "2026-01-01"
    assert catalog.models[1].moe and catalog.models[1].active_params_b == 1.0


def test_broken_json_names_the_file_and_position(tmp_path: Path) -> None:
    path = write(tmp_path, '{"schema_version": 1, "models": [')
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert str(path) in str(info.value)
    assert "not valid JSON (line 1" in str(info.value)


def test_missing_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "nope.json")


def test_missing_field_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = entry(id="broken")
    del bad["total_params_b"]
    path = write(tmp_path, document(entry(id="ok"), bad))
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    message = str(info.value)
    assert str(path) in message
    assert "models[1]" in message and "(broken)" in message
    assert "missing field 'total_params_b'" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total_params_b", "7B"),
        ("total_params_b", -1),
        ("moe", "yes"),
        ("context_tokens", 12.5),
        ("repo_id", "no-slash"),
        ("sources", "seed"),
        ("intelligence_index", True),
    ],
)
def test_wrong_type_is_rejected_with_the_field(field: str, value: object) -> None:
    with pytest.raises(CatalogError, match=f"field '{field}' must be"):
        parse_catalog(document(entry(**{field: value})), "cat.json")


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(CatalogError, match="duplicate id 'same' \\(first at models\\[0\\]\\)"):
        parse_catalog(document(entry(id="same"), entry(id="same")), "cat.json")


@pytest.mark.parametrize("version", [None, 0, 2, "1"])
def test_unknown_schema_version_is_rejected(version: object) -> None:
    doc = document(entry())
    doc["schema_version"] = version
    with pytest.raises(CatalogError, match="unsupported schema_version"):
        parse_catalog(doc, "cat.json")


def test_unknown_field_is_tolerated_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, document(entry(id="x", shiny_new_field=3)))
    catalog = load_catalog(path)
    assert [m.id for m in catalog.models] == ["x"]
    assert len(catalog.warnings) == 1
    assert "shiny_new_field" in catalog.warnings[0]


def test_round_trip_keeps_every_field() -> None:
    original = entry(
        architecture={"layers": 28, "kv_heads": 8, "head_dim": 128},
        sources=[{"kind": "table", "ref": "a.txt", "detail": "row", "says": {"x": 1}}],
        notes="n",
    )
    model = model_from_dict(original, "t")
    again = model_from_dict(model_to_dict(model), "t")
    assert again == model


def test_json_form_adds_derived_fields_only_on_request() -> None:
    model = model_from_dict(entry(total_params_b=3.0, active_params_b=3.0), "t")
    assert "tier" not in model_to_dict(model)
    derived = model_to_dict(model, derived=True)
    assert derived["tier"] == "tiny"
    assert derived["openness"] == "permissive"
