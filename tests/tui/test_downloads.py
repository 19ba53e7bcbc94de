"""Pulling from the TUI against a Hub look-alike on 127.0.0.1: `d`, `D`, progress, cancel and
resume, the downloads panel, refusals, and asking before quitting mid-download."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from modelscout.hub.download.cache import LocalRepo
from modelscout.hub.download.queue import JobState
from modelscout.tui.screens.confirm import ConfirmScreen
from modelscout.tui.screens.downloads import DownloadsScreen
from modelscout.tui.screens.variants import VariantScreen
from tests.hub.conftest import model_bytes, small_model_files
from tests.hub.hubserver import HubServer, unused_port
from tests.tui.helpers import main_screen, make_app, settle, table
from tests.tui.hub_fixtures import (
    PICO,
    hub_fixture,  # noqa: F401 - the `hub` fixture
    record_notices,
    record_updates,
    select,
    wait_until,
)

MIB = 1024 * 1024
BIG = "model-00001-of-00002.safetensors"


def job_states(app: object) -> list[JobState]:
    return [s.state for s in app.downloads.statuses()]  # type: ignore[attr-defined]


async def test_d_pulls_the_default_variant_with_progress_and_marks_the_row(
    hub: HubServer, tmp_path: Path
) -> None:
    repo = hub.add_repo(PICO, small_model_files())
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        seen = record_updates(app)
        select(app, "pico-1.7b")
        await pilot.press("d")
        await wait_until(pilot, lambda: job_states(app) == [JobState.DONE])

        final = app.downloads.statuses()[0]
        assert final.repo_id == PICO and final.variant == "safetensors"
        assert final.progress.files_done == final.progress.files_total == 8
        assert final.progress.bytes_done == final.progress.bytes_total
        running = [s.progress.bytes_done for s in seen if s.state is JobState.RUNNING]
        assert any(0 < done < final.progress.bytes_total for done in running)  # it advanced
        assert running == sorted(running)
        snapshot = tmp_path / "hf-cache" / "models--acme--Pico-1.7B" / "snapshots" / repo.commit
        assert (snapshot / BIG).read_bytes() == repo.files[BIG].data

        # The row now says what is on disk (both pico rows share the repo).
        await wait_until(pilot, lambda: "disk" in [c.key for c in table(app).columns])
        disk = next(c for c in table(app).columns if c.key == "disk")
        pico = next(m for m in table(app).rows if m.id == "pico-1.7b")
        lumen = next(m for m in table(app).rows if m.id == "lumen-4b")
        assert disk.cell(pico).text.endswith("MiB") and disk.cell(lumen).text == ""

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, DownloadsScreen)
        row = [str(cell) for cell in app.screen.table.get_row_at(0)]
        assert row[0] == PICO and row[2] == "done" and "100%" in row[3]
        assert row[4] == "8/8"


async def test_cancel_stops_promptly_keeps_partial_data_and_retry_resumes(
    hub: HubServer, tmp_path: Path
) -> None:
    config = b"{}"
    repo = hub.add_repo(PICO, {BIG: model_bytes(3 * MIB, "c"), "config.json": config})
    release = hub.stall_after(PICO, BIG, after_bytes=MIB)
    app = make_app()
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(pilot)
            select(app, "pico-1.7b")
            await pilot.press("d")
            await wait_until(pilot, lambda: app.downloads.statuses())
            (job_id,) = [s.job_id for s in app.downloads.statuses()]
            # Files come in name order: config.json, then the MiB sent before the stall. Wait for
            # the job to hold them on disk; bytes the server has sent may still be in the socket.
            stalled_at = len(config) + MIB
            await wait_until(
                pilot, lambda: app.downloads.queue.progress(job_id).bytes_done >= stalled_at
            )
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("c")
            # The transfer is stalled mid-file: only the cancel can end it.
            await wait_until(pilot, lambda: job_states(app) == [JobState.CANCELLED], timeout_s=2)
            (cancelled,) = app.downloads.statuses()
            assert cancelled.progress.bytes_done == stalled_at  # nothing counted twice or lost
            partial = (
                tmp_path
                / "hf-cache"
                / "models--acme--Pico-1.7B"
                / "blobs"
                / f"{repo.files[BIG].etag}.incomplete"
            )
            assert partial.stat().st_size == cancelled.progress.bytes_done - len(config) == MIB
            # The panel redraws from the job's update message, a moment after the state flips.
            await wait_until(pilot, lambda: "cancelled" in str(app.screen.table.get_row_at(0)[2]))

            release.set()
            await pilot.press("r")
            await wait_until(pilot, lambda: job_states(app) == [JobState.DONE])
            ranges = [r.range for r in hub.file_requests(repo.files[BIG].etag)]
            assert ranges[-1] == f"bytes={MIB}-"  # resumed from exactly the data kept
            done = app.downloads.statuses()[0].path
            assert done is not None and (done / BIG).read_bytes() == repo.files[BIG].data
    finally:
        release.set()


async def test_quitting_mid_download_asks_first(hub: HubServer) -> None:
    hub.add_repo(PICO, {BIG: model_bytes(2 * MIB, "q")})
    release = hub.stall_after(PICO, BIG, after_bytes=MIB)
    app = make_app()
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            select(app, "pico-1.7b")
            await pilot.press("d")
            await wait_until(pilot, lambda: hub.sent(PICO, BIG) >= MIB)
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await settle(pilot)
            assert app.return_code is None and job_states(app) == [JobState.RUNNING]

            await pilot.press("q")
            await settle(pilot)
            await pilot.press("y")
            await wait_until(pilot, lambda: app.return_code is not None)
            job = app.downloads.queue.wait(1, timeout=2)
            assert job.state is JobState.CANCELLED  # stopped, not left running behind the app
    finally:
        release.set()


async def test_a_cache_that_cannot_be_scanned_is_one_warning_and_a_later_scan_recovers(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "hf-cache"
    pico = LocalRepo(PICO, 3 * MIB, 2, cache / "models--acme--Pico-1.7B", (), MIB, 0.0)
    scans: list[tuple[LocalRepo, ...] | OSError] = [PermissionError(13, "Permission denied")]

    def scan() -> tuple[LocalRepo, ...]:
        result = scans.pop(0)
        if isinstance(result, OSError):
            raise result
        return result

    app = make_app()
    app.downloads.scan_local = scan  # type: ignore[method-assign]
    notices = record_notices(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)  # the main screen scans the cache as it opens
        await wait_until(pilot, lambda: notices)
        assert notices == [
            ("warning", "cannot scan the download cache: [Errno 13] Permission denied")
        ]
        assert app.downloads.on_disk == {} and "disk" not in [c.key for c in table(app).columns]

        scans.append((pico,))
        app.downloads.rescan()
        await wait_until(pilot, lambda: "disk" in [c.key for c in table(app).columns])
        assert app.downloads.on_disk == {PICO.lower(): 4 * MIB}  # the partial MiB included
        assert app.downloads.partial == {PICO.lower()}
        assert len(notices) == 1 and app.return_code is None


async def test_quit_without_downloads_does_not_ask() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None)


async def test_d_on_a_model_without_a_repo_says_it_cannot_be_pulled(hub: HubServer) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        select(app, "mystery-3b")
        await pilot.press("d")
        await settle(pilot)
        assert any("cannot be pulled" in message for _, message in notices)
        assert app.downloads.statuses() == []


async def test_a_repo_missing_from_the_hub_is_one_error_line(hub: HubServer) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        select(app, "lumen-4b")  # lumen/Lumen-4B is not on this Hub
        await pilot.press("d")
        await wait_until(pilot, lambda: any(sev == "error" for sev, _ in notices))
        errors = [m for sev, m in notices if sev == "error"]
        assert errors == [errors[0]] and "no repo lumen/Lumen-4B" in errors[0]
        assert "\n" not in errors[0] and "Traceback" not in errors[0]
        assert app.return_code is None


async def test_a_gated_repo_fails_with_its_url_and_how_to_log_in(hub: HubServer) -> None:
    hub.add_repo(PICO, small_model_files(), gated=True)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        select(app, "pico-1.7b")
        await pilot.press("d")
        await wait_until(pilot, lambda: job_states(app) == [JobState.FAILED])
        error = app.downloads.statuses()[0].error
        assert error is not None and f"{hub.url}/{PICO}" in error and "hf auth login" in error
        assert ("error", error) in notices


async def test_no_room_on_disk_refuses_before_starting(hub: HubServer, monkeypatch) -> None:
    from modelscout.hub.download import job as download

    hub.add_repo(PICO, small_model_files())
    monkeypatch.setattr(download, "free_bytes_at", lambda path: 1000)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        notices = record_notices(app)
        select(app, "pico-1.7b")
        await pilot.press("d")
        await wait_until(pilot, lambda: any(sev == "error" for sev, _ in notices))
        message = next(m for sev, m in notices if sev == "error")
        assert "needs" in message and "free" in message
        assert app.downloads.statuses() == []  # nothing was queued


async def test_shift_d_offers_variants_with_sizes_and_pulls_the_chosen_one(
    hub: HubServer,
) -> None:
    hub.add_repo(PICO, {BIG: model_bytes(2 * MIB, "s"), "config.json": b"{}"})
    gguf = hub.add_repo(
        "acme/Pico-1.7B-GGUF",
        {"pico-Q4_K_M.gguf": model_bytes(MIB, "4"), "pico-Q8_0.gguf": model_bytes(MIB + 1, "8")},
    )
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        select(app, "pico-1.7b")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, VariantScreen))
        await settle(pilot)
        offer = app.screen.offer
        names = [(c.repo_id, c.variant.name) for c in offer.choices]
        assert names == [
            (PICO, "safetensors"),
            (PICO, "all"),
            ("acme/Pico-1.7B-GGUF", "gguf:Q4_K_M"),
            ("acme/Pico-1.7B-GGUF", "gguf:Q8_0"),
        ]
        assert offer.default.variant.name == "safetensors"
        assert all(c.fits_disk for c in offer.choices)
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: job_states(app) == [JobState.DONE])
        done = app.downloads.statuses()[0]
        assert (done.repo_id, done.variant) == ("acme/Pico-1.7B-GGUF", "gguf:Q4_K_M")
        assert done.path is not None
        assert (done.path / "pico-Q4_K_M.gguf").read_bytes() == gguf.files["pico-Q4_K_M.gguf"].data
        assert not (done.path / "pico-Q8_0.gguf").exists()
        assert main_screen(app).table.has_focus or app.screen is main_screen(app)


def listings(hub: HubServer) -> list[str]:
    """The repo listings asked of the Hub so far (file transfers go to /resolve/ instead)."""
    return [r.path for r in hub.requests if r.path.startswith("/api/models/")]


async def test_d_lists_the_repo_once_and_the_job_pulls_from_that_listing(hub: HubServer) -> None:
    hub.add_repo(PICO, small_model_files())  # with GGUF files: its GGUF repo is not asked
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        select(app, "pico-1.7b")
        await pilot.press("d")
        await wait_until(pilot, lambda: job_states(app) == [JobState.DONE])
        assert listings(hub) == [f"/api/models/{PICO}/revision/main"]


async def test_a_pull_that_cannot_reach_the_hub_stays_in_the_panel_and_r_tries_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = unused_port()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        select(app, "pico-1.7b")
        await pilot.press("d")
        await wait_until(pilot, lambda: job_states(app) == [JobState.FAILED])
        (failed,) = app.downloads.statuses()
        assert failed.repo_id == PICO and failed.error is not None
        assert f"cannot reach http://127.0.0.1:{port}: network unreachable" in failed.error

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, DownloadsScreen)
        assert [str(c) for c in app.screen.table.get_row_at(0)[:3]] == [PICO, "default", "failed"]
        detail = str(app.screen.query_one("#downloads-detail", Static).render())
        assert "network unreachable" in detail and "r retries" in detail

        hub = HubServer(port=port)  # the network is back
        try:
            repo = hub.add_repo(PICO, small_model_files())
            await pilot.press("r")
            await wait_until(pilot, lambda: job_states(app) == [JobState.DONE])
            (done,) = app.downloads.statuses()
            assert (done.repo_id, done.variant) == (PICO, "safetensors") and done.job_id > 0
            assert done.path is not None and (done.path / BIG).read_bytes() == repo.files[BIG].data
            await wait_until(pilot, lambda: "done" in str(app.screen.table.get_row_at(0)[2]))
            assert app.screen.table.row_count == 1  # the job took the failed entry's place
        finally:
            hub.close()
