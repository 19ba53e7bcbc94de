"""Planning for another machine: sizes, profiles and GPU counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelscout.errors import HardwareError
from modelscout.hardware.detect import Hardware, detect_hardware
from modelscout.hardware.plan import PlanOptions, plan_hardware
from modelscout.hardware.profiles import PROFILES, find_profile, parse_size
from tests.hardware.replay import EPYC, H100, RecordedNvml

GIB = 2**30


def _machine(root: Path, tmp_path: Path) -> Hardware:
    return detect_hardware(
        system="Linux",
        machine="x86_64",
        proc=root / "proc",
        sys_root=root / "sys",
        nvml=RecordedNvml.load(root / "recorded" / "nvml.json"),
        env={"HF_HOME": str(tmp_path)},
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24G", 24 * GIB),
        ("24GB", 24 * GIB),
        ("24gib", 24 * GIB),
        ("1.5T", 1536 * GIB),
        ("512M", GIB // 2),
        ("80", 80 * GIB),
    ],
)
def test_sizes(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "24X", "-3G", "0"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(HardwareError):
        parse_size(text)


def test_profiles_are_unique_and_positive() -> None:
    assert len({p.key for p in PROFILES}) == len(PROFILES)
    assert all(p.memory_bytes > 0 and p.bandwidth_bytes_per_s > 0 for p in PROFILES)
    with pytest.raises(HardwareError, match="unknown hardware profile"):
        find_profile("rtx9999")


def test_vram_and_gpus_replace_the_detected_gpu(tmp_path: Path) -> None:
    base = _machine(H100, tmp_path)
    planned = plan_hardware(base, PlanOptions(vram="24G", gpus=2))
    assert [g.total_bytes for g in planned.gpus] == [24 * GIB, 24 * GIB]
    assert planned.memory == base.memory  # RAM left unsaid stays the detected RAM
    assert planned.planned == "24 GiB VRAM, 2 GPUs"
    # --vram alone keeps the detected card's bandwidth: same card, less memory assumed
    assert planned.gpus[0].bandwidth_bytes_per_s == base.gpus[0].bandwidth_bytes_per_s


def test_profile_on_a_machine_without_gpu(tmp_path: Path) -> None:
    planned = plan_hardware(_machine(EPYC, tmp_path), PlanOptions(profile="rtx4090", ram="64G"))
    [gpu] = planned.gpus
    assert gpu.bandwidth_bytes_per_s == 1008e9 and gpu.total_bytes == 24 * GIB
    assert planned.ram_bytes == 64 * GIB


def test_mac_profile_is_unified(tmp_path: Path) -> None:
    planned = plan_hardware(_machine(EPYC, tmp_path), PlanOptions(profile="m4-max-128"))
    assert planned.unified and planned.ram_bytes == 128 * GIB
    assert planned.gpu_memory_bytes == 96 * GIB
    assert planned.cpu_bandwidth_bytes_per_s == 546e9
    with pytest.raises(HardwareError):
        plan_hardware(planned, PlanOptions(profile="m4-max-128", gpus=2))


def test_gpus_zero_means_cpu_only_and_gpus_without_a_gpu_is_an_error(tmp_path: Path) -> None:
    assert plan_hardware(_machine(H100, tmp_path), PlanOptions(gpus=0)).gpus == ()
    with pytest.raises(HardwareError, match="--gpus needs"):
        plan_hardware(_machine(EPYC, tmp_path), PlanOptions(gpus=2))
