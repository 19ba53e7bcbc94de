"""`--json` output: laid out as json.dumps(indent=2) lays it out, and streamed `list --json`
writes exactly what printing the whole list at once writes."""

from __future__ import annotations

import json

import pytest

from modelscout.catalog.load import model_to_dict
from modelscout.catalog.location import resolve_catalog
from modelscout.commands.common import print_json, print_json_array

CASES = [
    [],
    [{}],
    [{"a": 1}],
    [{"name": "Qwen3 \n 8B", "sources": [{"says": {"x": [1, 2.5, None]}}], "arch": {}}, [], "é"],
    [{"quote": 'a "b" \\ c', "control": "\x00\x1f", "separator": "\u2028", "big": 2**70}],
]


@pytest.mark.parametrize("items", CASES)
def test_streamed_array_matches_a_single_dump(
    items: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    print_json(items)
    whole = capsys.readouterr().out
    print_json_array(iter(items))
    assert capsys.readouterr().out == whole
    assert whole == json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def test_every_bundled_model_reads_as_json_dumps_writes_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [model_to_dict(m, derived=True) for m in resolve_catalog(None).models]
    print_json_array(iter(rows))
    assert capsys.readouterr().out == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
