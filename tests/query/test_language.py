from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelscout.catalog import Model, Openness
from modelscout.errors import QueryError
from modelscout.query import (
    SORT_KEYS,
    Query,
    SortKey,
    parse_query,
    run_query,
)
from modelscout.query.engine import sort_models
from modelscout.query.language import Comparison
from tests.catalog.factory import model

MODELS: list[Model] = [
    model(
        id="qwen-tiny",
        name="Qwen Tiny",
        creator="Alibaba",
        repo_id="Qwen/Tiny",
        total_params_b=2.0,
        active_params_b=2.0,
        context_tokens=262_144,
        reasoning=True,
        intelligence_index=16,
        license="apache-2.0",
        modality="text+image",
    ),
    model(
        id="qwen-moe",
        name="Qwen MoE 30B A3B",
        creator="Alibaba",
        repo_id="Qwen/MoE",
        total_params_b=30.5,
        active_params_b=3.3,
        moe=True,
        context_tokens=131_072,
        intelligence_index=25,
        license="apache-2.0",
    ),
    model(
        id="llama-3b",
        name="Llama 3B",
        creator="Meta",
        repo_id="meta-llama/L3B",
        total_params_b=3.2,
        active_params_b=3.2,
        context_tokens=131_072,
        intelligence_index=None,
        license="llama3.2",
        gated=True,
    ),
    model(
        id="olmo-7b",
        name="Olmo 7B",
        creator="Allen Institute for AI",
        repo_id="allenai/Olmo",
        total_params_b=7.0,
        active_params_b=7.0,
        context_tokens=65_536,
        intelligence_index=13,
        license="apache-2.0",
        training_data_open=True,
    ),
    model(
        id="closed-32b",
        name="Closed 32B",
        creator="Korea Telecom",
        repo_id=None,
        total_params_b=32.0,
        active_params_b=32.0,
        context_tokens=None,
        intelligence_index=23,
        license=None,
        weights_available=False,
        gated=None,
    ),
    model(
        id="mixtral",
        name="Mixtral 8x7B",
        creator="Mistral",
        repo_id="mistralai/Mixtral",
        total_params_b=46.7,
        active_params_b=12.9,
        moe=True,
        context_tokens=32_768,
        intelligence_index=None,
        license="apache-2.0",
        price_usd_per_mtok=0.5,
    ),
    model(
        id="big",
        name="DeepSeek R1",
        creator="DeepSeek",
        repo_id="deepseek-ai/R1",
        total_params_b=671.0,
        active_params_b=37.0,
        moe=True,
        context_tokens=131_072,
        reasoning=True,
        intelligence_index=None,
        license="mit",
    ),
]


