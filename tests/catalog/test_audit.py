"""The curation rules, on small hand-made catalogues where each rule must bite or stay quiet."""

from __future__ import annotations

from typing import Any

import pytest

from modelscout.catalog.audit import (
    binary_limit_rounded_to,
    missing_layouts,
    rounded_contexts,
    twin_disagreements,
    unsourced_numbers,
)
from modelscout.catalog.model import Model
from tests.catalog.factory import full_attention, model

TABLE = {"kind": "table", "ref": "001_c06a5ca59f3b9756.txt"}


def sourced(**fields: Any) -> Model:
    """A model whose table source states its numbers, as a built entry's does."""
    says = {k: v for k, v in fields.items() if k in ("total_params_b", "context_tokens")}
    says.setdefault("total_params_b", 7.0)
    says.setdefault("context_tokens", 32768)
    says["intelligence_index"] = 10
    return model(sources=[{**TABLE, "says": says}], **fields)


def test_twins_that_differ_in_a_physical_fact_are_named() -> None:
    a = model(id="a-reasoning", repo_id="org/A", context_tokens=262144)
    b = model(id="a-instruct", repo_id="org/A", context_tokens=262000)
    c = model(id="other", repo_id="org/B", context_tokens=4096)
    (problem,) = twin_disagreements([a, b, c])
    assert "a-reasoning and a-instruct share org/A but differ in context_tokens" in problem
    assert twin_disagreements([a, model(id="a-low", repo_id="org/A", context_tokens=262144)]) == []


@pytest.mark.parametrize(
    ("tokens", "limit"),
    [
        (262000, 262144),  # "262k"
        (128000, 131072),  # "128k" read in decimal thousands
        (256000, 262144),
        (1000000, 1048576),  # "1M"
        (65500, 65536),  # three significant digits
        (32800, 32768),
        (36900, 36864),
        (4100, 4096),
        (200000, 196608),  # or GLM's 202,752: the purest power of two is named
    ],
)
def test_decimal_readings_of_binary_limits_are_recognised(tokens: int, limit: int) -> None:
    assert binary_limit_rounded_to(tokens) == limit


@pytest.mark.parametrize("tokens", [262144, 131072, 40960, 202752, 163840, 2048, 1234567])
def test_exact_limits_are_not_mistaken_for_roundings(tokens: int) -> None:
    assert binary_limit_rounded_to(tokens) is None


def test_a_rounded_context_passes_only_when_a_config_or_card_states_it() -> None:
    table_only = sourced(context_tokens=128000)
    assert "128,000 looks like 131,072 rounded" in rounded_contexts([table_only])[0]
    config = {"kind": "config", "ref": "https://huggingface.co/o/r/blob/main/config.json"}
    stated = model(
        context_tokens=128000, sources=[TABLE, {**config, "says": {"context_tokens": 128000}}]
    )
    assert rounded_contexts([stated]) == []
    assert rounded_contexts([sourced(context_tokens=131072)]) == []


def test_weights_without_a_layout_are_named_and_an_unknown_layout_is_accepted() -> None:
    bare = model(id="bare", architecture=None)
    unknown = model(id="told", architecture={"layers": None, "unknown_reason": "not published"})
    closed = model(id="closed", weights_available=False, architecture=None)
    assert missing_layouts([bare, unknown, closed]) == [
        "bare: weights available but no architecture (give its layout or an unknown_reason)"
    ]


def test_a_number_no_source_states_is_named() -> None:
    assert unsourced_numbers([sourced(total_params_b=7.0, active_params_b=7.0)]) == []
    table = {**TABLE, "says": {"total_params_b": 7.0, "context_tokens": 32768}}
    (problem,) = unsourced_numbers(
        [model(total_params_b=7.24, active_params_b=7.24, intelligence_index=None, sources=[table])]
    )
    assert problem == "demo-7b: total_params_b 7.24 is stated by no source"
    moe = sourced(total_params_b=7.0, active_params_b=1.5, moe=True)
    assert unsourced_numbers([moe]) == ["demo-7b: active_params_b 1.5 is stated by no source"]


def test_a_layout_must_cite_a_config_with_its_layer_count() -> None:
    layout = full_attention(32, 8, 128)
    uncited = sourced(architecture=layout)
    assert unsourced_numbers([uncited]) == ["demo-7b: its 32-layer layout cites no config"]
    config = {"kind": "config", "ref": "https://huggingface.co/o/r/blob/main/config.json"}
    cited = model(
        architecture=layout,
        sources=[
            {**TABLE, "says": {"total_params_b": 7.0, "context_tokens": 32768}},
            {**config, "says": {"layers": 32, "intelligence_index": 10}},
        ],
    )
    assert unsourced_numbers([cited]) == []
