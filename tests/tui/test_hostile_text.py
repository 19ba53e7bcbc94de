"""The TUI draws catalogue text with its control characters neutralised: no escape sequence a
hostile catalogue or Hub planted reaches the terminal, in the table, the detail view or a notice."""

from __future__ import annotations

from pathlib import Path

from modelscout.tui.screens.detail import DetailScreen
from tests.display.test_text import HOSTILE, hostile_catalog, raw_controls
from tests.tui.helpers import make_app, settle


def drawn_text(app: object) -> str:
    """Every character of every line the screen would send to the terminal."""
    screen = app.screen  # type: ignore[attr-defined]
    lines = screen._compositor.render_update(full=True)
    return "".join(segment.text for strip in lines.strips for segment in strip)


async def test_table_detail_and_notifications_draw_no_escape_sequence(tmp_path: Path) -> None:
    app = make_app(catalog=hostile_catalog(tmp_path / "evil.json"))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table_text = drawn_text(app)
        assert "Evil" in table_text
        assert raw_controls(table_text) == []
        app.notify(f"pulled evil/Evil{HOSTILE}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        detail_text = drawn_text(app)
        assert "\\x1b]0;owned\\x07" in detail_text  # shown as text, not acted on
        assert raw_controls(detail_text) == []
        assert all(raw_controls(n.message) == [] for n in app._notifications)
