from __future__ import annotations

import pytest

from modelscout.display import format as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (0.268, "268M"),
        (0.873, "873M"),
        (2.27, "2.27B"),
        (3.0, "3B"),
        (27.8, "27.8B"),
        (46.7, "46.7B"),
        (671.0, "671B"),
    ],
)
def test_params(value: float | None, text: str) -> None:
    assert fmt.params(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (512, "512"),
        (4096, "4k"),
        (32_768, "32k"),
        (65_536, "64k"),
        (128_000, "128k"),
        (131_072, "128k"),
        (262_144, "256k"),
        (1_000_000, "1M"),
        (1_048_576, "1M"),
        (32_500, "32.5k"),
        (1_010_000, "1.01M"),
    ],
)
def test_tokens_read_as_people_say_them(value: int | None, text: str) -> None:
    assert fmt.tokens(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "–"), (0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (5 * 2**30, "5.0 GiB")],
)
def test_size_bytes(value: int | None, text: str) -> None:
    assert fmt.size_bytes(value) == text
