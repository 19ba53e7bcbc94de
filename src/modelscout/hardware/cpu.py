"""CPU: model name, physical and logical cores, and the instruction sets inference engines use.

On Linux everything comes from /proc/cpuinfo (one file, read once: fast and replayable in tests); on
macOS from sysctl. The features listed are the ones llama.cpp and similar engines pick kernels by.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# x86 /proc/cpuinfo flags -> the name shown, in display order. Flag names are the kernel's
# (arch/x86/include/asm/cpufeatures.h); ggml's CPU backend selects kernels by these same features.
X86_FEATURES: tuple[tuple[str, str], ...] = (
    ("avx2", "AVX2"),
    ("fma", "FMA"),
    ("f16c", "F16C"),
    ("avx_vnni", "AVX-VNNI"),
    ("avx512f", "AVX-512"),
    ("avx512_vnni", "AVX-512 VNNI"),
    ("avx512_bf16", "AVX-512 BF16"),
    ("avx512_fp16", "AVX-512 FP16"),
    ("amx_tile", "AMX"),
    ("amx_bf16", "AMX BF16"),
    ("amx_int8", "AMX INT8"),
)
# arm64 /proc/cpuinfo "Features" -> name (arch/arm64/kernel/cpuinfo.c hwcap strings).
ARM_FEATURES: tuple[tuple[str, str], ...] = (
    ("asimd", "NEON"),
    ("asimddp", "DOTPROD"),
    ("i8mm", "I8MM"),
    ("bf16", "BF16"),
    ("sve", "SVE"),
    ("sve2", "SVE2"),
    ("sme", "SME"),
)
# macOS sysctl hw.optional.* keys -> name (Apple's "Determining instruction set characteristics").
APPLE_FEATURES: tuple[tuple[str, str], ...] = (
    ("hw.optional.neon", "NEON"),
    ("hw.optional.arm.FEAT_DotProd", "DOTPROD"),
    ("hw.optional.arm.FEAT_I8MM", "I8MM"),
    ("hw.optional.arm.FEAT_BF16", "BF16"),
    ("hw.optional.arm.FEAT_SME", "SME"),
)

SysctlRunner = Callable[[str], "str | None"]


@dataclass(frozen=True)
class CpuInfo:
    model_name: str | None
    arch: str  # "x86_64", "aarch64", "arm64", ...
    physical_cores: int | None
    logical_cores: int | None
    features: tuple[str, ...]  # display names from the tables above, in their order


def parse_cpuinfo(text: str, arch: str) -> CpuInfo:
    """Read /proc/cpuinfo text: one block per logical CPU, separated by blank lines."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    entries: list[dict[str, str]] = []
    for block in blocks:
        entry: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                entry[key.strip().lower()] = value.strip()
        if "processor" in entry:
            entries.append(entry)
    logical = len(entries) or None
    model_name = None
    for entry in entries:
        # x86 says "model name"; arm64 kernels usually say nothing, some say "Hardware" or "CPU part".
        model_name = entry.get("model name") or entry.get("hardware") or entry.get("cpu model")
        if model_name:
            break
    cores = {
        (e["physical id"], e["core id"]) for e in entries if "physical id" in e and "core id" in e
    }
    # Without topology lines (arm64, some VMs) each logical CPU is its own core: arm64 has no SMT
    # on the chips this targets, and counting logical CPUs never under-reports a machine.
    physical = len(cores) if cores else logical
    flag_text = ""
    for entry in entries[:1]:
        flag_text = entry.get("flags") or entry.get("features") or ""
    flags = set(flag_text.split())
    table = ARM_FEATURES if "asimd" in flags or arch in ("aarch64", "arm64") else X86_FEATURES
    features = tuple(name for flag, name in table if flag in flags)
    return CpuInfo(model_name, arch, physical, logical, features)


def read_linux_cpu(arch: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> tuple[CpuInfo, list[str]]:
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        count = os.cpu_count()
        return CpuInfo(None, arch, None, count, ()), [f"CPU: cannot read {cpuinfo}: {exc.strerror}"]
    return parse_cpuinfo(text, arch), []


def read_macos_cpu(arch: str, sysctl: SysctlRunner) -> tuple[CpuInfo, list[str]]:
    def number(key: str) -> int | None:
        value = sysctl(key)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    name = sysctl("machdep.cpu.brand_string")
    features = tuple(label for key, label in APPLE_FEATURES if number(key) == 1)
    if not features and arch == "arm64":
        features = ("NEON",)  # every Apple Silicon core has Advanced SIMD
    if arch == "x86_64":  # an Intel Mac: the same feature words as /proc/cpuinfo, upper case
        words = set(
            (
                (sysctl("machdep.cpu.features") or "")
                + " "
                + (sysctl("machdep.cpu.leaf7_features") or "")
            )
            .lower()
            .split()
        )
        words = {w.replace(".", "_") for w in words}
        features = tuple(label for flag, label in X86_FEATURES if flag in words)
    info = CpuInfo(name, arch, number("hw.physicalcpu"), number("hw.logicalcpu"), features)
    notes = [] if name else ["CPU: sysctl gave no model name"]
    return info, notes
