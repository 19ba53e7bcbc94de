"""The table's layout: the name column takes a wide terminal's spare cells, and a reasoning row's
mark survives a cut name."""

from __future__ import annotations

from modelscout.display.columns import CATALOGUE_COLUMNS, GAP, REASONING_MARK, layout
from tests.catalog.factory import model


def test_the_name_column_takes_what_is_left_on_a_wide_terminal() -> None:
    for width in (160, 200, 300):
        shown = layout(CATALOGUE_COLUMNS, width)
        assert len(shown) == len(CATALOGUE_COLUMNS)  # nothing dropped
        assert sum(w for _, w in shown) + GAP * (len(shown) - 1) == width
        assert shown[0][0].key == "name"
        others = {column.key: w for column, w in shown[1:]}
        # Every other column stops at its widest.
        assert all(w == (c.max_width or c.min_width) for c, w in shown[1:]), others
    assert layout(CATALOGUE_COLUMNS, 200)[0][1] > 56


def test_twins_stay_apart_at_80_columns() -> None:
    name = next(c for c, _ in layout(CATALOGUE_COLUMNS, 80) if c.key == "name")
    width = dict((c.key, w) for c, w in layout(CATALOGUE_COLUMNS, 80))["name"]
    thinking = model(name="Qwen3 30B A3B 2507 (Reasoning)", reasoning=True)
    instruct = model(name="Qwen3 30B A3B 2507 Instruct", reasoning=False)
    shown_thinking, _ = name.render(thinking, width)
    shown_instruct, _ = name.render(instruct, width)
    assert shown_thinking != shown_instruct
    assert shown_thinking.rstrip().endswith(f"… {REASONING_MARK}")
    assert REASONING_MARK not in shown_instruct
    assert len(shown_thinking) == len(shown_instruct) == width
    # A name that fits keeps the mark right after it.
    short, _ = name.render(model(name="Pico", reasoning=True), width)
    assert short == f"Pico {REASONING_MARK}".ljust(width)
