"""Apple Silicon: unified memory from sysctl, and the share of it the GPU may wire.

The GPU has no memory of its own; Metal lets it wire up to `recommendedMaxWorkingSetSize`, which
macOS sets to about two thirds of RAM on machines up to 36 GB and three quarters above (Ollama and
llama.cpp report 96 GB usable on 128 GB Macs, 48 GB on 64 GB). `sysctl iogpu.wired_limit_mb` set to
a non-zero value replaces that default, so it wins when present.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from modelscout.hardware.gpu import Gpu, GpuProbe

SysctlRunner = Callable[[str], "str | None"]

# (RAM up to this many bytes, share the GPU may wire). Source: module docstring.
GPU_WIRED_SHARE: tuple[tuple[int, float], ...] = (
    (36 * 2**30, 2 / 3),
    (1 << 62, 3 / 4),
)
SYSCTL_KEYS: tuple[str, ...] = (
    "hw.memsize",
    "hw.physicalcpu",
    "hw.logicalcpu",
    "machdep.cpu.brand_string",
    "iogpu.wired_limit_mb",
    "hw.optional.arm64",
    "hw.optional.neon",
    "hw.optional.arm.FEAT_DotProd",
    "hw.optional.arm.FEAT_I8MM",
    "hw.optional.arm.FEAT_BF16",
    "hw.optional.arm.FEAT_SME",
    "machdep.cpu.features",
    "machdep.cpu.leaf7_features",
)


def parse_sysctl(text: str) -> dict[str, str]:
    """`sysctl a b` output ("a: 1" per line) as a dict."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def system_sysctl(keys: Sequence[str] = SYSCTL_KEYS, timeout_s: float = 2.0) -> SysctlRunner:
    """One `sysctl` call for every key (unknown keys are skipped by sysctl), served from a dict."""
    import subprocess  # here, not at the top: only macOS detection pays for it

    try:
        done = subprocess.run(
            ["sysctl", *keys], capture_output=True, text=True, timeout=timeout_s, check=False
        )
        values = parse_sysctl(done.stdout)
    except (OSError, subprocess.SubprocessError):
        values = {}
    return values.get


def gpu_wired_share_bytes(memsize: int, wired_limit_mb: int | None) -> int:
    if wired_limit_mb:
        return min(wired_limit_mb * 2**20, memsize)
    for bound, share in GPU_WIRED_SHARE:
        if memsize <= bound:
            return int(memsize * share)
    return int(memsize * GPU_WIRED_SHARE[-1][1])


def probe_apple(sysctl: SysctlRunner, bandwidth_for: Callable[[str], float | None]) -> GpuProbe:
    brand = sysctl("machdep.cpu.brand_string") or ""
    if sysctl("hw.optional.arm64") != "1" and not brand.startswith("Apple"):
        return GpuProbe(reason="not an Apple Silicon Mac")
    try:
        memsize = int(sysctl("hw.memsize") or "")
    except ValueError:
        return GpuProbe(reason="sysctl gave no hw.memsize")
    try:
        wired_limit_mb = int(sysctl("iogpu.wired_limit_mb") or "0")
    except ValueError:
        wired_limit_mb = 0
    share = gpu_wired_share_bytes(memsize, wired_limit_mb)
    name = brand or "Apple Silicon GPU"
    bandwidth = bandwidth_for(name)
    gpu = Gpu(
        vendor="apple",
        name=name,
        index=0,
        total_bytes=share,
        free_bytes=None,
        unified=True,
        bandwidth_bytes_per_s=bandwidth,
        bandwidth_source="profile table" if bandwidth else None,
    )
    return GpuProbe((gpu,))
