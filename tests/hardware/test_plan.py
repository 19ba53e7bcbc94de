"""Planning for another machine: sizes, profiles and GPU counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelscout.errors import UsageError
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
        cache_dir=tmp_path / "hub",
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
    with pytest.raises(UsageError):
        parse_size(text)


def test_profiles_are_unique_and_positive() -> None:
    assert len({p.key for p in PROFILES}) == len(PROFILES)
    assert all(p.memory_bytes > 0 and p.bandwidth_bytes_per_s > 0 for p in PROFILES)
    with pytest.raises(UsageError, match="unknown hardware profile"):
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
    with pytest.raises(UsageError):
        plan_hardware(planned, PlanOptions(profile="m4-max-128", gpus=2))


def test_gpus_zero_means_cpu_only_and_gpus_without_a_gpu_is_an_error(tmp_path: Path) -> None:
    assert plan_hardware(_machine(H100, tmp_path), PlanOptions(gpus=0)).gpus == ()
    with pytest.raises(UsageError, match="--gpus needs"):
        plan_hardware(_machine(EPYC, tmp_path), PlanOptions(gpus=2))


@pytest.mark.parametrize(
    ("key", "gib", "gb_s"),
    [
        ("rtx5070", 12, 672),
        ("rtx5070ti", 16, 896),
        ("rtx5060ti", 16, 448),
        ("rx9070xt", 16, 640),
        ("arc-b580", 12, 456),
        ("rtx3090", 24, 936),
    ],
)
def test_current_cards_plan_with_their_published_figures(
    tmp_path: Path, key: str, gib: int, gb_s: float
) -> None:
    [gpu] = plan_hardware(_machine(EPYC, tmp_path), PlanOptions(profile=key)).gpus
    assert (gpu.total_bytes, gpu.bandwidth_bytes_per_s) == (gib * GIB, gb_s * 1e9)
    assert gpu.vendor == find_profile(key).vendor != "cpu"


def test_unified_machines_outside_apple_keep_their_gpu_share(tmp_path: Path) -> None:
    spark = plan_hardware(_machine(EPYC, tmp_path), PlanOptions(profile="dgx-spark"))
    assert spark.unified and spark.ram_bytes == 128 * GIB
    assert spark.gpu_memory_bytes == 120 * GIB and spark.cpu_bandwidth_bytes_per_s == 273e9
    halo = plan_hardware(_machine(EPYC, tmp_path), PlanOptions(profile="strix-halo-128", ram="64G"))
    assert halo.ram_bytes == 64 * GIB and halo.gpu_memory_bytes == 64 * GIB  # share <= the RAM


def test_a_cpu_only_profile_replaces_the_cpu_and_drops_the_gpus(tmp_path: Path) -> None:
    planned = plan_hardware(_machine(H100, tmp_path), PlanOptions(profile="pi5-8"))
    assert planned.gpus == () and planned.ram_bytes == 8 * GIB
    assert (planned.cpu.physical_cores, planned.cpu.arch) == (4, "aarch64")
    assert planned.cpu_bandwidth_bytes_per_s == pytest.approx(17.1e9)
    assert planned.cpu_bandwidth_source.startswith("published")


def test_a_plan_typed_in_one_line() -> None:
    from modelscout.errors import UsageError
    from modelscout.hardware.plan import parse_plan

    assert parse_plan("rtx4090 ram=64G gpus=2") == PlanOptions(ram="64g", gpus=2, profile="rtx4090")
    assert parse_plan("vram=24G") == PlanOptions(vram="24g")
    assert not parse_plan("this").any and not parse_plan("").any
    for bad in ("rtx9999", "vram=lots", "gpus=two", "cores=8"):
        with pytest.raises(UsageError):
            parse_plan(bad)
