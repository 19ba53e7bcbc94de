"""NVML detection replayed from answers recorded on a real H100 machine and on a machine
without the NVIDIA driver; cross-checked against nvidia-smi recorded on the same H100."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelscout.hardware.detect import detect_hardware
from modelscout.hardware.nvidia import bandwidth_from_clocks, nvidia_driver_present, probe_nvidia
from tests.hardware.replay import EPYC, H100, RecordedNvml, nvidia_smi_rows

MIB = 2**20


def test_h100_matches_nvidia_smi_on_the_same_machine() -> None:
    probe = probe_nvidia(RecordedNvml.load(H100 / "recorded" / "nvml.json"))
    assert probe.reason is None
    [gpu] = probe.gpus
    [smi] = nvidia_smi_rows(H100)
    assert gpu.name == smi["name"] == "NVIDIA H100 80GB HBM3"
    assert gpu.total_bytes == int(smi["memory.total"].split()[0]) * MIB  # 81559 MiB
    assert gpu.free_bytes == int(smi["memory.free"].split()[0]) * MIB  # 81079 MiB
    assert gpu.driver == smi["driver_version"] == "580.159.04"
    assert gpu.compute_capability == smi["compute_cap"] == "9.0"


def test_h100_bandwidth_from_clocks_is_the_datasheet_figure() -> None:
    [gpu] = probe_nvidia(RecordedNvml.load(H100 / "recorded" / "nvml.json")).gpus
    # nvidia-smi -q on that machine: Max Clocks Memory 2619 MHz; NVML bus width 5120 bit.
    assert gpu.bandwidth_bytes_per_s == pytest.approx(3.35e12, rel=0.01)  # H100 SXM datasheet
    assert gpu.bandwidth_source is not None


def test_shutdown_follows_a_successful_init() -> None:
    nvml = RecordedNvml.load(H100 / "recorded" / "nvml.json")
    probe_nvidia(nvml)
    assert nvml.calls[0] == "nvmlInit" and nvml.calls[-1] == "nvmlShutdown"


def test_missing_driver_library_is_a_reason_not_an_error() -> None:
    probe = probe_nvidia(RecordedNvml.load(EPYC / "recorded" / "nvml.json"))
    assert probe.gpus == ()
    assert probe.reason == "no NVIDIA driver library (libnvidia-ml) found"


def test_unknown_clocks_leave_bandwidth_unknown() -> None:
    assert bandwidth_from_clocks(None, 5120) is None
    assert bandwidth_from_clocks(2619, 0) is None


def test_driver_presence_check(tmp_path: Path) -> None:
    assert nvidia_driver_present(tmp_path / "dev", tmp_path / "proc") is False
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "dxg").touch()  # WSL2's GPU device
    assert nvidia_driver_present(tmp_path / "dev", tmp_path / "proc") is True


def test_no_driver_skips_nvml(tmp_path: Path) -> None:
    hardware = detect_hardware(
        system="Linux",
        machine="x86_64",
        proc=EPYC / "proc",
        sys_root=EPYC / "sys",
        dev=tmp_path,
        env={"HF_HOME": str(tmp_path)},
    )
    assert "no NVIDIA driver loaded" in (hardware.gpu_reason or "")
