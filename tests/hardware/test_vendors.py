"""AMD, Intel and Apple probes.

No AMD, Intel discrete or Apple Silicon machine was available to record, so these trees are built
from the drivers' documented file formats (amdgpu's mem_info_vram_total / mem_info_vram_used,
xe's tileN/physical_vram_size_bytes, `sysctl` "key: value" lines); replace them with recordings
from real machines when one is at hand (tests/hardware/record_machine.sh).
"""

from __future__ import annotations

from pathlib import Path

from modelscout.hardware.amd import probe_amd
from modelscout.hardware.apple import gpu_wired_share_bytes, parse_sysctl, probe_apple
from modelscout.hardware.cpu import read_macos_cpu
from modelscout.hardware.intel import probe_intel
from modelscout.hardware.profiles import bandwidth_for_name

GIB = 2**30


def _card(root: Path, n: int, vendor: str, files: dict[str, str]) -> Path:
    device = root / "class" / "drm" / f"card{n}" / "device"
    device.mkdir(parents=True)
    (device / "vendor").write_text(vendor + "\n")
    for name, text in files.items():
        path = device / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    return device


def test_amd_reads_vram_and_skips_connectors(tmp_path: Path) -> None:
    _card(
        tmp_path,
        0,
        "0x1002",
        {
            "device": "0x744c",
            "mem_info_vram_total": str(24 * GIB),
            "mem_info_vram_used": str(1 * GIB),
        },
    )
    (tmp_path / "class" / "drm" / "card0-DP-1").mkdir()
    probe = probe_amd(tmp_path)
    [gpu] = probe.gpus
    assert (gpu.vendor, gpu.name, gpu.total_bytes, gpu.free_bytes) == (
        "amd",
        "AMD GPU 0x744c",
        24 * GIB,
        23 * GIB,
    )


def test_amd_absent_is_a_reason(tmp_path: Path) -> None:
    assert probe_amd(tmp_path).reason == "no AMD GPU in /sys/class/drm"


def test_intel_xe_tiles_are_summed_and_i915_is_explained(tmp_path: Path) -> None:
    _card(
        tmp_path, 1, "0x8086", {"device": "0xe20b", "tile0/physical_vram_size_bytes": str(12 * GIB)}
    )
    [gpu] = probe_intel(tmp_path).gpus
    assert gpu.total_bytes == 12 * GIB and gpu.free_bytes is None
    other = tmp_path / "i915"
    _card(other, 0, "0x8086", {"device": "0x56a0"})
    probe = probe_intel(other)
    assert probe.gpus == () and "--vram" in (probe.reason or "")


def test_apple_share_of_unified_memory() -> None:
    assert gpu_wired_share_bytes(16 * GIB, None) == int(16 * GIB * 2 / 3)
    assert gpu_wired_share_bytes(128 * GIB, None) == 96 * GIB  # what Ollama reports on 128 GB
    assert gpu_wired_share_bytes(64 * GIB, 57344) == 56 * GIB  # iogpu.wired_limit_mb wins


def test_apple_probe_and_cpu_from_sysctl() -> None:
    values = parse_sysctl(
        "hw.memsize: 68719476736\nhw.physicalcpu: 12\nhw.logicalcpu: 12\n"
        "machdep.cpu.brand_string: Apple M2 Max\niogpu.wired_limit_mb: 0\nhw.optional.arm64: 1\n"
        "hw.optional.neon: 1\nhw.optional.arm.FEAT_DotProd: 1\nhw.optional.arm.FEAT_I8MM: 1\n"
    )
    [gpu] = probe_apple(values.get, bandwidth_for_name).gpus
    assert gpu.unified and gpu.total_bytes == 48 * GIB
    assert gpu.bandwidth_bytes_per_s == 400e9
    cpu, notes = read_macos_cpu("arm64", values.get)
    assert (cpu.model_name, cpu.physical_cores) == ("Apple M2 Max", 12)
    assert cpu.features == ("NEON", "DOTPROD", "I8MM") and notes == []


def test_not_a_mac() -> None:
    assert probe_apple({}.get, bandwidth_for_name).reason == "not an Apple Silicon Mac"


def test_bandwidth_lookup_prefers_the_longest_name() -> None:
    assert bandwidth_for_name("NVIDIA GeForce RTX 4060 Ti") == 288e9
    assert bandwidth_for_name("NVIDIA L40S") == 864e9
    assert bandwidth_for_name("NVIDIA L4") == 300e9
    assert bandwidth_for_name("Some Unknown GPU") is None
