"""What the charts and the compare view look like at 80x24, on the fixture catalogue and a planned
16 GiB GPU machine."""

from __future__ import annotations

from textual.pilot import Pilot

from modelscout.tui.background.fit_source import DetectedFit
from tests.tui.helpers import make_app, press, settle
from tests.tui.test_fit_integration import gpu_machine


def keys(*pressed: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await press(pilot, *pressed)

    return run_before


def fitted_app():  # type: ignore[no-untyped-def]
    return make_app(query="sort:name", detect_fit=lambda: DetectedFit(gpu_machine()))


def test_intelligence_vs_active_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys("v", "j"))


def test_intelligence_vs_total_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys("v", "2"))


def test_memory_vs_context_80x24(snap_compare) -> None:
    # Sorted by name, the second row is Lumen 4B (131,072 tokens of context).
    assert snap_compare(fitted_app(), terminal_size=(80, 24), run_before=keys("j", "v", "3"))


def test_speed_per_quant_80x24(snap_compare) -> None:
    assert snap_compare(fitted_app(), terminal_size=(80, 24), run_before=keys("j", "v", "4"))


def test_compare_two_models_80x24(snap_compare) -> None:
    # Pico 1.7B and its reasoning twin, on the planned 16 GiB machine.
    assert snap_compare(
        fitted_app(),
        terminal_size=(80, 24),
        run_before=keys("j", "j", "j", "j", "space", "space", "C"),
    )


def test_help_in_the_detail_view_80x24(snap_compare) -> None:
    assert snap_compare(
        make_app(), terminal_size=(80, 24), run_before=keys("enter", "question_mark")
    )
