"""What the screens look like, as SVG snapshots on the fixture catalogue.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the pictures in the report before committing them.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.helpers import make_app, settle


async def ready(pilot: Pilot[object]) -> None:
    await settle(pilot)


def test_main_screen_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ready)


def test_main_screen_160x45(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=ready)


def test_main_screen_filtered_and_sorted(snap_compare) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in ("m", "s", "s", "s", "s", "j"):  # MoE only, by total parameters
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_detail_screen(snap_compare) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in ("s", "enter"):  # by name: Giant 671B first
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 45), run_before=run_before)


def test_help_screen(snap_compare) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 40), run_before=run_before)


def test_empty_state(snap_compare) -> None:
    assert snap_compare(
        make_app(query="tier:tiny moe sort:-intelligence"), terminal_size=(80, 24), run_before=ready
    )