def ids(query: str) -> list[str]:
    return [m.id for m in run_query(MODELS, parse_query(query))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["qwen-tiny", "qwen-moe", "llama-3b", "olmo-7b", "closed-32b", "mixtral", "big"]),
        ("tier:tiny", ["qwen-tiny", "llama-3b"]),
        ("tier:medium,large", ["mixtral", "big"]),
        ("open:permissive", ["qwen-tiny", "qwen-moe", "mixtral", "big"]),
        ("open:open-source", ["olmo-7b"]),
        ("open:restricted", ["llama-3b"]),
        ("open:closed", ["closed-32b"]),
        ("license:mit,llama3.2", ["llama-3b", "big"]),
        ("moe", ["qwen-moe", "mixtral", "big"]),
        ("dense", ["qwen-tiny", "llama-3b", "olmo-7b", "closed-32b"]),
        ("moe active<=4", ["qwen-moe"]),
        ("active>=12.9", ["closed-32b", "mixtral", "big"]),
        ("active<3.3", ["qwen-tiny", "llama-3b"]),
        ("total>=7 total<=40", ["qwen-moe", "olmo-7b", "closed-32b"]),
        ("ctx>=128k", ["qwen-tiny", "qwen-moe", "llama-3b", "big"]),
        ("ctx>=200k", ["qwen-tiny"]),
        ("ctx>=1m", []),
        ("reasoning", ["qwen-tiny", "big"]),
        ("reasoning:no tier:tiny", ["llama-3b"]),
        ("modality:image", ["qwen-tiny"]),
        ("vision", ["qwen-tiny"]),
        ("weights:no", ["closed-32b"]),
        ("gated:yes", ["llama-3b"]),
        ("qwen", ["qwen-tiny", "qwen-moe"]),
        ("QWEN moe", ["qwen-moe"]),
        ("alibaba 30b", ["qwen-moe"]),
        ("meta-llama/", ["llama-3b"]),
        ("creator:mistral,meta", ["llama-3b", "mixtral"]),
        ("intelligence>=20", ["qwen-moe", "closed-32b"]),
        ("price<1", ["mixtral"]),
        ("tier:tiny,small moe active<=4 open:permissive ctx>=128k qwen", ["qwen-moe"]),
    ],
)
def test_filters(query: str, expected: list[str]) -> None:
    assert ids(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "sort:-intelligence",
            ["qwen-moe", "closed-32b", "qwen-tiny", "olmo-7b", "llama-3b", "mixtral", "big"],
        ),
        (
            "sort:intelligence",
            ["olmo-7b", "qwen-tiny", "closed-32b", "qwen-moe", "llama-3b", "mixtral", "big"],
        ),
        (
            "sort:total",
            ["qwen-tiny", "llama-3b", "olmo-7b", "qwen-moe", "closed-32b", "mixtral", "big"],
        ),
        (
            "sort:-ctx",
            ["qwen-tiny", "qwen-moe", "llama-3b", "big", "olmo-7b", "mixtral", "closed-32b"],
        ),
        (
            "sort:ctx",  # three at 131,072 keep the catalogue's order
            ["mixtral", "olmo-7b", "qwen-moe", "llama-3b", "big", "qwen-tiny", "closed-32b"],
        ),
        (
            "sort:name",
            ["closed-32b", "big", "llama-3b", "mixtral", "olmo-7b", "qwen-moe", "qwen-tiny"],
        ),
        (
            "sort:tier,-active",
            ["llama-3b", "qwen-tiny", "closed-32b", "olmo-7b", "qwen-moe", "mixtral", "big"],
        ),
        ("tier:tiny sort:-license", ["llama-3b", "qwen-tiny"]),
    ],
)
def test_sorts(query: str, expected: list[str]) -> None:
    assert ids(query) == expected


def test_every_sort_key_runs_and_is_a_permutation() -> None:
    for key in SORT_KEYS:
        for descending in (False, True):
            rows = sort_models(MODELS, [SortKey(key, descending)])
            assert sorted(m.id for m in rows) == sorted(m.id for m in MODELS), key


