"""The query index must return exactly what the per-call engine returns, whatever came before.

Every test runs against the columns (forced on for these few hundred models) and against the
small catalogues' path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.gen_catalog import catalog_document
from modelscout.catalog import Model, Openness, parse_catalog
from modelscout.errors import QueryError
from modelscout.query import (
    SORT_KEYS,
    Query,
    SortKey,
    parse_query,
    run_query,
    run_query_per_call,
)
from modelscout.query.index import QueryIndex, index_for
from modelscout.query.language import Comparison

CATALOG: tuple[Model, ...] = parse_catalog(catalog_document(600, seed=7), "gen")[0]
# Up to how many models the reference engine answers: 0 forces the columns.
ENGINES = pytest.mark.parametrize("small", [0, 10_000], ids=["columns", "reference"])

words = st.lists(
    st.sampled_from(["q", "qw", "qwen", "instruct", "in", "gguf", "llama", "7b", "mi", "-a", "x"]),
    max_size=2,
).map(tuple)
sort_keys = st.lists(
    st.builds(SortKey, key=st.sampled_from(list(SORT_KEYS)), descending=st.booleans()),
    max_size=2,
).map(tuple)
queries = st.builds(
    Query,
    tiers=st.frozensets(st.sampled_from(["tiny", "small", "medium", "large"]), max_size=2),
    openness=st.frozensets(st.sampled_from(list(Openness)), max_size=2),
    licenses=st.frozensets(st.sampled_from(["apache-2.0", "mit", "gemma"]), max_size=2),
    creators=st.frozensets(st.sampled_from(["qwen", "meta", "bartowski", "a"]), max_size=2),
    modalities=st.frozensets(st.sampled_from(["image", "audio"]), max_size=1),
    moe=st.none() | st.booleans(),
    reasoning=st.none() | st.booleans(),
    gated=st.none() | st.booleans(),
    weights=st.none() | st.booleans(),
    comparisons=st.lists(
        st.builds(
            Comparison,
            field=st.sampled_from(["active", "total", "ctx", "intelligence", "downloads"]),
            op=st.sampled_from(["<=", ">=", "<", ">", "="]),
            value=st.sampled_from([0.0, 1.0, 4.0, 7.0, 32768.0, 131072.0, 40.0, 100.0]),
        ),
        max_size=2,
    ).map(tuple),
    words=words,
    sort=sort_keys,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(queries, min_size=1, max_size=8))
def test_index_matches_the_per_call_engine_over_a_session(session: list[Query]) -> None:
    index = QueryIndex(CATALOG, small=0)
    for query in session:
        assert index.run(query) == run_query_per_call(CATALOG, query), query.to_text()


@ENGINES
def test_typing_a_word_and_deleting_it_gives_the_same_rows_each_step(small: int) -> None:
    index = QueryIndex(CATALOG, small)
    texts = ["i", "in", "ins", "inst", "instr", "inst", "in", "", "tier:small", "tier:small q"]
    texts += ["tier:small qw", "tier:small,tiny qw", "qw sort:-downloads", "qwe sort:name,-total"]
    for text in texts:
        query = parse_query(text)
        assert index.run(query) == run_query_per_call(CATALOG, query), text


def test_run_query_uses_one_index_per_catalogue_and_agrees_with_the_reference() -> None:
    query = parse_query("tier:small instruct sort:-downloads")
    assert index_for(CATALOG) is index_for(CATALOG)
    assert run_query(CATALOG, query) == run_query_per_call(list(CATALOG), query)


@ENGINES
def test_positions_of_a_full_sort_are_a_permutation(small: int) -> None:
    positions = QueryIndex(CATALOG, small).positions(parse_query("sort:-intelligence"))
    assert sorted(positions) == list(range(len(CATALOG)))


class _NoFit:
    def fits(self, model: Model) -> bool:
        return model.total_params_b < 8

    def est_tps(self, model: Model) -> float | None:
        return None if model.moe else 100 / model.active_params_b

    def fit_rank(self, model: Model) -> int | None:
        return int(model.total_params_b) % 3

    def ctx_fit(self, model: Model) -> int | None:
        return None if model.context_tokens is None else model.context_tokens // 2


@ENGINES
@pytest.mark.parametrize(
    "text", ["fits", "fits sort:tps", "sort:-best,name", "qw sort:fit,-tps", "sort:-ctxfit"]
)
def test_hardware_queries_match(text: str, small: int) -> None:
    query = parse_query(text)
    fit = _NoFit()
    assert QueryIndex(CATALOG, small).run(query, fit) == run_query_per_call(CATALOG, query, fit)


class _OtherFit(_NoFit):
    """A second machine: other verdicts, so a result cached for the first would show."""

    def fits(self, model: Model) -> bool:
        return model.active_params_b < 4

    def est_tps(self, model: Model) -> float | None:
        return 50 / model.total_params_b

    def fit_rank(self, model: Model) -> int | None:
        return None if model.moe else int(model.active_params_b) % 4

    def ctx_fit(self, model: Model) -> int | None:
        return int(model.total_params_b * 1000)


hardware_sorts = st.lists(
    st.builds(
        SortKey,
        key=st.sampled_from([*SORT_KEYS, "best", "fit", "tps", "ctxfit"]),
        descending=st.booleans(),
    ),
    max_size=2,
).map(tuple)


# `tps>N`: comparisons on the fit's local estimate, which a cached result must not outlive.
tps_bounds = st.lists(
    st.builds(
        Comparison,
        field=st.just("tps"),
        op=st.sampled_from(["<=", ">=", "<", ">"]),
        value=st.sampled_from([1.0, 10.0, 20.0, 50.0]),
    ),
    max_size=1,
).map(tuple)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(queries, st.booleans(), hardware_sorts, st.sampled_from([0, 1]), tps_bounds),
        min_size=1,
        max_size=8,
    )
)
def test_hardware_queries_match_over_a_session_with_two_machines(
    session: list[tuple[Query, bool, tuple[SortKey, ...], int, tuple[Comparison, ...]]],
) -> None:
    machines = (_NoFit(), _OtherFit())
    index = QueryIndex(CATALOG, small=0)
    for base, fits, sort, machine, tps in session:
        query = base.with_(fits=fits, sort=sort, fit_comparisons=tps)
        fit = machines[machine]
        assert index.run(query, fit) == run_query_per_call(CATALOG, query, fit), query.to_text()


def test_hardware_queries_are_answered_at_once_after_warming_for_that_fit() -> None:
    models = CATALOG
    index = QueryIndex(models, small=0)
    fit, other = _NoFit(), _OtherFit()
    query = parse_query("fits sort:best")
    assert not index.answers_at_once(parse_query("qw"))  # the columns are not built yet
    index.warm()
    assert index.answers_at_once(parse_query("qw sort:-release tier:small"))
    assert not index.answers_at_once(query, fit)
    index.warm([SortKey("best", False)], fit)
    assert index.answers_at_once(query, fit)
    assert index.answers_at_once(parse_query("fits sort:-best"), fit)  # '-best' is 'best'
    assert not index.answers_at_once(query, other)
    assert not index.answers_at_once(parse_query("fits sort:tps"), fit)
    assert index.run(query, fit) == run_query_per_call(models, query, fit)


@ENGINES
def test_hardware_queries_without_a_fit_raise_the_same_error(small: int) -> None:
    for text in ("fits", "sort:tps", "tps>20", "sort:ctxfit"):
        with pytest.raises(QueryError):
            QueryIndex(CATALOG, small).run(parse_query(text))


@ENGINES
def test_rows_view_reads_like_the_list(small: int) -> None:
    index = QueryIndex(CATALOG, small)
    query = parse_query("tier:small qw sort:-downloads")
    listed = index.run(query)
    view = index.rows(query)
    assert len(view) == len(listed) > 2
    assert list(view) == listed and view == listed
    assert view[0] is listed[0] and view[-1] is listed[-1]
    assert view[1:3] == listed[1:3]


def test_a_large_catalogue_is_answered_by_columns_and_a_small_one_without_numpy() -> None:
    assert QueryIndex(CATALOG, small=0)._large() is not None
    assert QueryIndex(CATALOG)._large() is None  # 600 models: the reference engine
