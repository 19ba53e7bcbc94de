"""`?` lists the keys of the screen in front, and only the main screen adds the query examples."""

from __future__ import annotations

from modelscout.tui.screens.help import HelpScreen
from tests.tui.helpers import make_app, press, settle


def listed_keys(app: object) -> dict[str, str]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, HelpScreen)
    return {key: text for _, rows in screen.sections for key, text in rows}


def titles(app: object) -> list[str]:
    return [title for title, _ in app.screen.sections]  # type: ignore[attr-defined]


async def test_detail_view_help_lists_its_copy_keys_not_the_catalogue_keys() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "question_mark")
        keys = listed_keys(app)
        for key in ("1", "2", "3", "y"):
            assert key in keys
        assert keys["y"] == "Copy URL" and keys["1"] == "Copy snippet 1"
        assert "t" not in keys and "s" not in keys  # the table's tier and sort keys
        assert titles(app) == ["Model details", "App"]
        assert not app.screen.query("#help-query")
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_downloads_panel_help_lists_cancel_and_retry() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "p", "question_mark")
        keys = listed_keys(app)
        assert keys["c / x"] == "Cancel" and keys["r"] == "Retry"
        assert titles(app)[0] == "Downloads"


async def test_charts_and_compare_help() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "v", "question_mark")
        keys = listed_keys(app)
        assert {"1", "2", "3", "4", "j / down", "k / up"} <= set(keys)
        await press(pilot, "escape", "escape", "space", "space", "C", "question_mark")
        assert titles(app)[0] == "Compare"


async def test_main_screen_help_has_the_query_examples() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        keys = listed_keys(app)
        assert "space" in keys and "C" in keys and "v" in keys
        assert app.screen.query_one("#help-query")


def test_every_screen_names_its_keys_in_help() -> None:
    """A screen without a HELP_TITLE would show its class name as the heading."""
    from modelscout.tui.screens import (
        charts,
        compare,
        confirm,
        detail,
        downloads,
        local,
        variants,
    )

    screens = (
        charts.ChartsScreen,
        compare.CompareScreen,
        confirm.ConfirmScreen,
        detail.DetailScreen,
        downloads.DownloadsScreen,
        local.LocalScreen,
        variants.VariantScreen,
    )
    for screen in screens:
        assert "Screen" not in screen.HELP_TITLE, screen
