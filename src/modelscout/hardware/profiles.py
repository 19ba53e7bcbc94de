"""Built-in table of common GPUs and Macs, for planning on a machine you do not have at hand and
for bandwidth where the driver does not report it.

Memory and bandwidth are the makers' published figures (NVIDIA, AMD and Apple product and
datasheet pages for each model), except the H100 and H200 memory, which is what NVML reported on
those cards (81559 MiB and 143771 MiB), since "80 GB" and "141 GB" are rounded marketing numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelscout.errors import HardwareError

GIB = 2**30
GB_PER_S = 1e9


@dataclass(frozen=True)
class Profile:
    key: str  # what `--profile` takes
    name: str  # what the hardware panel shows
    memory_bytes: int  # VRAM per GPU; for a Mac, its unified memory
    bandwidth_bytes_per_s: float
    unified: bool = False  # Apple Silicon: memory shared by CPU and GPU
    match: str | None = None  # substring of a detected device name this profile describes


def _gpu(key: str, name: str, gib: float, gb_s: float, match: str | None = None) -> Profile:
    return Profile(key, name, int(gib * GIB), gb_s * GB_PER_S, False, match)


def _mac(key: str, name: str, gib: int, gb_s: float) -> Profile:
    return Profile(key, name, gib * GIB, gb_s * GB_PER_S, True, None)


PROFILES: tuple[Profile, ...] = (
    # NVIDIA GeForce (nvidia.com product specification pages; bandwidth = "Memory Bandwidth").
    _gpu("rtx3060", "GeForce RTX 3060 12 GB", 12, 360, "RTX 3060"),
    _gpu("rtx3080", "GeForce RTX 3080 10 GB", 10, 760, "RTX 3080"),
    _gpu("rtx3090", "GeForce RTX 3090", 24, 936, "RTX 3090"),
    _gpu("rtx4060ti", "GeForce RTX 4060 Ti 16 GB", 16, 288, "RTX 4060 Ti"),
    _gpu("rtx4070", "GeForce RTX 4070", 12, 504, "RTX 4070"),
    _gpu("rtx4080", "GeForce RTX 4080", 16, 717, "RTX 4080"),
    _gpu("rtx4090", "GeForce RTX 4090", 24, 1008, "RTX 4090"),
    _gpu("rtx5080", "GeForce RTX 5080", 16, 960, "RTX 5080"),
    _gpu("rtx5090", "GeForce RTX 5090", 32, 1792, "RTX 5090"),
    # NVIDIA data centre (NVIDIA datasheets).
    _gpu("t4", "Tesla T4", 16, 320, "T4"),
    _gpu("l4", "L4", 24, 300, "L4"),
    _gpu("a10", "A10", 24, 600, "A10"),
    _gpu("l40s", "L40S", 48, 864, "L40S"),
    _gpu("a100-40", "A100 40 GB", 40, 1555, "A100-SXM4-40GB"),
    _gpu("a100-80", "A100 80 GB", 80, 2039, "A100-SXM4-80GB"),
    _gpu("h100-pcie", "H100 PCIe 80 GB", 81559 / 1024, 2000, "H100 PCIe"),
    _gpu("h100", "H100 SXM 80 GB", 81559 / 1024, 3350, "H100 80GB HBM3"),
    _gpu("h200", "H200 141 GB", 143771 / 1024, 4800, "H200"),
    # AMD (amd.com product pages).
    _gpu("rx7900xtx", "Radeon RX 7900 XTX", 24, 960, "7900 XTX"),
    _gpu("mi300x", "Instinct MI300X", 192, 5300, "MI300X"),
    # Apple Silicon (apple.com tech specs; "memory bandwidth"), one common memory size each.
    _mac("m1-16", "Apple M1 16 GB", 16, 68.25),
    _mac("m1-max-64", "Apple M1 Max 64 GB", 64, 400),
    _mac("m1-ultra-128", "Apple M1 Ultra 128 GB", 128, 800),
    _mac("m2-24", "Apple M2 24 GB", 24, 100),
    _mac("m2-pro-32", "Apple M2 Pro 32 GB", 32, 200),
    _mac("m2-max-96", "Apple M2 Max 96 GB", 96, 400),
    _mac("m2-ultra-192", "Apple M2 Ultra 192 GB", 192, 800),
    _mac("m3-pro-36", "Apple M3 Pro 36 GB", 36, 150),
    _mac("m3-max-128", "Apple M3 Max 128 GB", 128, 400),
    _mac("m3-ultra-512", "Apple M3 Ultra 512 GB", 512, 819),
    _mac("m4-32", "Apple M4 32 GB", 32, 120),
    _mac("m4-pro-64", "Apple M4 Pro 64 GB", 64, 273),
    _mac("m4-max-128", "Apple M4 Max 128 GB", 128, 546),
)
PROFILES_BY_KEY: dict[str, Profile] = {p.key: p for p in PROFILES}

# Apple chip -> memory bandwidth (apple.com tech specs). Where a chip comes in two bandwidths
# (M3 Max 300/400 GB/s, M4 Max 410/546 GB/s by GPU core count) the lower one is listed, since
# sysctl does not tell the variants apart and an estimate should not promise too much.
APPLE_CHIP_BANDWIDTH_GB_S: dict[str, float] = {
    "Apple M1": 68.25,
    "Apple M1 Pro": 200,
    "Apple M1 Max": 400,
    "Apple M1 Ultra": 800,
    "Apple M2": 100,
    "Apple M2 Pro": 200,
    "Apple M2 Max": 400,
    "Apple M2 Ultra": 800,
    "Apple M3": 100,
    "Apple M3 Pro": 150,
    "Apple M3 Max": 300,
    "Apple M3 Ultra": 819,
    "Apple M4": 120,
    "Apple M4 Pro": 273,
    "Apple M4 Max": 410,
}

_SIZE = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_SIZE_SCALE = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "": 2**30}


def parse_size(text: str) -> int:
    """'24G', '24GB', '24GiB', '1.5T', '512M' or a bare '24' (GiB) as bytes.

    GB and GiB both mean 2^30 here: GPU and RAM sizes sold as "24 GB" are binary sizes.
    """
    match = _SIZE.match(text)
    if not match:
        raise HardwareError(f"'{text}' is not a memory size (examples: 24G, 64GB, 1.5T)")
    value = float(match["num"]) * _SIZE_SCALE[match["unit"].lower()]
    if value <= 0:
        raise HardwareError(f"'{text}': a memory size must be more than zero")
    return int(value)


def find_profile(key: str) -> Profile:
    wanted = key.strip().lower().replace("_", "-").replace(" ", "")
    profile = PROFILES_BY_KEY.get(wanted)
    if profile is None:
        known = ", ".join(PROFILES_BY_KEY)
        raise HardwareError(f"unknown hardware profile '{key}' (profiles: {known})")
    return profile


def bandwidth_for_name(name: str) -> float | None:
    """Published bandwidth for a detected device name, when the table knows the model."""
    if name in APPLE_CHIP_BANDWIDTH_GB_S:
        return APPLE_CHIP_BANDWIDTH_GB_S[name] * GB_PER_S
    best: Profile | None = None
    for profile in PROFILES:
        # The longest matching name wins: "RTX 4060 Ti" before "RTX 4060", "L40S" before "L4".
        if (
            profile.match
            and re.search(rf"\b{re.escape(profile.match)}\b", name)
            and (best is None or len(profile.match) > len(best.match or ""))
        ):
            best = profile
    return best.bandwidth_bytes_per_s if best else None
