"""Streaming `list --json` must write exactly what one json.dump of the whole list writes."""

from __future__ import annotations

import pytest

from modelscout.commands.common import print_json, print_json_array

CASES = [
    [],
    [{}],
    [{"a": 1}],
    [{"name": "Qwen3 \n 8B", "sources": [{"says": {"x": [1, 2.5, None]}}], "arch": {}}, [], "é"],
]


@pytest.mark.parametrize("items", CASES)
def test_streamed_array_matches_a_single_dump(
    items: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    print_json(items)
    whole = capsys.readouterr().out
    print_json_array(iter(items))
    assert capsys.readouterr().out == whole
