"""Text cut and padded to a column's width in terminal cells, for the TUI table and the CLI's.

Widths are counted in cells, not characters: a CJK name takes two cells a character, and a column
of them must line up with the ASCII ones.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from modelscout.display.text import shown


def fit_to_width(text: str, width: int, align: str = "left") -> str:
    """Pad or cut `text` to exactly `width` cells, marking a cut with an ellipsis; control
    characters are neutralised first (a cell's text comes from the catalogue)."""
    text = shown(text)
    length = cell_len(text)
    if length > width:
        text = set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
        length = width
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding
