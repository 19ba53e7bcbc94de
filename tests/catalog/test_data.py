"""The bundled catalogue against its sources: every table row present, with the table's numbers."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from modelscout.catalog.audit import catalogue_problems
from modelscout.catalog.location import bundled_catalog_path, resolve_catalog
from modelscout.catalog.model import LayerGroup
from modelscout.catalog.seedtable import TableRow, read_table, slug

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
TINY = read_table(SEEDS / "000_22b534812c0c48a7.txt")
SMALL = read_table(SEEDS / "001_c06a5ca59f3b9756.txt")
CATALOG = {m.id: m for m in resolve_catalog(bundled_catalog_path()).models}
ARTICLES = ("002_7ba976152e2fbaa0.txt", "003_30e4e4a7b4d0b611.txt", "004_7214085e9e152b3e.txt")


def test_the_two_tables_hold_81_rows() -> None:
    assert (len(TINY), len(SMALL)) == (22, 59)


def close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


# Where a model's own config departs from what its table row prints, not by rounding: Nemotron 3
# Nano's 1M is an extended mode (config 262,144), Ling-mini-2.0's native limit is 32,768, and
# DeepSeek-R1-0528-Qwen3-8B's config allows 131,072.
CONTEXT_CORRECTIONS = {
    "nvidia-nemotron-3-nano-30b-a3b-reasoning": 262144,
    "nvidia-nemotron-3-nano-30b-a3b-non-reasoning": 262144,
    "ling-mini-2.0": 32768,
    "deepseek-r1-0528-qwen3-8b": 131072,
}
# Rows whose limit no config or card read here states: a dash rather than the table's "128k".
CONTEXT_UNKNOWN = {
    "apriel-v1.6-15b-thinker",
    "reka-flash-3",
    "tri-21b-think-preview",
    "midm-k-2.5-pro",
}


@pytest.mark.parametrize("row", TINY + SMALL, ids=lambda r: r.label)
def test_every_table_row_is_in_the_catalogue_with_its_numbers(row: TableRow) -> None:
    model = CATALOG[slug(row.name)]
    table_sources = [s for s in model.sources if s.kind == "table"]
    assert [(s.ref, s.detail) for s in table_sources] == [(row.seed, row.label)]
    # The table's own figures stay in its source, whatever the entry shows.
    says = table_sources[0].says
    assert says["total_params_b"] == row.total_params_b
    assert says["context_tokens"] == row.context_tokens
    assert model.intelligence_index == row.intelligence_index
    assert model.weights_available == row.weights_available or model.notes
    # The exact count replaces the table's rounded one; it never moves far from it (Qwen3-Omni
    # Thinking, the thinker without the talker, is 10 % below the table's figure for both).
    if model.id == "ministral-3-3b":  # the table counts the language model only
        assert model.total_params_b == 3.8  # the card: 3.4B language model + 0.4B vision encoder
    else:
        assert close(model.total_params_b, row.total_params_b, 0.11), model.total_params_b
    if model.id in CONTEXT_CORRECTIONS:
        assert model.context_tokens == CONTEXT_CORRECTIONS[model.id]
    elif model.id in CONTEXT_UNKNOWN:
        assert model.context_tokens is None
    else:
        # "262k" is 262,144 and "256k" 262,144 too: the integer limit, within 3 % of the print.
        assert model.context_tokens is not None
        assert close(model.context_tokens, row.context_tokens, 0.03), model.context_tokens
    assert model.tier == ("tiny" if row.seed.startswith("000") else "small")


def test_the_bundled_catalogue_keeps_every_curation_rule() -> None:
    # Twins agree, contexts are integer limits, layouts are given or marked unknown, and every
    # number shown is one a source states.
    assert catalogue_problems(CATALOG.values()) == []


@pytest.mark.parametrize(
    ("model_id", "total_b"),
    [
        # Hub safetensors totals, where names and headlines said 27, 35, 30, 4, 9 and 0.6.
        ("qwen3.5-27b-reasoning", 27.781427952),
        ("qwen3.5-35b-a3b-reasoning", 35.951822704),
        ("glm-4.7-flash-reasoning", 31.221488576),
        ("qwen3.5-4b", 4.659865088),
        ("qwen3.5-9b", 9.653104368),
        ("qwen3-0.6b", 0.751632384),
        # gpt-oss's card: the Hub's 21.5B counts packed MXFP4 storage.
        ("gpt-oss-20b-high", 20.91),
    ],
)
def test_exact_parameter_counts_replace_nominal_ones(model_id: str, total_b: float) -> None:
    assert CATALOG[model_id].total_params_b == total_b


def test_twin_rows_share_one_checkpoint_and_distinct_checkpoints_do_not() -> None:
    reasoning = CATALOG["nvidia-nemotron-3-nano-30b-a3b-reasoning"]
    plain = CATALOG["nvidia-nemotron-3-nano-30b-a3b-non-reasoning"]
    assert (reasoning.total_params_b, reasoning.active_params_b) == (31.577937344, 3.6)
    assert (plain.total_params_b, plain.active_params_b) == (31.577937344, 3.6)
    assert (
        CATALOG["qwen3-vl-8b-reasoning"].architecture
        == CATALOG["qwen3-vl-8b-instruct"].architecture
    )
    assert CATALOG["qwen3-30b-a3b-2507-reasoning"].context_tokens == 262144
    # Qwen3-Omni: the Thinking checkpoint has no talker, so it is smaller than Instruct.
    thinking = CATALOG["qwen3-omni-30b-a3b-reasoning"].total_params_b
    assert thinking < CATALOG["qwen3-omni-30b-a3b-instruct"].total_params_b


def test_contexts_the_issue_found_wrong_are_the_configs_limits() -> None:
    assert CATALOG["phi-4"].context_tokens == 16384
    assert (
        CATALOG["gemma-3-12b-instruct"].context_tokens
        == CATALOG["gemma-3-4b-instruct"].context_tokens
        == 131072
    )


def groups(model_id: str) -> dict[str, LayerGroup]:
    arch = CATALOG[model_id].architecture
    assert arch is not None and arch.layout_known, model_id
    return {g.kind: g for g in arch.groups}


def test_layouts_follow_the_configs_of_each_family() -> None:
    gemma = groups("gemma-3-27b-instruct")  # 5 local layers per global, window 1,024
    assert (gemma["sliding"].count, gemma["full"].count, gemma["sliding"].window_tokens) == (
        52,
        10,
        1024,
    )
    oss = groups("gpt-oss-120b")  # alternating, window 128
    assert (oss["sliding"].count, oss["full"].count, oss["sliding"].window_tokens) == (18, 18, 128)
    qwen = groups("qwen3.5-27b-reasoning")  # Gated DeltaNet, one full-attention layer in four
    assert (qwen["linear"].count, qwen["full"].count) == (48, 16)
    olmo = groups("olmo-3-7b-think")  # three sliding per full
    assert (olmo["sliding"].count, olmo["full"].count) == (24, 8)
    nano = groups("nvidia-nemotron-3-nano-30b-a3b-reasoning")  # Mamba-2 with 6 attention layers
    assert (nano["full"].count, nano["recurrent"].count, nano["ffn"].count) == (6, 23, 23)
    assert groups("lfm2-2.6b")["conv"].count == 22
    mla = groups("deepseek-v3.2")["latent"]
    assert (mla.count, mla.kv_lora_rank, mla.rope_head_dim) == (61, 512, 64)


def test_every_model_with_weights_has_a_layout_or_says_why_not() -> None:
    for model in CATALOG.values():
        if model.weights_available:
            arch = model.architecture
            assert arch is not None and (arch.layout_known or arch.unknown_reason), model.id


def test_models_beyond_the_seeds_fill_every_tier() -> None:
    added = [
        m for m in CATALOG.values() if all(s.kind not in ("table", "article") for s in m.sources)
    ]
    tiers = Counter(m.tier for m in added)
    assert len(added) >= 40
    assert min(tiers[t] for t in ("tiny", "small", "medium", "large")) >= 8, tiers
    for model in added:
        assert model.repo_id and model.weights_available, model.id
        assert model.intelligence_index is None, model.id  # no score without a source
        # Its size is stated by the Hub, a config, its card or an engine's recipe: never a table.
        stated = [s for s in model.sources if s.says.get("total_params_b") == model.total_params_b]
        assert stated and all(s.kind != "table" for s in stated), model.id


def test_a_model_the_articles_name_but_that_does_not_exist_is_no_row() -> None:
    assert not any("gemma-2-7b" in m.id for m in CATALOG.values())


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
            elif source.kind == "config":
                assert source.ref.startswith("https://huggingface.co/"), (model.id, source.ref)
                assert source.ref.endswith("/config.json"), (model.id, source.ref)
            elif source.kind == "recipe":
                assert source.ref.startswith("https://github.com/vllm-project/recipes/blob/")
            else:
                assert source.kind in ("model_card", "hub"), (model.id, source.kind)
                assert source.ref.startswith("https://"), (model.id, source.ref)


def test_article_models_are_present() -> None:
    article_ids = {m.id for m in CATALOG.values() if not any(s.kind == "table" for s in m.sources)}
    names = " ".join(CATALOG[i].name.lower() for i in article_ids)
    for expected in ("qwen3.5-4b", "smollm3", "phi-2", "tinyllama", "mixtral", "qwen3-0.6b"):
        assert expected in names.replace(" ", "-"), expected


def test_catalogue_file_has_no_derived_fields() -> None:
    raw = json.loads(bundled_catalog_path().read_text())
    assert all("tier" not in e and "openness" not in e for e in raw["models"])


def test_notes_speak_to_the_user_not_of_the_curation() -> None:
    # Provenance (which page was read, which file a fact came from) lives in `sources`.
    curation = re.compile(
        r"\b(I|me|my)\b|\.json|\.txt|(?<![\d,])00[0-4]\b|\bverify\b|\bnot seen\b|\bconsulted\b|\bcurat"
    )
    for model in CATALOG.values():
        if model.notes:
            assert not curation.search(model.notes), (model.id, model.notes)


def test_the_official_gguf_repos_are_offered() -> None:
    assert (
        CATALOG["apriel-v1.6-15b-thinker"].gguf_repo_id
        == "ServiceNow-AI/Apriel-1.6-15b-Thinker-GGUF"
    )
    assert CATALOG["gpt-oss-120b"].gguf_repo_id == "ggml-org/gpt-oss-120b-GGUF"
