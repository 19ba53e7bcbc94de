"""What the downloads panel, the variant picker and the local view look like, on fixed data (fixed
speeds and ETAs, a fixed cache listing) so the pictures are stable.

Update after a deliberate change with ``pytest tests/tui/test_download_snapshots.py
--snapshot-update`` and look at the pictures before committing them.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from modelscout.hub.download.cache import LocalRepo, LocalRevision
from modelscout.hub.download.job import Progress
from modelscout.hub.download.offer import build_offer
from modelscout.hub.download.queue import JobState, JobStatus
from modelscout.hub.download.variants import RepoFile, RepoListing
from modelscout.tui.app import ModelscoutApp
from modelscout.tui.screens.variants import VariantScreen
from tests.tui.helpers import main_screen, make_app, settle

MIB = 1024 * 1024
GIB = 1024 * MIB
CACHE = Path("/home/ada/.cache/huggingface/hub")


def status(job_id: int, repo: str, variant: str, state: JobState, **kw: object) -> JobStatus:
    progress = Progress(
        bytes_done=int(kw.pop("done", 0)),  # type: ignore[call-overload]
        bytes_total=kw.pop("total", None),  # type: ignore[arg-type]
        files_done=int(kw.pop("files_done", 0)),  # type: ignore[call-overload]
        files_total=int(kw.pop("files_total", 0)),  # type: ignore[call-overload]
        speed_bytes_per_s=kw.pop("speed", None),  # type: ignore[arg-type]
        eta_s=kw.pop("eta", None),  # type: ignore[arg-type]
        current_file=kw.pop("current", None),  # type: ignore[arg-type]
    )
    return JobStatus(job_id, repo, variant, state, progress, **kw)  # type: ignore[arg-type]


JOBS = (
    status(
        1,
        "acme/Pico-1.7B",
        "safetensors",
        JobState.DONE,
        done=3 * GIB + 400 * MIB,
        total=3 * GIB + 400 * MIB,
        files_done=8,
        files_total=8,
        path=CACHE / "models--acme--Pico-1.7B" / "snapshots" / "0123abcd",
    ),
    status(
        2,
        "quill/Quill-14B",
        "gguf:Q4_K_M",
        JobState.RUNNING,
        done=4 * GIB + 512 * MIB,
        total=8 * GIB + 800 * MIB,
        files_done=0,
        files_total=1,
        speed=48.5 * MIB,
        eta=95.0,
        current="Quill-14B-Q4_K_M.gguf",
    ),
    status(3, "open/Open-7B", "safetensors", JobState.QUEUED),
    status(
        4,
        "vault/Vault-12B",
        "safetensors",
        JobState.FAILED,
        error="vault/Vault-12B is gated: accept its licence at https://huggingface.co/vault/"
        "Vault-12B (signed in as the token's owner), then log in with `hf auth login` or set "
        "HF_TOKEN",
    ),
    status(
        5,
        "lumen/Lumen-4B",
        "safetensors",
        JobState.CANCELLED,
        done=1 * GIB,
        total=8 * GIB,
        files_done=2,
        files_total=5,
    ),
)

LOCAL = (
    LocalRepo(
        "acme/Pico-1.7B",
        3 * GIB + 400 * MIB,
        8,
        CACHE / "models--acme--Pico-1.7B",
        (LocalRevision("0123abcd", ("main",), 3 * GIB + 400 * MIB, 8, CACHE / "snap"),),
        0,
        0.0,
    ),
    LocalRepo(
        "lumen/Lumen-4B",
        2 * GIB,
        2,
        CACHE / "models--lumen--Lumen-4B",
        (LocalRevision("4567ef01", ("main",), 2 * GIB, 2, CACHE / "snap2"),),
        1 * GIB,
        0.0,
    ),
    LocalRepo(
        "someone/Other-Model",
        120 * MIB,
        3,
        CACHE / "models--someone--Other-Model",
        (),
        0,
        0.0,
    ),
)


def fixed_app() -> ModelscoutApp:
    """The fixture catalogue with a fixed download cache: no disk or network is read."""
    app = make_app()
    app.downloads.cache_dir = CACHE
    app.downloads.scan_local = lambda: LOCAL  # type: ignore[method-assign]
    return app


def test_downloads_panel(snap_compare) -> None:
    app = fixed_app()

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        app.downloads.jobs.update({job.job_id: job for job in JOBS})
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "down", "down")  # the failed one: its reason shows below
        await settle(pilot)

    assert snap_compare(app, terminal_size=(130, 16), run_before=run_before)


def test_local_view(snap_compare) -> None:
    app = fixed_app()

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(110, 14), run_before=run_before)


def test_main_screen_marks_downloaded_models(snap_compare) -> None:
    assert snap_compare(fixed_app(), terminal_size=(120, 20), run_before=settle)


def test_variant_picker(snap_compare) -> None:
    app = fixed_app()
    files = (
        RepoFile("config.json", 700),
        RepoFile("model-00001-of-00002.safetensors", 3 * GIB),
        RepoFile("model-00002-of-00002.safetensors", 400 * MIB),
        RepoFile("tokenizer.json", 9 * MIB),
    )
    gguf = (
        RepoFile("Pico-1.7B-Q4_K_M.gguf", 1 * GIB + 100 * MIB),
        RepoFile("Pico-1.7B-Q8_0.gguf", 1 * GIB + 800 * MIB),
    )
    listings = (
        RepoListing("acme/Pico-1.7B", "0123abcd", files),
        RepoListing("acme/Pico-1.7B-GGUF", "89abcdef", gguf),
    )

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.catalog is not None
        model = screen.catalog.by_id()["pico-1.7b"]
        offer = build_offer(model.name, listings, free_bytes=2 * GIB, present_bytes=0)
        app.push_screen(VariantScreen(offer))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(110, 20), run_before=run_before)
