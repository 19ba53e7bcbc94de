"""The local view and the "On disk" column over a real HF cache filled from the Hub look-alike."""

from __future__ import annotations

from pathlib import Path

from modelscout.hub.download.job import DownloadJob, DownloadRequest
from modelscout.tui.screens.confirm import ConfirmScreen
from modelscout.tui.screens.local import LocalScreen
from tests.hub.conftest import small_model_files
from tests.hub.hubserver import HubServer
from tests.tui.helpers import make_app, settle, table
from tests.tui.hub_fixtures import (
    PICO,
    hub_fixture,  # noqa: F401 - the `hub` fixture
    wait_until,
)


def pull(hub: HubServer, cache: Path, repo_id: str) -> int:
    result = DownloadJob(DownloadRequest(repo_id, cache_dir=cache, endpoint=hub.url)).run()
    return result.size_bytes


def column_keys(app: object) -> list[str]:
    return [c.key for c in table(app).columns]


async def test_rows_show_size_on_disk_and_the_local_view_deletes_after_asking(
    hub: HubServer, tmp_path: Path
) -> None:
    cache = tmp_path / "hf-cache"
    hub.add_repo(PICO, small_model_files())
    hub.add_repo("open/Open-7B", small_model_files(seed="o"))
    pull(hub, cache, PICO)
    pull(hub, cache, "open/Open-7B")
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "disk" in column_keys(app))
        disk = next(c for c in table(app).columns if c.key == "disk")
        marked = sorted(m.id for m in table(app).rows if disk.cell(m).text)
        assert marked == ["open-7b", "pico-1.7b", "pico-1.7b-reasoning"]

        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LocalScreen) and app.screen.scanned)
        screen = app.screen
        assert sorted(r.repo_id for r in screen.repos) == ["acme/Pico-1.7B", "open/Open-7B"]
        first = screen.repos[0].repo_id
        assert str(screen.table.get_row_at(0)[0]) == first

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # kept
        await settle(pilot)
        assert app.screen is screen and len(screen.repos) == 2
        assert (cache / f"models--{first.replace('/', '--')}").exists()

        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(screen.repos) == 1)
        assert not (cache / f"models--{first.replace('/', '--')}").exists()
        assert any(f"Deleted {first}, freed" in str(n.message) for n in app._notifications)
        await wait_until(pilot, lambda: len(app.downloads.on_disk) == 1)

        await pilot.press("x", "y")  # the last one: the main table drops its column
        await wait_until(pilot, lambda: screen.repos == ())
        await pilot.press("escape")
        await wait_until(pilot, lambda: "disk" not in column_keys(app))


async def test_local_view_with_nothing_downloaded_says_so(hub: HubServer) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "disk" not in column_keys(app)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LocalScreen) and app.screen.scanned)
        assert app.screen.repos == ()
        await pilot.press("x")  # nothing to delete: no question
        await settle(pilot)
        assert isinstance(app.screen, LocalScreen)
