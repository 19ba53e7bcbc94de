"""Assemble every source into one frozen `Hardware` record, or build one for a planned machine.

`detect_hardware` never raises: whatever it cannot read becomes a sentence in `notes`, and a GPU
probe that hangs (a wedged driver can block NVML for minutes) is abandoned after `gpu_timeout_s`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from modelscout.hardware import amd, apple, intel, nvidia
from modelscout.hardware.bandwidth import (
    FALLBACK_BANDWIDTH_BYTES_PER_S,
    BandwidthReading,
    Fingerprint,
    cpu_bandwidth,
    default_cache_path,
)
from modelscout.hardware.cpu import CpuInfo, SysctlRunner, read_linux_cpu, read_macos_cpu
from modelscout.hardware.disk import DiskInfo, read_disk
from modelscout.hardware.gpu import Gpu, GpuProbe
from modelscout.hardware.memory import MemoryInfo, read_linux_memory, read_psutil_memory
from modelscout.hardware.profiles import bandwidth_for_name

# CPU memory bandwidth when it is not measured (a recorded machine, a failed probe): see
# bandwidth.FALLBACK_BANDWIDTH_BYTES_PER_S for the figure and its source.
DEFAULT_CPU_BANDWIDTH_BYTES_PER_S = FALLBACK_BANDWIDTH_BYTES_PER_S
ASSUMED_CPU_BANDWIDTH = "assumed: two DDR5-4800 channels"
DEFAULT_GPU_TIMEOUT_S = 5.0
# sys.platform -> the names platform.system() gives, without importing `platform` (50 ms cold).
_SYSTEMS: dict[str, str] = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}


@dataclass(frozen=True)
class Hardware:
    os: str  # as platform.system() names it: "Linux", "Darwin", "Windows"
    cpu: CpuInfo
    memory: MemoryInfo
    gpus: tuple[Gpu, ...]
    disk: DiskInfo | None
    cpu_bandwidth_bytes_per_s: float | None
    notes: tuple[str, ...] = ()  # what could not be read, and why
    gpu_reason: str | None = None  # "no GPU detected" explained, when `gpus` is empty
    planned: str | None = None  # set for a planned machine: what was asked for
    # How the CPU bandwidth was found: "measured ..." (a copy the cores ran: already what decode
    # reaches), "published ..." (a maker's peak figure), or "assumed ..." (the fallback).
    cpu_bandwidth_source: str = ASSUMED_CPU_BANDWIDTH

    @property
    def cpu_bandwidth_measured(self) -> bool:
        return self.cpu_bandwidth_source.startswith("measured")

    @property
    def unified(self) -> bool:
        return any(g.unified for g in self.gpus)

    @property
    def gpu_memory_bytes(self) -> int:
        return sum(g.total_bytes or 0 for g in self.gpus)

    @property
    def ram_bytes(self) -> int | None:
        return self.memory.usable_bytes


def _run_probes(
    probes: list[tuple[str, Callable[[], GpuProbe]]], timeout_s: float
) -> list[GpuProbe]:
    """Run every probe at once in daemon threads; one that has not answered by the deadline
    (a wedged driver can block NVML for minutes) is reported and left behind."""
    results: dict[str, GpuProbe] = {}

    def run(what: str, probe: Callable[[], GpuProbe]) -> None:
        try:
            results[what] = probe()
        except Exception as exc:  # a probe bug must not take detection down with it
            results[what] = GpuProbe(reason=f"probe failed: {exc}")

    threads = []
    for what, probe in probes:
        thread = threading.Thread(target=run, args=(what, probe), name=f"probe-{what}", daemon=True)
        thread.start()
        threads.append((what, thread))
    deadline = time.monotonic() + timeout_s
    out = []
    for what, thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
        found = results.get(what)
        if found is None:
            found = GpuProbe(reason=f"the driver did not answer within {timeout_s:g} s")
        out.append(found)
    return out


def _guard(what: str, read: Callable[[], Any], fallback: Any, notes: list[str]) -> Any:
    try:
        value, found = read()
    except Exception as exc:
        notes.append(f"{what}: {exc}")
        return fallback
    notes.extend(found)
    return value


def detect_hardware(
    *,
    system: str | None = None,
    machine: str | None = None,
    proc: Path = Path("/proc"),
    sys_root: Path = Path("/sys"),
    dev: Path = Path("/dev"),
    cgroup_root: Path | None = None,
    nvml: Any | None = None,
    sysctl: SysctlRunner | None = None,
    cache_dir: Path | None = None,
    gpu_timeout_s: float = DEFAULT_GPU_TIMEOUT_S,
    cpu_bandwidth_probe: CpuBandwidthProbe | None = None,
) -> Hardware:
    """Read this machine (or the recorded one the readers describe); never raises.

    The CPU bandwidth is measured (or read from the probe's cache) only on the live machine, that
    is when no recorded reader is given; a recorded machine gets `cpu_bandwidth_probe` or the
    fallback figure.
    """
    live = proc == Path("/proc") and nvml is None and sysctl is None
    system = system or _SYSTEMS.get(sys.platform, sys.platform)
    machine = machine or (os.uname().machine if hasattr(os, "uname") else "unknown")
    notes: list[str] = []
    fallback_cpu = CpuInfo(None, machine, None, os.cpu_count(), ())
    fallback_memory = MemoryInfo(None, None, None, None)
    if system == "Darwin":
        if sysctl is None:
            sysctl = apple.system_sysctl()
        runner = sysctl
        cpu = _guard("CPU", lambda: read_macos_cpu(machine, runner), fallback_cpu, notes)
        memory = _guard("RAM", read_psutil_memory, fallback_memory, notes)
        if memory.total_bytes is None and runner("hw.memsize"):
            total = int(runner("hw.memsize") or 0)
            memory = MemoryInfo(total, None, None, total)
    elif system == "Linux":
        cpu = _guard("CPU", lambda: read_linux_cpu(machine, proc / "cpuinfo"), fallback_cpu, notes)
        memory = _guard(
            "RAM",
            lambda: read_linux_memory(
                proc / "meminfo",
                proc / "self" / "cgroup",
                cgroup_root or sys_root / "fs" / "cgroup",
                sys_root / "bus" / "virtio" / "devices",
            ),
            fallback_memory,
            notes,
        )
    else:
        cpu = fallback_cpu
        memory = _guard("RAM", read_psutil_memory, fallback_memory, notes)

    probes: list[tuple[str, Callable[[], GpuProbe]]] = [
        ("NVIDIA", lambda: nvidia.probe_nvidia(nvml))
    ]
    if system == "Linux" and nvml is None and not nvidia.nvidia_driver_present(dev, proc):
        no_driver = GpuProbe(reason="no NVIDIA driver loaded (no /dev/nvidiactl or /dev/dxg)")
        probes = [("NVIDIA", lambda: no_driver)]
    if system == "Linux":
        probes.append(("AMD", lambda: amd.probe_amd(sys_root)))
        probes.append(("Intel", lambda: intel.probe_intel(sys_root)))
    if system == "Darwin" and sysctl is not None:
        runner = sysctl
        probes = [("Apple", lambda: apple.probe_apple(runner, bandwidth_for_name))]
    gpus: list[Gpu] = []
    reasons: list[str] = []
    for (what, _), found in zip(probes, _run_probes(probes, gpu_timeout_s), strict=True):
        gpus.extend(found.gpus)
        if found.reason:
            reasons.append(f"{what}: {found.reason}")
    gpus = [_with_table_bandwidth(g) for g in gpus]
    disk = _guard("disk", lambda: read_disk(cache_dir), None, notes) if cache_dir else None
    gpu_reason = None if gpus else "no GPU detected (" + "; ".join(reasons) + ")"
    apple_bandwidth = next((g.bandwidth_bytes_per_s for g in gpus if g.unified), None)
    if apple_bandwidth:
        reading = BandwidthReading(apple_bandwidth, "published: the chip's unified memory")
    elif cpu_bandwidth_probe is None and not live:
        reading = BandwidthReading(DEFAULT_CPU_BANDWIDTH_BYTES_PER_S, ASSUMED_CPU_BANDWIDTH)
    else:
        probe = cpu_bandwidth_probe or live_cpu_bandwidth
        try:
            reading = probe(cpu, memory)
        except Exception as exc:  # a probe bug must not take detection down with it
            notes.append(f"RAM bandwidth: {exc}")
            reading = BandwidthReading(DEFAULT_CPU_BANDWIDTH_BYTES_PER_S, ASSUMED_CPU_BANDWIDTH)
    return Hardware(
        os=system,
        cpu=cpu,
        memory=memory,
        gpus=tuple(gpus),
        disk=disk,
        cpu_bandwidth_bytes_per_s=reading.bytes_per_s,
        notes=tuple(notes),
        gpu_reason=gpu_reason,
        cpu_bandwidth_source=reading.source,
    )


CpuBandwidthProbe = Callable[[CpuInfo, MemoryInfo], BandwidthReading]


def live_cpu_bandwidth(cpu: CpuInfo, memory: MemoryInfo) -> BandwidthReading:
    """This machine's measured bandwidth, from the cache when the fingerprint still matches."""
    fingerprint = Fingerprint(cpu.model_name, cpu.logical_cores, memory.total_bytes, cpu.arch)
    return cpu_bandwidth(fingerprint, memory.available_bytes, default_cache_path())


def _with_table_bandwidth(gpu: Gpu) -> Gpu:
    if gpu.bandwidth_bytes_per_s is not None:
        return gpu
    bandwidth = bandwidth_for_name(gpu.name)
    if bandwidth is None:
        return gpu
    return replace(gpu, bandwidth_bytes_per_s=bandwidth, bandwidth_source="profile table")


def hardware_to_dict(hardware: Hardware) -> dict[str, Any]:
    """The JSON form `modelscout hw --json` prints: every field, units in the names."""
    out = asdict(hardware)
    out["gpu_memory_bytes"] = hardware.gpu_memory_bytes
    out["unified"] = hardware.unified
    return out
