"""Table cells as plain text.

Textual's DataTable reads a string cell as markup: a model named "Model [beta]" would lose its
"[beta]", and one with "[/x]" in it would end the app with a markup error. Names, repo ids, file
names and paths come from catalogues and the Hub, so every cell goes in as `Text`, its control
characters neutralised.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from modelscout.display.text import shown


def plain(cells: Iterable[str | Text]) -> list[Text]:
    return [cell if isinstance(cell, Text) else Text(shown(cell)) for cell in cells]
