"""Marking rows with space and comparing them side by side with C."""

from __future__ import annotations

from modelscout.tui.background.fit_source import DetectedFit
from modelscout.tui.screens.compare import CompareScreen
from tests.tui.helpers import highlighted, main_screen, make_app, press, settle, table
from tests.tui.test_fit_integration import gpu_machine


async def test_space_marks_rows_visibly_and_moves_on() -> None:
    app = make_app(query="sort:name")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = highlighted(app)
        await press(pilot, "space")
        assert [m.id for m in main_screen(app).marked] == [first.id]  # type: ignore[union-attr]
        assert highlighted(app) is not first  # on to the next row, ready for the next mark
        mark = table(app).columns[0]
        assert mark.key == "mark"
        assert mark.cell(first).text == "✓"  # type: ignore[arg-type]
        assert mark.cell(highlighted(app)).text == ""  # type: ignore[arg-type]
        await press(pilot, "k", "space")  # space again unmarks
        assert main_screen(app).marked == ()
        assert table(app).columns[0].key != "mark"


async def test_at_most_four_marks_and_compare_needs_two() -> None:
    app = make_app(query="sort:name")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "space", "C")
        assert not isinstance(app.screen, CompareScreen)
        assert "Mark 2 to 4 rows" in str(list(app._notifications)[-1].message)
        await press(pilot, *["space"] * 4)
        assert len(main_screen(app).marked) == 4
        assert "4 rows are marked already" in str(list(app._notifications)[-1].message)
        await press(pilot, "u")
        assert main_screen(app).marked == ()


async def test_compare_screen_shows_fields_fit_and_twins_of_the_marked_rows() -> None:
    app = make_app(query="sort:name", detect_fit=lambda: DetectedFit(gpu_machine()))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        # By name: Giant 671B, Lumen 4B, Mystery 3B, Open 7B, Pico 1.7B, ...
        await press(pilot, "space", "j", "j", "j", "space", "C")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        result = screen.comparison
        assert [m.id for m in result.models] == ["giant-671b", "pico-1.7b"]
        assert result.fits is not None and result.hardware is not None
        assert [f.verdict.label for f in result.fits] == ["does not fit", "fits on the GPU"]
        assert [[t.id for t in group] for group in result.twins] == [[], ["pico-1.7b-reasoning"]]
        headings = [str(label.render()) for label in screen.query(".detail-heading")]
        assert headings[0].startswith("Fields") and headings[1].startswith("On 1× Test GPU")
        await press(pilot, "escape")
        assert not isinstance(app.screen, CompareScreen)
        assert len(main_screen(app).marked) == 2  # the marks stay for another look


async def test_compare_without_hardware_says_where_the_fit_would_be() -> None:
    app = make_app(query="sort:name")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "space", "space", "C")
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison.fits is None
        assert "appears once the hardware is detected" in str(
            screen.query_one(".detail-none").render()
        )
