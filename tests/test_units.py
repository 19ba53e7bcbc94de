"""One rule for quantities: what is written reads back as the same number, everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelscout import units
from modelscout.query import parse_query


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("8192", 8192),
        ("32k", 32_768),
        ("32K", 32_768),
        ("128k", 131_072),
        ("1M", 1_048_576),
        ("1.5k", 1536),
        (" 4096 ", 4096),
    ],
)
def test_tokens_are_binary_thousands(text: str, tokens: int) -> None:
    assert units.parse_tokens(text) == tokens


@pytest.mark.parametrize(
    "text", ["", "lots", "0", "-1", "0.3", "1e400", "9" * 400, "32q", "1.0001k"]
)
def test_bad_token_counts_say_so(text: str) -> None:
    with pytest.raises(units.UnitError):
        units.parse_tokens(text)


@pytest.mark.parametrize(
    ("text", "billions"), [("4", 4.0), ("4b", 4.0), ("4.5B", 4.5), ("500m", 0.5), (" 12 ", 12.0)]
)
def test_parameter_counts_are_billions(text: str, billions: float) -> None:
    assert units.parse_params_b(text) == pytest.approx(billions)


@pytest.mark.parametrize("text", ["", "x", "-1", "0", "4q", "1e400"])
def test_bad_parameter_counts_say_so(text: str) -> None:
    with pytest.raises(units.UnitError):
        units.parse_params_b(text)


@given(st.integers(min_value=1, max_value=units.MAX_TOKENS))
def test_tokens_round_trip(tokens: int) -> None:
    assert units.parse_tokens(units.format_tokens(tokens)) == tokens


@given(st.floats(min_value=1e-6, max_value=units.MAX_PARAMS_B, allow_nan=False))
def test_parameter_counts_round_trip(billions: float) -> None:
    assert units.parse_params_b(units.format_params_b(billions)) == billions


@given(st.integers(min_value=1, max_value=units.MAX_BYTES))
def test_bytes_round_trip(size: int) -> None:
    assert units.parse_bytes(units.format_bytes(size)) == size


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_round_trip(count: int) -> None:
    assert units.parse("count", units.format_count(count)) == count


@given(
    st.sampled_from(["ctx", "active", "total", "downloads", "intelligence"]),
    st.integers(min_value=1, max_value=10**5),
)
def test_query_comparisons_round_trip(field: str, value: int) -> None:
    query = parse_query(f"{field}>={value}")
    assert parse_query(query.to_text()) == query


def test_the_same_text_means_the_same_number_on_the_cli_and_in_queries() -> None:
    from argparse import Namespace

    from modelscout.commands.common import context_tokens

    assert context_tokens(Namespace(ctx="32k")) == 32_768
    assert parse_query("ctx>=32k").comparison("ctx", ">=") == 32_768
    assert units.parse_tokens("32k") == 32_768
    # 500m active parameters is half a billion, not 500 million billions.
    assert parse_query("active<=500m").comparison("active", "<=") == 0.5


def test_a_context_is_tokens_or_max() -> None:
    assert units.parse_context("max") == 0  # each model's own maximum
    assert units.parse_context(" MAX ") == 0
    assert units.parse_context("32k") == 32_768
    with pytest.raises(units.UnitError):
        units.parse_context("most")


def test_the_header_names_a_context_as_the_tables_do() -> None:
    from modelscout.fit.estimate import context_label

    # 128,000 is 125 × 1024 too: the header used to say 125k where the table said 128k.
    assert context_label(128_000) == units.tokens_label(128_000) == "128k"
    assert context_label(131_072) == "128k" and context_label(0) == "max"
