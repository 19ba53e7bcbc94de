"""Whole-machine detection replayed from recordings; compared with what `modelscout hw --json`
printed live on those machines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelscout.fit.estimate import hardware_summary
from modelscout.hardware.detect import Hardware, detect_hardware, hardware_to_dict
from tests.hardware.replay import EPYC, H100, H200, HangingNvml, RecordedNvml, recorded_hw_json


def _replay(machine: Path, tmp_path: Path, nvml: object | None = None) -> Hardware:
    return detect_hardware(
        system="Linux",
        machine="x86_64",
        proc=machine / "proc",
        sys_root=machine / "sys",
        nvml=nvml or RecordedNvml.load(machine / "recorded" / "nvml.json"),
        cache_dir=tmp_path / "hf" / "hub",
    )


@pytest.mark.parametrize("machine", [H100, H200, EPYC], ids=["h100", "h200", "epyc-nogpu"])
def test_replay_matches_the_live_report(machine: Path, tmp_path: Path) -> None:
    replayed = json.loads(json.dumps(hardware_to_dict(_replay(machine, tmp_path))))
    live = recorded_hw_json(machine)
    assert replayed["cpu"] == live["cpu"]
    assert replayed["gpus"] == live["gpus"]
    for key in ("total_bytes", "limit_bytes", "usable_bytes", "grows_on_use"):
        assert replayed["memory"][key] == live["memory"][key]
    assert replayed["gpu_memory_bytes"] == live["gpu_memory_bytes"]


def test_summaries(tmp_path: Path) -> None:
    assert hardware_summary(_replay(H200, tmp_path)) == (
        "1× H200 140 GiB · 126 GiB RAM · 16 cores · ctx 8k"
    )
    hardware = _replay(H100, tmp_path)
    assert (
        hardware_summary(hardware) == "1× H100 80GB HBM3 80 GiB · 126 GiB RAM · 16 cores · ctx 8k"
    )


def test_no_gpu_gives_every_vendor_reason(tmp_path: Path) -> None:
    hardware = _replay(EPYC, tmp_path)
    assert hardware.gpus == ()
    assert hardware.gpu_reason is not None
    assert hardware.gpu_reason.startswith("no GPU detected")
    assert "libnvidia-ml" in hardware.gpu_reason and "AMD" in hardware.gpu_reason


def test_nothing_readable_still_returns_a_record(tmp_path: Path) -> None:
    hardware = detect_hardware(
        system="Linux",
        machine="x86_64",
        proc=tmp_path / "noproc",
        sys_root=tmp_path / "nosys",
        nvml=RecordedNvml.load(EPYC / "recorded" / "nvml.json"),
        cache_dir=tmp_path / "cache",
    )
    assert hardware.memory.total_bytes is None
    assert any("cpuinfo" in n for n in hardware.notes)
    assert any("meminfo" in n for n in hardware.notes)
    assert hardware.disk is not None and hardware.disk.path == str(tmp_path / "cache")


def test_a_hanging_driver_is_abandoned(tmp_path: Path) -> None:
    nvml = HangingNvml()
    try:
        hardware = detect_hardware(
            system="Linux",
            machine="x86_64",
            proc=EPYC / "proc",
            sys_root=EPYC / "sys",
            nvml=nvml,
            cache_dir=tmp_path / "hub",
            gpu_timeout_s=0.05,
        )
    finally:
        nvml.release.set()
    assert hardware.gpu_reason is not None
    assert "did not answer within 0.05 s" in hardware.gpu_reason


def test_a_probe_that_raises_becomes_a_reason(tmp_path: Path) -> None:
    class Broken(RecordedNvml):
        def nvmlDeviceGetCount(self) -> int:
            raise RuntimeError("boom")

    nvml = Broken.load(H100 / "recorded" / "nvml.json")
    hardware = _replay(EPYC, tmp_path, nvml)
    assert hardware.gpus == ()
    assert "boom" in (hardware.gpu_reason or "")
