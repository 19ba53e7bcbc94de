"""NVML detection replayed from answers recorded on a real H100 machine and on a machine
without the NVIDIA driver; cross-checked against nvidia-smi recorded on the same H100."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelscout.hardware.detect import detect_hardware
from modelscout.hardware.nvidia import bandwidth_from_clocks, nvidia_driver_present, probe_nvidia
from tests.hardware.replay import EPYC, H100, H200, RecordedNvml, nvidia_smi_rows

MIB = 2**20


@pytest.mark.parametrize(
    ("machine", "name"),
    [(H100, "NVIDIA H100 80GB HBM3"), (H200, "NVIDIA H200")],
    ids=["h100", "h200"],
)
def test_nvml_matches_nvidia_smi_on_the_same_machine(machine: Path, name: str) -> None:
    probe = probe_nvidia(RecordedNvml.load(machine / "recorded" / "nvml.json"))
    assert probe.reason is None
    [gpu] = probe.gpus
    [smi] = nvidia_smi_rows(machine)
    assert gpu.name == smi["name"] == name
    assert gpu.total_bytes == int(smi["memory.total"].split()[0]) * MIB
    # nvidia-smi rounds to whole MiB: the H200 answered 143155.94 MiB free, printed as 143156.
    assert round((gpu.free_bytes or 0) / MIB) == int(smi["memory.free"].split()[0])
    assert gpu.driver == smi["driver_version"] == "580.159.04"
    assert gpu.compute_capability == smi["compute_cap"] == "9.0"


@pytest.mark.parametrize(
    ("machine", "datasheet"), [(H100, 3.35e12), (H200, 4.8e12)], ids=["h100", "h200"]
)
def test_bandwidth_from_clocks_is_the_datasheet_figure(machine: Path, datasheet: float) -> None:
    [gpu] = probe_nvidia(RecordedNvml.load(machine / "recorded" / "nvml.json")).gpus
    # nvidia-smi -q Max Clocks Memory: 2619 MHz (H100, 5120-bit bus), 3201 MHz (H200, 6016-bit).
    assert gpu.bandwidth_bytes_per_s == pytest.approx(datasheet, rel=0.01)
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
        cache_dir=tmp_path / "hub",
    )
    assert "no NVIDIA driver loaded" in (hardware.gpu_reason or "")
