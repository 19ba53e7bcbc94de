"""The query columns: sort orders as the reference's stable sorts leave them, the columns file read
back equal (and ignored when damaged or made under another key), fits computed without caches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelscout.catalog.decoded import DecodedCopy
from modelscout.catalog.model import Model
from modelscout.fit.context import FitContext
from modelscout.query import (
    columns,
    hardware_columns,
    parse_query,
    run_query,
    run_query_per_call,
    sort_orders,
)
from modelscout.query.columns import build_columns, order_name
from modelscout.query.columns_file import file_key, read_columns, write_columns
from modelscout.query.index import QueryIndex
from modelscout.query.sort_orders import ascending_order, descending, numeric_rank
from tests.fit.test_estimate import machine
from tests.query.test_index import CATALOG

QUERIES = [
    "qw sort:-downloads",
    "tier:small,tiny creator:qwen sort:name,-total",
    "modality:image open:permissive sort:license",
    "moe gated:no active<=4 sort:-release",
    "",
]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.none() | st.integers(0, 5), max_size=40))
def test_descending_order_keeps_ties_in_catalogue_order_and_unknowns_last(
    values: list[int | None],
) -> None:
    ranks, unknown = numeric_rank(np.array(values, dtype=np.float64))
    order = ascending_order(ranks, unknown)
    ranks_down, order_down = descending(ranks, order, unknown)
    known = sorted((i for i, v in enumerate(values) if v is not None), key=lambda i: -values[i])  # type: ignore[operator]
    unknowns = [i for i, v in enumerate(values) if v is None]
    assert order_down.tolist() == known + unknowns
    assert np.argsort(ranks_down, kind="stable").tolist() == known + unknowns


@settings(max_examples=60, deadline=None)
@given(st.lists(st.none() | st.text(max_size=6), max_size=30))
def test_many_strings_rank_by_their_bytes_as_python_orders_them(values: list[str | None]) -> None:
    distinct = sorted({v for v in values if v is not None})
    expected = [len(distinct) if v is None else distinct.index(v) for v in values]
    found = sort_orders._bytes_rank(values)
    if found is not None:  # None: a NUL or a lone surrogate, left to Python's sort
        assert found[0].tolist() == expected and found[1] == len(distinct)
    assert sort_orders.dense_rank(values)[0].tolist() == expected


class _Stored(tuple[Model, ...]):
    """A catalogue with a decoded copy, as `StoredModels` is: where its columns file goes."""

    copy: DecodedCopy


def _stored(models: tuple[Model, ...], stem: Path, key: str = "k1") -> _Stored:
    stored = _Stored(models)
    stored.copy = DecodedCopy(stem, key)
    return stored


def test_columns_read_back_from_their_file_answer_as_the_reference(tmp_path: Path) -> None:
    models = _stored(CATALOG, tmp_path / "copy")
    index = QueryIndex(models, small=0)
    index.warm()
    path = tmp_path / "copy.columns"
    assert path.exists()
    read = read_columns(path, file_key("k1"), len(CATALOG))
    assert read is not None
    built = build_columns(CATALOG)
    assert set(read.arrays) == set(built.arrays)
    for name, array in built.arrays.items():
        assert np.array_equal(read.arrays[name], array, equal_nan=True), name
        assert not read.arrays[name].flags.writeable
    assert read.vocabularies == built.vocabularies
    again = QueryIndex(models, small=0)  # a later run: from the file
    for text in QUERIES:
        query = parse_query(text)
        assert again.run(query) == run_query_per_call(CATALOG, query), text


def test_a_damaged_or_foreign_columns_file_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "copy.columns"
    key = file_key("k1")
    write_columns(path, key, build_columns(CATALOG))
    whole = path.read_bytes()
    assert read_columns(path, key, len(CATALOG)) is not None
    assert read_columns(path, key, len(CATALOG) + 1) is None  # another catalogue's
    for damaged in (whole[: len(whole) // 2], b"", b"not columns" + whole[11:], whole[:200]):
        path.write_bytes(damaged)
        assert read_columns(path, key, len(CATALOG)) is None
    models = _stored(CATALOG, tmp_path / "copy")
    query = parse_query("tier:small qw sort:-downloads")
    assert QueryIndex(models, small=0).run(query) == run_query_per_call(CATALOG, query)
    assert read_columns(path, key, len(CATALOG)) is not None  # rewritten whole


def test_a_new_key_rebuilds_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "copy.columns"
    QueryIndex(_stored(CATALOG, tmp_path / "copy", "k1"), small=0).warm()
    assert read_columns(path, file_key("k1"), len(CATALOG)) is not None
    reversed_models = _stored(CATALOG[::-1], tmp_path / "copy", "k2")  # the source file changed
    index = QueryIndex(reversed_models, small=0)
    query = parse_query("sort:name")
    assert index.run(query) == run_query_per_call(reversed_models, query)
    assert read_columns(path, file_key("k1"), len(CATALOG)) is None
    read = read_columns(path, file_key("k2"), len(CATALOG))
    assert read is not None
    assert read.arrays[order_name("name", False)].tolist() != list(range(len(CATALOG)))


def test_the_fit_answers_a_whole_catalogue_without_growing_its_caches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fit = FitContext(machine(vram_gib=24))
    for m in CATALOG[:200]:
        answers = fit.uncached_answers(m), fit.uncached_ctx_fit(m)
        assert not fit._headline and not fit._ctx and not fit._cache
        assert answers == ((fit.fits(m), fit.est_tps(m), fit.fit_rank(m)), fit.ctx_fit(m))
        fit = FitContext(fit.hardware)
    query = parse_query("fits tps>5 sort:best,-ctxfit")
    expected = run_query_per_call(CATALOG, query, FitContext(fit.hardware))
    monkeypatch.setattr(hardware_columns, "CACHED_FIT_MAX", len(CATALOG) - 1)  # "a large one"
    assert QueryIndex(CATALOG, small=0).run(query, fit) == expected
    assert not fit._headline and not fit._ctx and not fit._cache
    monkeypatch.setattr(hardware_columns, "CACHED_FIT_MAX", len(CATALOG))  # a small one:
    assert QueryIndex(CATALOG, small=0).run(query, fit) == expected
    assert len(fit._headline) == len(CATALOG)  # kept, for the rows written next


def test_a_small_catalogue_is_answered_without_importing_numpy() -> None:
    code = (
        "import sys\n"
        "from bench.gen_catalog import catalog_document\n"
        "from modelscout.catalog import parse_catalog\n"
        "from modelscout.query import parse_query, run_query, warm\n"
        "models = parse_catalog(catalog_document(2_000, seed=3), 'gen')[0]\n"
        "warm(models)\n"
        "assert len(run_query(models, parse_query('qw sort:name'))) > 0\n"
        "assert 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_the_run_that_writes_the_decoded_copy_writes_the_columns_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.gen_catalog import catalog_document
    from modelscout.catalog import decoded

    monkeypatch.setattr(decoded, "_SETTLE_S", -1.0)  # the file counts as settled at once
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog_document(2_100, seed=2)))
    query = parse_query("qw sort:-downloads")
    first = decoded.load_decoded(path, "file", tmp_path / "copies").models
    expected = run_query_per_call(list(first), query)
    assert run_query(first, query) == expected
    copy = first.copy  # type: ignore[attr-defined]
    assert read_columns(copy.stem.with_suffix(".columns"), file_key(copy.key), 2_100) is not None
    again = decoded.load_decoded(path, "file", tmp_path / "copies").models
    monkeypatch.setattr(columns, "build_columns", lambda models: pytest.fail("built again"))
    assert run_query(again, query) == expected
