"""The TUI on the real fit engine (`modelscout.fit.estimate`) with a recorded-style 16 GiB GPU machine."""

from __future__ import annotations

from pathlib import Path

from modelscout.catalog.load import load_catalog
from modelscout.fit.context import FitContext
from modelscout.hardware.cpu import CpuInfo
from modelscout.hardware.detect import Hardware
from modelscout.hardware.gpu import Gpu
from modelscout.hardware.memory import MemoryInfo
from modelscout.tui.background.fit_source import DetectedFit
from modelscout.tui.screens.detail import DetailScreen
from tests.tui.helpers import FIXTURE_CATALOG, ids, main_screen, make_app, press, settle, table

GIB = 2**30


def gpu_machine(vram_gib: int = 16, ram_gib: int = 32) -> Hardware:
    vram = vram_gib * GIB
    return Hardware(
        os="Linux",
        cpu=CpuInfo("Test CPU", "x86_64", 8, 16, ("AVX2",)),
        memory=MemoryInfo(ram_gib * GIB, ram_gib * GIB, None, ram_gib * GIB),
        gpus=(Gpu("planned", "Test GPU", 0, vram, vram, bandwidth_bytes_per_s=500e9),),
        disk=None,
        cpu_bandwidth_bytes_per_s=60e9,
    )


async def test_real_fit_columns_filter_and_detail() -> None:
    app = make_app(detect_fit=lambda: DetectedFit(gpu_machine()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.header_line.hardware.startswith("1× Test GPU 16 GiB")
        fit_column = next(c for c in table(app).columns if c.key == "fit")
        by_id = {m.id: m for m in table(app).rows}
        pico = FitContext(gpu_machine()).model_fit(by_id["pico-1.7b"])
        assert pico.best is not None  # the verdict and the quantisation it chose
        assert fit_column.cell(by_id["pico-1.7b"]).text == f"GPU {pico.best.quant.split('/')[0]}"
        assert fit_column.cell(by_id["giant-671b"]).text == "no"
        await press(pilot, "f")
        assert "giant-671b" not in ids(app) and "pico-1.7b" in ids(app)
        await press(pilot, "g", "enter")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.query_one("#detail-fit") is not None


async def test_run_commands_follow_the_quantisation_the_verdict_chose() -> None:
    # A 3 GiB card: Pico 1.7B in F16 (3.4 GB + overhead) does not fit, a smaller file does.
    small = gpu_machine(vram_gib=3)
    app = make_app(detect_fit=lambda: DetectedFit(small))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "G", "k", "k", "k", "k", "k")
        await press(pilot, "enter")
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.model.id == "pico-1.7b-reasoning"
        best = FitContext(small).model_fit(detail.model).best
        assert best is not None and best.quant != "F16/BF16"
        assert [s.code for s in detail.snippets] == [
            f"llama-cli -hf acme/Pico-1.7B-GGUF:{best.quant}",
            f"ollama run hf.co/acme/Pico-1.7B-GGUF:{best.quant}",
        ]


async def test_planning_for_a_profile_from_a_key_and_back() -> None:
    app = make_app(detect_fit=lambda: DetectedFit(gpu_machine()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await press(pilot, "h")
        for key in "rtx5090 ram=128G":
            await press(pilot, "space" if key == " " else key)
        await press(pilot, "enter")
        await settle(pilot)
        assert "planning: rtx5090, 128 GiB RAM" in screen.header_line.hardware
        assert screen.header_line.hardware.startswith("1× RTX 5090 32 GiB · 128 GiB RAM")
        fit_column = next(c for c in table(app).columns if c.key == "fit")
        by_id = {m.id: m for m in table(app).rows}
        planned = screen.fit_source.planned("rtx5090 ram=128G").fit_for(8192)  # type: ignore[union-attr]
        tall = by_id["tall-70b"]
        assert fit_column.cell(tall).text.startswith(planned.model_fit(tall).verdict.short)
        screen.plan_for("this")
        await settle(pilot)
        assert "planning" not in screen.header_line.hardware


async def test_a_plan_it_cannot_read_keeps_the_prompt_open_with_the_reason() -> None:
    app = make_app(detect_fit=lambda: DetectedFit(gpu_machine()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "h")
        for key in "rtx9999":
            await press(pilot, key)
        await press(pilot, "enter")
        hint = app.screen.query_one("#prompt-hint")
        assert "unknown hardware profile" in str(hint.render())


def _cached_gguf(hub: Path, repo_id: str, name: str) -> Path:
    """A file in the HF cache layout huggingface_hub writes: a blob, a snapshot link, refs/main."""
    repo = hub / ("models--" + repo_id.replace("/", "--"))
    commit = "a" * 40
    (repo / "blobs").mkdir(parents=True)
    (repo / "blobs" / "b1").write_bytes(b"GGUF")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (snapshot / name).symlink_to(Path("..") / ".." / "blobs" / "b1")
    return snapshot / name


async def test_once_downloaded_llama_cpp_runs_the_local_file(isolated_user_dirs: Path) -> None:
    small = gpu_machine(vram_gib=3)
    best = (
        FitContext(small)
        .model_fit(
            next(m for m in load_catalog(FIXTURE_CATALOG).models if m.id == "pico-1.7b-reasoning")
        )
        .best
    )
    assert best is not None
    path = _cached_gguf(
        isolated_user_dirs / "hf" / "hub", "acme/Pico-1.7B-GGUF", f"pico-{best.quant}.gguf"
    )
    app = make_app(detect_fit=lambda: DetectedFit(small, FitContext))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "G", "k", "k", "k", "k", "k")
        await press(pilot, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.snippets[0].code == f"llama-cli -m {path}"
        assert detail.snippets[1].code == f"ollama run hf.co/acme/Pico-1.7B-GGUF:{best.quant}"
