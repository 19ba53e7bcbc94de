"""Reading the widgets the download and refresh tests look at."""

from __future__ import annotations

from modelscout.tui.widgets.activity_line import ActivityLine
from tests.tui.helpers import main_screen


def activity_text(app: object) -> str:
    """What the main screen's activity line says ('' while hidden)."""
    line = main_screen(app).query_one(ActivityLine)  # type: ignore[arg-type]
    return line.text if line.display else ""
