"""Built-in table of GPUs, Macs and CPU-only machines, for planning on a machine you do not have at
hand, for bandwidth where the driver does not report it, and for the speed benchmark's hardware.

Memory and bandwidth are the makers' published figures (each group names its pages), except the
H100 and H200 memory, which is what NVML reported on those cards (81559 MiB and 143771 MiB), since
"80 GB" and "141 GB" are rounded marketing numbers. Bandwidth is the peak the memory interface
allows: data rate × bus width / 8, as the makers quote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from modelscout import units
from modelscout.errors import UsageError

GIB = 2**30
GB_PER_S = 1e9


@dataclass(frozen=True)
class Profile:
    key: str  # what `--profile` takes
    name: str  # what the hardware panel shows
    memory_bytes: (
        int  # VRAM per GPU; for unified memory (Mac, Strix Halo, DGX Spark) the whole pool
    )
    bandwidth_bytes_per_s: float
    unified: bool = False  # memory shared by CPU and GPU
    match: str | None = None  # substring of a detected device name this profile describes
    vendor: str = "nvidia"  # "nvidia" | "amd" | "intel" | "apple" | "cpu" (a machine with no GPU)
    gpu_share_bytes: int | None = None  # unified memory the GPU may use, where not Apple's rule
    cpu_cores: int | None = None  # CPU-only machines: cores the engine's threads run on
    cpu_arch: str | None = None  # CPU-only machines: as `uname -m` says
    cpu_features: tuple[str, ...] = ()  # CPU-only machines: names as hardware.cpu lists them
    compute_capability: str | None = None  # NVIDIA, where it changes the speed estimate

    @property
    def cpu_only(self) -> bool:
        return self.vendor == "cpu"


def _gpu(key: str, name: str, gib: float, gb_s: float, match: str | None = None) -> Profile:
    return Profile(key, name, int(gib * GIB), gb_s * GB_PER_S, False, match, "nvidia")


def _amd(key: str, name: str, gib: float, gb_s: float, match: str | None = None) -> Profile:
    return Profile(key, name, int(gib * GIB), gb_s * GB_PER_S, False, match, "amd")


def _intel(key: str, name: str, gib: float, gb_s: float, match: str | None = None) -> Profile:
    return Profile(key, name, int(gib * GIB), gb_s * GB_PER_S, False, match, "intel")


def _mac(key: str, name: str, gib: int, gb_s: float) -> Profile:
    return Profile(key, name, gib * GIB, gb_s * GB_PER_S, True, None, "apple")


def _apu(key: str, name: str, gib: int, gb_s: float, vendor: str, gpu_gib: int) -> Profile:
    return Profile(key, name, gib * GIB, gb_s * GB_PER_S, True, None, vendor, gpu_gib * GIB)


def _cpu(
    key: str, name: str, gib: int, gb_s: float, cores: int, arch: str, features: str
) -> Profile:
    return Profile(
        key, name, gib * GIB, gb_s * GB_PER_S, False, None, "cpu", None, cores, arch,
        tuple(features.split()),
    )  # fmt: skip


PROFILES: tuple[Profile, ...] = (
    # NVIDIA GeForce: nvidia.com product specification pages ("Memory Configuration", "Memory
    # Bandwidth"); cards that predate the pages' bandwidth line use data rate × bus width / 8.
    # Pascal: compute capability 6.1 (NVIDIA's CUDA GPUs page), which the speed estimate marks.
    replace(
        _gpu("gtx1050ti", "GeForce GTX 1050 Ti", 4, 112, "GTX 1050 Ti"), compute_capability="6.1"
    ),
    replace(_gpu("gtx1070", "GeForce GTX 1070", 8, 256, "GTX 1070"), compute_capability="6.1"),
    _gpu("rtx2060", "GeForce RTX 2060", 6, 336, "RTX 2060"),
    _gpu("rtx2070super", "GeForce RTX 2070 SUPER", 8, 448, "RTX 2070 SUPER"),
    _gpu("rtx2080", "GeForce RTX 2080", 8, 448, "RTX 2080"),
    _gpu("rtx2080ti", "GeForce RTX 2080 Ti", 11, 616, "RTX 2080 Ti"),
    _gpu("rtx3050", "GeForce RTX 3050 8 GB", 8, 224, "RTX 3050"),
    _gpu("rtx3060", "GeForce RTX 3060 12 GB", 12, 360, "RTX 3060"),
    _gpu("rtx3060ti", "GeForce RTX 3060 Ti", 8, 448, "RTX 3060 Ti"),
    _gpu("rtx3070", "GeForce RTX 3070", 8, 448, "RTX 3070"),
    _gpu("rtx3070ti", "GeForce RTX 3070 Ti", 8, 608, "RTX 3070 Ti"),
    _gpu("rtx3080", "GeForce RTX 3080 10 GB", 10, 760, "RTX 3080"),
    _gpu("rtx3080-12", "GeForce RTX 3080 12 GB", 12, 912),
    _gpu("rtx3080ti", "GeForce RTX 3080 Ti", 12, 912, "RTX 3080 Ti"),
    _gpu("rtx3090", "GeForce RTX 3090", 24, 936, "RTX 3090"),
    _gpu("rtx3090ti", "GeForce RTX 3090 Ti", 24, 1008, "RTX 3090 Ti"),
    _gpu("rtx4060", "GeForce RTX 4060", 8, 272, "RTX 4060"),
    _gpu("rtx4060ti-8", "GeForce RTX 4060 Ti 8 GB", 8, 288),
    _gpu("rtx4060ti", "GeForce RTX 4060 Ti 16 GB", 16, 288, "RTX 4060 Ti"),
    _gpu("rtx4070", "GeForce RTX 4070", 12, 504, "RTX 4070"),
    _gpu("rtx4070super", "GeForce RTX 4070 SUPER", 12, 504, "RTX 4070 SUPER"),
    _gpu("rtx4070ti", "GeForce RTX 4070 Ti", 12, 504, "RTX 4070 Ti"),
    _gpu("rtx4070tisuper", "GeForce RTX 4070 Ti SUPER", 16, 672, "RTX 4070 Ti SUPER"),
    _gpu("rtx4080", "GeForce RTX 4080", 16, 717, "RTX 4080"),
    _gpu("rtx4080super", "GeForce RTX 4080 SUPER", 16, 736, "RTX 4080 SUPER"),
    _gpu("rtx4090", "GeForce RTX 4090", 24, 1008, "RTX 4090"),
    _gpu("rtx5060", "GeForce RTX 5060", 8, 448, "RTX 5060"),
    _gpu("rtx5060ti-8", "GeForce RTX 5060 Ti 8 GB", 8, 448),
    _gpu("rtx5060ti", "GeForce RTX 5060 Ti 16 GB", 16, 448, "RTX 5060 Ti"),
    _gpu("rtx5070", "GeForce RTX 5070", 12, 672, "RTX 5070"),
    _gpu("rtx5070ti", "GeForce RTX 5070 Ti", 16, 896, "RTX 5070 Ti"),
    _gpu("rtx5080", "GeForce RTX 5080", 16, 960, "RTX 5080"),
    _gpu("rtx5090", "GeForce RTX 5090", 32, 1792, "RTX 5090"),
    # NVIDIA workstation (nvidia.com RTX professional datasheets).
    _gpu("rtxa400", "RTX A400", 4, 96, "RTX A400"),
    _gpu("rtxa2000", "RTX A2000 12 GB", 12, 288, "RTX A2000"),
    _gpu("rtxa4000", "RTX A4000", 16, 448, "RTX A4000"),
    _gpu("rtxa5000", "RTX A5000", 24, 768, "RTX A5000"),
    _gpu("rtxa6000", "RTX A6000", 48, 768, "RTX A6000"),
    _gpu("rtx4000ada", "RTX 4000 Ada", 20, 360, "RTX 4000 Ada"),
    _gpu("rtx5880ada", "RTX 5880 Ada", 48, 960, "RTX 5880 Ada"),
    _gpu("rtx6000ada", "RTX 6000 Ada", 48, 960, "RTX 6000 Ada"),
    _gpu("rtxpro6000", "RTX PRO 6000 Blackwell", 96, 1792, "RTX PRO 6000"),
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
    # DGX B200 datasheet: 1,440 GB HBM3e over 8 GPUs (180 GB each), 64 TB/s (8 TB/s each).
    _gpu("b200", "B200 180 GB", 180, 8000, "B200"),
    # DGX Spark (GB10) spec page: 128 GB LPDDR5x unified, 273 GB/s; the GPU may address it all.
    _apu("dgx-spark", "DGX Spark (GB10) 128 GB", 128, 273, "nvidia", 120),
    # AMD Radeon (amd.com product specifications: "Memory Size", "Memory Bandwidth" or, where the
    # page gives only "Effective Memory Speed" and "Memory Interface", their product).
    _amd("rx6500xt", "Radeon RX 6500 XT", 4, 144, "6500 XT"),
    _amd("rx6700xt", "Radeon RX 6700 XT", 12, 384, "6700 XT"),
    _amd("rx6800xt", "Radeon RX 6800 XT", 16, 512, "6800 XT"),
    _amd("rx6900xt", "Radeon RX 6900 XT", 16, 512, "6900 XT"),
    _amd("rx7600", "Radeon RX 7600", 8, 288, "RX 7600"),
    _amd("rx7600xt", "Radeon RX 7600 XT", 16, 288, "7600 XT"),
    _amd("rx7700xt", "Radeon RX 7700 XT", 12, 432, "7700 XT"),
    _amd("rx7800xt", "Radeon RX 7800 XT", 16, 624, "7800 XT"),
    _amd("rx7900gre", "Radeon RX 7900 GRE", 16, 576, "7900 GRE"),
    _amd("rx7900xt", "Radeon RX 7900 XT", 20, 800, "7900 XT"),
    _amd("rx7900xtx", "Radeon RX 7900 XTX", 24, 960, "7900 XTX"),
    _amd("rx9060xt", "Radeon RX 9060 XT 16 GB", 16, 320, "9060 XT"),
    _amd("rx9070", "Radeon RX 9070", 16, 640, "RX 9070"),
    _amd("rx9070xt", "Radeon RX 9070 XT", 16, 640, "9070 XT"),
    _amd("w7700", "Radeon PRO W7700", 16, 576, "W7700"),
    _amd("w7900", "Radeon PRO W7900", 48, 864, "W7900"),
    _amd("mi300x", "Instinct MI300X", 192, 5300, "MI300X"),
    _amd("mi325x", "Instinct MI325X", 256, 6000, "MI325X"),
    # Ryzen AI Max+ 395 ("Strix Halo"): 256-bit LPDDR5X-8000 = 256 GB/s (amd.com product page);
    # the GPU may take up to 96 GB of the 128 GB as dedicated memory (AMD Variable Graphics Memory).
    _apu("strix-halo-128", "Ryzen AI Max+ 395 128 GB", 128, 256, "amd", 96),
    _apu("strix-halo-64", "Ryzen AI Max+ 395 64 GB", 64, 256, "amd", 48),
    # Intel Arc (intel.com product specifications: "Graphics Memory", "Memory Bandwidth").
    _intel("arc-a750", "Arc A750", 8, 512, "A750"),
    _intel("arc-a770", "Arc A770 16 GB", 16, 560, "A770"),
    _intel("arc-b570", "Arc B570", 10, 380, "B570"),
    _intel("arc-b580", "Arc B580", 12, 456, "B580"),
    _intel("arc-pro-b50", "Arc Pro B50", 16, 224, "Pro B50"),
    _intel("arc-pro-b60", "Arc Pro B60", 24, 456, "Pro B60"),
    # Apple Silicon (apple.com tech specs and newsroom; "memory bandwidth"), common memory sizes.
    _mac("m1-16", "Apple M1 16 GB", 16, 68.25),
    _mac("m1-pro-32", "Apple M1 Pro 32 GB", 32, 200),
    _mac("m1-max-32", "Apple M1 Max 32 GB", 32, 400),
    _mac("m1-max-64", "Apple M1 Max 64 GB", 64, 400),
    _mac("m1-ultra-64", "Apple M1 Ultra 64 GB", 64, 800),
    _mac("m1-ultra-128", "Apple M1 Ultra 128 GB", 128, 800),
    _mac("m2-24", "Apple M2 24 GB", 24, 100),
    _mac("m2-pro-32", "Apple M2 Pro 32 GB", 32, 200),
    _mac("m2-max-96", "Apple M2 Max 96 GB", 96, 400),
    _mac("m2-ultra-192", "Apple M2 Ultra 192 GB", 192, 800),
    _mac("m3-24", "Apple M3 24 GB", 24, 100),
    _mac("m3-pro-36", "Apple M3 Pro 36 GB", 36, 150),
    _mac("m3-max-36", "Apple M3 Max 36 GB (30-core GPU)", 36, 300),
    _mac("m3-max-128", "Apple M3 Max 128 GB", 128, 400),
    _mac("m3-ultra-96", "Apple M3 Ultra 96 GB", 96, 819),
    _mac("m3-ultra-512", "Apple M3 Ultra 512 GB", 512, 819),
    _mac("m4-16", "Apple M4 16 GB", 16, 120),
    _mac("m4-32", "Apple M4 32 GB", 32, 120),
    _mac("m4-pro-24", "Apple M4 Pro 24 GB", 24, 273),
    _mac("m4-pro-48", "Apple M4 Pro 48 GB", 48, 273),
    _mac("m4-pro-64", "Apple M4 Pro 64 GB", 64, 273),
    _mac("m4-max-36", "Apple M4 Max 36 GB (32-core GPU)", 36, 410),
    _mac("m4-max-128", "Apple M4 Max 128 GB", 128, 546),
    _mac("m5-16", "Apple M5 16 GB", 16, 153),
    _mac("m5-32", "Apple M5 32 GB", 32, 153),
    _mac("m5-pro-48", "Apple M5 Pro 48 GB", 48, 307),
    _mac("m5-pro-64", "Apple M5 Pro 64 GB", 64, 307),
    _mac("m5-max-48", "Apple M5 Max 48 GB (40-core GPU)", 48, 614),
    _mac("m5-max-128", "Apple M5 Max 128 GB (40-core GPU)", 128, 614),
    # CPU-only machines. Raspberry Pi 5: LPDDR4X-4267 on a 32-bit bus = 17.1 GB/s (Raspberry Pi 5
    # product brief). Intel N150: single-channel DDR5-4800, "Max Memory Bandwidth 38.4 GB/s"
    # (ark.intel.com). AmpereOne A192-32X: 8 channels of DDR5-5200 = 332.8 GB/s (Ampere product
    # brief). A desktop with two DDR5-5600 channels: 89.6 GB/s (JEDEC JESD79-5 data rate × 16 bytes).
    # Features: the cores' published ISA (Cortex-A76: Armv8.2 with dot product; Gracemont: AVX2,
    # AVX-VNNI; AmpereOne: Armv8.6 with I8MM and BF16).
    _cpu("pi5-8", "Raspberry Pi 5 8 GB", 8, 17.1, 4, "aarch64", "NEON DOTPROD"),
    _cpu("pi5-16", "Raspberry Pi 5 16 GB", 16, 17.1, 4, "aarch64", "NEON DOTPROD"),
    _cpu("n150", "Intel N150 16 GB", 16, 38.4, 4, "x86_64", "AVX2 FMA F16C AVX-VNNI"),
    _cpu(
        "ampereone-192",
        "AmpereOne A192-32X 512 GB",
        512,
        332.8,
        192,
        "aarch64",
        "NEON DOTPROD I8MM BF16",
    ),
    _cpu(
        "ddr5-desktop", "Desktop CPU, 2× DDR5-5600, 64 GB", 64, 89.6, 8, "x86_64", "AVX2 FMA F16C"
    ),
)
PROFILES_BY_KEY: dict[str, Profile] = {p.key: p for p in PROFILES}

# Apple chip -> memory bandwidth (apple.com tech specs). Where a chip comes in two bandwidths
# (M3 Max 300/400 GB/s, M4 Max 410/546 GB/s by GPU core count) the lower one is listed, since
# sysctl does not tell the variants apart and an estimate should not promise too much. M5 Max is
# listed at 614 GB/s, the only figure Apple's announcement gives.
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
    "Apple M5": 153,
    "Apple M5 Pro": 307,
    "Apple M5 Max": 614,
}


def parse_size(text: str) -> int:
    """'24G', '24GB', '24GiB', '1.5T', '512M' or a bare '24' (GiB) as bytes (`modelscout.units`).

    GB and GiB both mean 2^30 here: GPU and RAM sizes sold as "24 GB" are binary sizes.
    """
    try:
        return units.parse_bytes(text)
    except units.UnitError as exc:
        raise UsageError(str(exc)) from None


def find_profile(key: str) -> Profile:
    wanted = key.strip().lower().replace("_", "-").replace(" ", "")
    profile = PROFILES_BY_KEY.get(wanted)
    if profile is None:
        known = ", ".join(PROFILES_BY_KEY)
        raise UsageError(f"unknown hardware profile '{key}' (profiles: {known})")
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
