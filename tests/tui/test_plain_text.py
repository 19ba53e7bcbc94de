"""Names and typed text with brackets show as they are: Textual reads brackets as markup."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from modelscout.catalog.location import write_catalog
from modelscout.tui.screens.detail import DetailScreen
from tests.catalog.factory import document, entry
from tests.tui.helpers import make_app, press, settle


def shown(screen: Screen[object]) -> str:
    """The screen's text as drawn: every line of every widget on it."""
    strips = screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in strips)


async def test_bracketed_names_notes_and_input_neither_vanish_nor_crash(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    write_catalog(
        path,
        document(
            entry(id="a", name="Model [/x]", repo_id="org/m", intelligence_index=20),
            entry(id="b", name="Model [beta] Think", repo_id="org/m", intelligence_index=10),
        ),
    )
    app = make_app(catalog=path)
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "j", "enter")  # the second row, whose twin is "Model [/x]"
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model.name == "Model [beta] Think"
        text = shown(app.screen)
        assert "Model [beta] Think" in text and "Model [/x]" in text
        await press(pilot, "escape", "a")
        await pilot.press(*"[/y]", "enter")
        await settle(pilot)
        hint = str(app.screen.query_one("#prompt-hint").render())
        assert "'[/y]' is not a parameter count" in hint
        assert app.is_running
