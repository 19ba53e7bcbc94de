"""CPU parsing on /proc/cpuinfo files copied from real machines."""

from __future__ import annotations

from pathlib import Path

from modelscout.hardware.cpu import parse_cpuinfo, read_linux_cpu
from tests.hardware.replay import EPYC, H100


def test_h100_host_sapphire_rapids_features_and_cores() -> None:
    cpu, notes = read_linux_cpu("x86_64", H100 / "proc" / "cpuinfo")
    assert notes == []
    assert cpu.model_name == "Intel(R) Xeon(R) Processor"
    # lscpu on the same machine: 16 CPUs, 1 thread per core, 16 cores per socket, 1 socket.
    lscpu = (H100 / "recorded" / "lscpu").read_text()
    assert "Core(s) per socket:                      16" in lscpu
    assert (cpu.physical_cores, cpu.logical_cores) == (16, 16)
    for feature in ("AVX2", "AVX-512", "AVX-512 BF16", "AMX", "AMX INT8", "AVX-VNNI"):
        assert feature in cpu.features


def test_epyc_vm_has_avx2_but_no_avx512() -> None:
    cpu, _ = read_linux_cpu("x86_64", EPYC / "proc" / "cpuinfo")
    assert cpu.model_name == "AMD EPYC"
    assert (cpu.physical_cores, cpu.logical_cores) == (2, 2)
    assert "AVX2" in cpu.features
    assert not any(f.startswith(("AVX-512", "AMX")) for f in cpu.features)


def test_features_keep_table_order() -> None:
    cpu, _ = read_linux_cpu("x86_64", H100 / "proc" / "cpuinfo")
    assert cpu.features.index("AVX2") < cpu.features.index("AVX-512") < cpu.features.index("AMX")


def test_missing_cpuinfo_is_a_note(tmp_path: Path) -> None:
    cpu, notes = read_linux_cpu("x86_64", tmp_path / "cpuinfo")
    assert cpu.model_name is None
    assert notes and "cpuinfo" in notes[0]


def test_arm_features_line_is_read_when_present() -> None:
    # arm64 kernels print "Features" instead of "flags" (arch/arm64/kernel/cpuinfo.c); only the
    # field name differs, so the recorded x86 file with its flags renamed exercises that path.
    text = (EPYC / "proc" / "cpuinfo").read_text().replace("flags\t\t:", "Features\t:")
    text = text.replace(" avx2 ", " asimd asimddp sve ")
    cpu = parse_cpuinfo(text, "aarch64")
    assert cpu.features == ("NEON", "DOTPROD", "SVE")
