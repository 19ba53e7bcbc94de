from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelscout.catalog import load_catalog, model_from_dict, model_to_dict, parse_catalog
from modelscout.errors import CatalogError
from tests.catalog.factory import document, entry, full_attention


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


@pytest.mark.parametrize("version", [None, 0, 3, "1", True])
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
        architecture=full_attention(28, 8, 128),
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


# Qwen3.5-27B's config.json: 64 layers, every fourth full attention (4 KV heads of 256), the
# others Gated DeltaNet.
HYBRID = {
    "layers": 64,
    "groups": [
        {"kind": "linear", "count": 48, "state_values": 1_622_016},
        {"kind": "full", "count": 16, "kv_heads": 4, "head_dim": 256},
    ],
}


def test_a_hybrid_layout_loads_and_round_trips() -> None:
    model = model_from_dict(entry(architecture=HYBRID), "t")
    arch = model.architecture
    assert arch is not None and arch.layout_known
    assert arch.count_of("full") == 16 and arch.count_of("linear") == 48
    # What a full-attention estimate reads: the attention group's heads over every layer.
    assert (arch.layers, arch.kv_heads, arch.head_dim) == (64, 4, 256)
    assert model_to_dict(model)["architecture"] == HYBRID
    assert model_from_dict(model_to_dict(model), "t") == model


def test_an_unknown_layout_says_why_and_offers_no_heads() -> None:
    reason = "config.json not published"
    model = model_from_dict(entry(architecture={"layers": None, "unknown_reason": reason}), "t")
    arch = model.architecture
    assert arch is not None and not arch.layout_known and arch.unknown_reason == reason
    assert arch.kv_heads is None and arch.head_dim is None


def test_a_version_1_file_reads_its_architecture_as_full_attention() -> None:
    doc = document(entry(architecture={"layers": 32, "kv_heads": 8, "head_dim": 128}))
    doc["schema_version"] = 1
    (model,), _ = parse_catalog(doc, "old.json")
    assert (
        model.architecture
        == model_from_dict(entry(architecture=full_attention(32, 8, 128)), "t").architecture
    )
    doc["models"][0]["architecture"]["layers"] = 32.0
    with pytest.raises(CatalogError, match="integer layers, kv_heads and head_dim"):
        parse_catalog(doc, "old.json")


@pytest.mark.parametrize(
    ("architecture", "message"),
    [
        (
            {"layers": 65, "groups": HYBRID["groups"]},
            "group counts sum to 64, not to its 65 layers",
        ),
        (
            {"layers": 2, "groups": [{"kind": "full", "count": 2, "kv_heads": 0, "head_dim": 64}]},
            "kv_heads must be between 1 and",
        ),
        (
            {"layers": 2, "groups": [{"kind": "full", "count": 2, "kv_heads": 8}]},
            "a full group needs head_dim",
        ),
        (
            {
                "layers": 2,
                "groups": [{"kind": "sliding", "count": 2, "kv_heads": 8, "head_dim": 64}],
            },
            "a sliding group needs window_tokens",
        ),
        (
            {
                "layers": 2,
                "groups": [
                    {"kind": "full", "count": 2, "kv_heads": 8, "head_dim": 64, "window_tokens": 9}
                ],
            },
            "a full group has no window_tokens",
        ),
        ({"layers": 2, "groups": [{"kind": "warp", "count": 2}]}, "kind must be one of"),
        ({"layers": 2, "groups": [{"kind": "conv", "count": 2, "size": 3}]}, "unknown field"),
        ({"layers": 10**6, "unknown_reason": "x"}, "layers must be between 1 and 1,000"),
        ({"layers": 2}, "needs 'groups' or an 'unknown_reason'"),
        (
            {"layers": 2, "groups": [{"kind": "ffn", "count": 2}], "unknown_reason": "x"},
            "both 'groups' and an 'unknown_reason'",
        ),
        ({"layers": "2", "unknown_reason": "x"}, "Expected `int | null`, got `str`"),
        ({"layers": 2, "kv_heads": 8, "head_dim": 128}, "unknown field"),
    ],
)
def test_a_bad_layout_names_the_entry_and_what_is_wrong(
    architecture: dict[str, object], message: str
) -> None:
    with pytest.raises(CatalogError, match=r"models\[0\] \(demo-7b\): field 'architecture'") as err:
        parse_catalog(document(entry(architecture=architecture)), "cat.json")
    assert message in str(err.value)
