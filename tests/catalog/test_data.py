"""The bundled catalogue against its sources: every table row present, with the table's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelscout.catalog import Model
from modelscout.catalog.location import bundled_catalog_path, resolve_catalog
from modelscout.catalog.seedtable import TableRow, read_table, slug

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
TINY = read_table(SEEDS / "000_22b534812c0c48a7.txt")
SMALL = read_table(SEEDS / "001_c06a5ca59f3b9756.txt")
CATALOG = {m.id: m for m in resolve_catalog(bundled_catalog_path()).models}
ARTICLES = ("002_7ba976152e2fbaa0.txt", "003_30e4e4a7b4d0b611.txt", "004_7214085e9e152b3e.txt")


def test_the_two_tables_hold_81_rows() -> None:
    assert (len(TINY), len(SMALL)) == (22, 59)


def card_says(model: Model, key: str) -> object:
    for source in model.sources:
        if source.kind == "model_card" and key in source.says:
            return source.says[key]
    return None


def close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


@pytest.mark.parametrize("row", TINY + SMALL, ids=lambda r: r.label)
def test_every_table_row_is_in_the_catalogue_with_its_numbers(row: TableRow) -> None:
    model = CATALOG[slug(row.name)]
    table_sources = [s for s in model.sources if s.kind == "table"]
    assert [(s.ref, s.detail) for s in table_sources] == [(row.seed, row.label)]
    assert model.intelligence_index == row.intelligence_index
    assert model.weights_available == row.weights_available or model.notes
    # Where the official model card states another number, the card wins and notes explain.
    for key, table_value in (
        ("total_params_b", row.total_params_b),
        ("active_params_b", row.active_params_b),
    ):
        if table_value is None:
            continue
        if key == "active_params_b" and not model.moe and table_value < model.total_params_b:
            # A smaller "active" figure on a dense model (Gemma 3n's per-layer embeddings) is
            # recorded in its table source and explained, not taken as experts.
            assert model.active_params_b == model.total_params_b and model.notes
            continue
        card = card_says(model, key)
        if card is not None and not close(float(card), table_value, 0.05):
            assert getattr(model, key) == card and model.notes
        else:
            assert close(getattr(model, key), table_value, 0.05), key
    # The tables print context in three significant digits ("262k" for 262,144).
    # Some rows print binary thousands ("256k" for 262,144); the model card's exact figure wins.
    assert model.context_tokens is not None
    card_context = card_says(model, "context_tokens")
    if card_context is not None and not close(float(card_context), row.context_tokens, 0.01):
        assert model.context_tokens == card_context
    else:
        assert close(model.context_tokens, row.context_tokens, 0.01)
    assert model.tier == ("tiny" if row.seed.startswith("000") else "small")


def test_dense_models_have_active_equal_to_total() -> None:
    for model in CATALOG.values():
        if not model.moe:
            assert model.active_params_b == model.total_params_b, model.id
        else:
            assert model.active_params_b < model.total_params_b, model.id


def test_twin_rows_share_one_repo() -> None:
    assert CATALOG["qwen3.5-2b-reasoning"].repo_id == CATALOG["qwen3.5-2b-non-reasoning"].repo_id
    assert CATALOG["gpt-oss-20b-high"].repo_id == CATALOG["gpt-oss-20b-low"].repo_id


def test_every_source_reference_exists() -> None:
    seeds = {p.name for p in SEEDS.iterdir()} | set(ARTICLES)
    for model in CATALOG.values():
        assert model.sources, model.id
        for source in model.sources:
            if source.kind in ("table", "article"):
                assert source.ref in seeds, (model.id, source.ref)
            elif source.kind == "model_card":
                assert source.ref.startswith("https://huggingface.co/"), (model.id, source.ref)


def test_article_models_are_present() -> None:
    article_ids = {m.id for m in CATALOG.values() if not any(s.kind == "table" for s in m.sources)}
    names = " ".join(CATALOG[i].name.lower() for i in article_ids)
    for expected in ("qwen3.5-4b", "smollm3", "phi-2", "tinyllama", "mixtral", "qwen3-0.6b"):
        assert expected in names.replace(" ", "-"), expected


def test_catalogue_file_has_no_derived_fields() -> None:
    raw = json.loads(bundled_catalog_path().read_text())
    assert all("tier" not in e and "openness" not in e for e in raw["models"])