@pytest.mark.parametrize(
    ("query", "bad_token", "position", "message"),
    [
        ("tier:huge", "tier:huge", 0, "unknown tier 'huge'"),
        ("qwen colour:red", "colour:red", 5, "unknown filter 'colour'"),
        ("active<=four", "active<=four", 0, "'four' is not a parameter count"),
        ("moe sort:-colour", "sort:-colour", 4, "cannot sort by 'colour'"),
        ("open:libre", "open:libre", 0, "unknown openness 'libre'"),
        ("weight>3", "weight>3", 0, "cannot compare 'weight'"),
        ("tier:", "tier:", 0, "nothing after ':'"),
        ("gated:maybe", "gated:maybe", 0, "expected yes or no"),
        ("tier:tiny,,small", "tier:tiny,,small", 0, "empty value"),
    ],
)
def test_bad_tokens_are_pointed_at(query: str, bad_token: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert info.value.token == bad_token
    assert info.value.position == position
    assert message in str(info.value)


def test_fits_needs_hardware() -> None:
    with pytest.raises(QueryError, match="needs hardware"):
        run_query(MODELS, parse_query("fits"))


@pytest.mark.parametrize(
    "text",
    [
        "tier:tiny,small moe active<=4 open:permissive ctx>=128k qwen sort:-intelligence",
        "dense reasoning:no weights:yes gated:no license:mit modality:image total>1.5 sort:name,-ctx",
        "creator:meta intelligence=16 fits",
    ],
)
def test_canonical_text_round_trips(text: str) -> None:
    query = parse_query(text)
    assert parse_query(query.to_text()) == query


def test_query_edits_used_by_the_tui() -> None:
    query = parse_query("active<=4 qwen")
    assert query.comparison("active", "<=") == 4
    widened = query.with_comparison("active", "<=", 8).with_(tiers=frozenset({"small"}))
    assert widened.to_text() == "tier:small active<=8 qwen"
    assert widened.with_comparison("active", "<=", None).to_text() == "tier:small qwen"


# --- properties -------------------------------------------------------------------------------

optional_number = st.none() | st.floats(min_value=0.1, max_value=1000, allow_nan=False)
model_strategy = st.builds(
    lambda i, total, ratio, ctx, intel, moe, reasoning, lic, weights: model(
        id=f"m{i}",
        name=f"Model {i}",
        total_params_b=total,
        active_params_b=max(total * ratio, 0.01) if moe else total,
        moe=moe,
        context_tokens=ctx,
        intelligence_index=intel,
        reasoning=reasoning,
        license=lic,
        weights_available=weights,
    ),
    st.integers(0, 10**6),
    st.floats(min_value=0.05, max_value=800, allow_nan=False),
    st.floats(min_value=0.01, max_value=1.0),
    st.none() | st.integers(1000, 2_000_000),
    st.none() | st.integers(0, 70),
    st.booleans(),
    st.booleans(),
    st.sampled_from([None, "apache-2.0", "mit", "llama3.2", "gemma"]),
    st.booleans(),
)
models_strategy = st.lists(model_strategy, max_size=30, unique_by=lambda m: m.id)
query_strategy = st.builds(
    Query,
    tiers=st.frozensets(st.sampled_from(["tiny", "small", "medium", "large"])),
    openness=st.frozensets(st.sampled_from(list(Openness))),
    moe=st.none() | st.booleans(),
    reasoning=st.none() | st.booleans(),
    comparisons=st.lists(
        st.builds(
            Comparison,
            field=st.sampled_from(["active", "total", "ctx", "intelligence"]),
            op=st.sampled_from(["<=", ">=", "<", ">", "="]),
            value=st.floats(min_value=0, max_value=1e6, allow_nan=False),
        ),
        max_size=3,
    ).map(tuple),
)

ATTRIBUTE = {
    "active": "active_params_b",
    "total": "total_params_b",
    "ctx": "context_tokens",
    "intelligence": "intelligence_index",
}
OPS = {
    "<=": float.__le__,
    ">=": float.__ge__,
    "<": float.__lt__,
    ">": float.__gt__,
    "=": float.__eq__,
}


def satisfies(m: Model, q: Query) -> bool:
    if q.tiers and m.tier not in q.tiers:
        return False
    if q.openness and m.openness not in q.openness:
        return False
    if q.moe is not None and m.moe != q.moe:
        return False
    if q.reasoning is not None and m.reasoning != q.reasoning:
        return False
    for c in q.comparisons:
        value = getattr(m, ATTRIBUTE[c.field])
        if value is None or not OPS[c.op](float(value), float(c.value)):
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(models_strategy, query_strategy)
def test_filter_keeps_exactly_the_rows_that_satisfy_the_query(
    models: list[Model], query: Query
) -> None:
    kept = run_query(models, query)
    assert all(satisfies(m, query) for m in kept)
    assert [m.id for m in kept] == [m.id for m in models if satisfies(m, query)]


@settings(max_examples=150, deadline=None)
@given(models_strategy, st.sampled_from(list(SORT_KEYS)), st.booleans())
def test_sort_is_an_ordered_permutation_with_unknowns_last(
    models: list[Model], key: str, descending: bool
) -> None:
    rows = sort_models(models, [SortKey(key, descending)])
    assert sorted(m.id for m in rows) == sorted(m.id for m in models)
    values = [SORT_KEYS[key](m) for m in rows]
    known = [v for v in values if v is not None]
    assert values[: len(known)] == known, "unknown values must come last"
    assert known == sorted(known, reverse=descending)
    # ties keep catalogue order
    position = {m.id: i for i, m in enumerate(models)}
    for a, b in zip(rows, rows[1:], strict=False):
        if SORT_KEYS[key](a) == SORT_KEYS[key](b):
            assert position[a.id] < position[b.id]


def test_tps_compares_the_local_estimate_and_reads_back() -> None:
    query = parse_query("tps>20 moe sort:-ctxfit")
    assert [c.text() for c in query.fit_comparisons] == ["tps>20"]
    assert query.comparisons == () and query.needs_fit
    assert parse_query(query.to_text()) == query
    assert [s.key for s in query.sort] == ["ctxfit"]
