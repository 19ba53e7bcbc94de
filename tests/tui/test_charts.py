"""The charts screen (`v`): drawn from the table's rows and fit, the highlighted row followed."""

from __future__ import annotations

from modelscout.fit.context import FitContext
from modelscout.tui.background.fit_source import DetectedFit
from modelscout.tui.screens.charts import ChartsScreen
from modelscout.tui.widgets.model_chart import ModelChart
from tests.tui.helpers import highlighted, ids, make_app, press, settle
from tests.tui.test_fit_integration import gpu_machine


def caption(app: object) -> str:
    return str(app.screen.query_one("#charts-caption").render())  # type: ignore[attr-defined]


async def test_charts_follow_the_rows_and_hand_the_row_back_to_the_table() -> None:
    app = make_app(query="sort:-intelligence")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        screen = app.screen
        assert isinstance(screen, ChartsScreen)
        assert screen.chart == "active"
        # Ten of the twelve fixture models have an intelligence index.
        assert "▣ Giant 671B" in caption(app) and "10 of 12 rows" in caption(app)
        plot = screen.query_one(ModelChart)
        # dense, MoE and the marked row: three datasets; the mark is where Giant 671B sits.
        assert len(plot._datasets) == 3
        assert list(plot._datasets[2].y) == [45]
        await press(pilot, "j", "j")
        assert "▣ Quill 14B" not in caption(app)
        followed = screen.model
        assert followed is not None and followed.id == ids(app)[2]
        await press(pilot, "2")
        assert screen.chart == "total" and followed.name in caption(app)
        await press(pilot, "escape")
        assert not isinstance(app.screen, ChartsScreen)
        assert highlighted(app) == followed


async def test_follow_skips_rows_a_scatter_cannot_place() -> None:
    # By name: ..., Tall 70B, Vault 12B (no intelligence index) is passed over.
    app = make_app(query="sort:name")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "G", "v")
        assert ids(app)[-1] == "vault-12b"
        assert "no intelligence index" in caption(app)
        await press(pilot, "k")
        assert app.screen.model.id == "tall-70b"  # type: ignore[attr-defined]
        await press(pilot, "j")
        assert app.screen.model.id == "tall-70b"  # type: ignore[attr-defined]


async def test_memory_and_speed_charts_need_the_fit() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "v", "3")
        assert "needs the machine's hardware" in caption(app)


async def test_memory_chart_has_a_line_per_quantisation_and_the_machine_limits() -> None:
    app = make_app(query="sort:name", detect_fit=lambda: DetectedFit(gpu_machine()))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "v", "3")
        plot = app.screen.query_one(ModelChart)
        quants = len(FitContext(gpu_machine()).model_fit(app.screen.model).rows)  # type: ignore[attr-defined]
        assert len(plot._datasets) == quants + 2  # VRAM and RAM lines
        text = caption(app)
        assert "━VRAM 16.0 GiB" in text and "━RAM 28.8 GiB usable" in text
        await press(pilot, "4")
        assert "tokens of context" in caption(app)
        await press(pilot, "tab")
        assert app.screen.chart == "active"  # type: ignore[attr-defined]


async def test_charts_are_in_the_command_palette() -> None:
    from modelscout.tui.commands import binding_commands
    from tests.tui.helpers import main_screen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in binding_commands(main_screen(app))]
        assert any(title.startswith("Chart the rows") for title in titles)


async def test_charts_of_no_rows_say_so_and_keys_do_nothing() -> None:
    app = make_app(query="tier:tiny moe")  # nothing in the fixture catalogue
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "v", "j", "k", "3", "4", "1")
        assert isinstance(app.screen, ChartsScreen)
        assert caption(app) == "0 of 0 rows have an intelligence index"
        await press(pilot, "escape")
        assert not isinstance(app.screen, ChartsScreen)
