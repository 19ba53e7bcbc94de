"""System memory: total and available RAM, capped by a cgroup limit where one applies.

Linux: /proc/meminfo's MemTotal and MemAvailable (the two figures psutil.virtual_memory() reports
there too), then the memory limit of this process's cgroup (v2 `memory.max`, v1
`memory.limit_in_bytes`), the smallest along the path to the root since every ancestor's limit binds.
Other systems: psutil.

Some virtual machines start with a small MemTotal and hand the guest more as it uses memory (a
balloon or virtio-mem device; seen on multi-GPU Firecracker hosts: MemTotal 31 GiB at start, 255 GiB
once 192 GiB were filled, under a 256 GiB limit). There MemTotal understates what a model can use,
so when such a device is present and the cgroup limit exceeds MemTotal, the limit is what we plan
with, and `grows_on_use` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# cgroup v1 writes "no limit" as the largest page-aligned signed 64-bit number (9223372036854771712);
# anything from 2^62 up is treated as unlimited.
CGROUP_UNLIMITED_FROM = 1 << 62
# Virtio device ids (OASIS virtio 1.2, section 5): 5 = memory balloon, 24 = memory device (virtio-mem).
VIRTIO_GROWABLE_MEMORY_IDS: frozenset[int] = frozenset({5, 24})


@dataclass(frozen=True)
class MemoryInfo:
    total_bytes: int | None  # MemTotal as the kernel reports it now
    available_bytes: int | None  # MemAvailable, or the cgroup headroom when that is smaller
    limit_bytes: int | None  # the cgroup memory limit; None where none applies
    usable_bytes: int | None  # what fit plans with: total capped by the limit (or grown to it)
    grows_on_use: bool = False  # MemTotal grows as memory is used (balloon / virtio-mem VM)


def parse_meminfo(text: str) -> dict[str, int]:
    """/proc/meminfo as bytes: 'MemTotal:  131981020 kB' -> {'MemTotal': 135148564480}."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        parts = rest.split()
        if not sep or not parts or not parts[0].isdigit():
            continue
        scale = 1024 if len(parts) > 1 and parts[1].lower() == "kb" else 1
        out[key.strip()] = int(parts[0]) * scale
    return out


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    if not text.isdigit():
        return None  # "max" in cgroup v2 means no limit
    return int(text)


def cgroup_memory(
    self_cgroup: Path = Path("/proc/self/cgroup"), cgroup_root: Path = Path("/sys/fs/cgroup")
) -> tuple[int | None, int | None]:
    """(limit, usage) in bytes of this process's cgroup; (None, None) where no limit applies."""
    try:
        lines = self_cgroup.read_text().splitlines()
    except OSError:
        return None, None
    candidates: list[tuple[Path, str, str]] = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":  # v2 unified hierarchy
            candidates.append((cgroup_root / path.lstrip("/"), "memory.max", "memory.current"))
            candidates.append(
                (cgroup_root / "unified" / path.lstrip("/"), "memory.max", "memory.current")
            )
        elif "memory" in controllers.split(","):
            base = cgroup_root / "memory" / path.lstrip("/")
            candidates.append((base, "memory.limit_in_bytes", "memory.usage_in_bytes"))
    best_limit: int | None = None
    best_usage: int | None = None
    for leaf, limit_name, usage_name in candidates:
        directory = leaf
        while True:
            limit = _read_int(directory / limit_name)
            if (
                limit is not None
                and limit < CGROUP_UNLIMITED_FROM
                and (best_limit is None or limit < best_limit)
            ):
                best_limit = limit
                best_usage = _read_int(directory / usage_name)
            if directory == cgroup_root or cgroup_root not in directory.parents:
                break
            directory = directory.parent
    return best_limit, best_usage


def growable_memory_device(virtio_devices: Path = Path("/sys/bus/virtio/devices")) -> bool:
    """Whether a balloon or virtio-mem device can give this VM memory it does not show yet."""
    try:
        devices = list(virtio_devices.iterdir())
    except OSError:
        return False
    for device in devices:
        try:
            device_id = int((device / "device").read_text().strip(), 16)
        except (OSError, ValueError):
            continue
        if device_id in VIRTIO_GROWABLE_MEMORY_IDS:
            return True
    return False


def combine(
    total: int | None,
    available: int | None,
    limit: int | None,
    usage: int | None,
    growable: bool,
) -> tuple[MemoryInfo, list[str]]:
    """Apply a cgroup limit to kernel totals; the one place the VM growth rule lives."""
    notes: list[str] = []
    usable = total
    grows = False
    if limit is not None and total is not None:
        if limit < total:
            usable = limit
            headroom = max(limit - usage, 0) if usage is not None else None
            if headroom is not None and (available is None or headroom < available):
                available = headroom
            notes.append(f"RAM: capped by a cgroup memory limit of {limit / 2**30:.1f} GiB")
        elif limit > total and growable:
            usable = limit
            grows = True
            if available is not None:
                available += limit - total
            notes.append(
                f"RAM: this VM's MemTotal ({total / 2**30:.1f} GiB) grows as memory is used; "
                f"planning with its memory limit ({limit / 2**30:.1f} GiB)"
            )
    return MemoryInfo(total, available, limit, usable, grows), notes


def read_linux_memory(
    meminfo: Path = Path("/proc/meminfo"),
    self_cgroup: Path = Path("/proc/self/cgroup"),
    cgroup_root: Path = Path("/sys/fs/cgroup"),
    virtio_devices: Path = Path("/sys/bus/virtio/devices"),
) -> tuple[MemoryInfo, list[str]]:
    try:
        fields = parse_meminfo(meminfo.read_text())
    except OSError as exc:
        return MemoryInfo(None, None, None, None), [f"RAM: cannot read {meminfo}: {exc.strerror}"]
    total = fields.get("MemTotal")
    available = fields.get("MemAvailable", fields.get("MemFree"))
    limit, usage = cgroup_memory(self_cgroup, cgroup_root)
    growable = (
        limit is not None
        and total is not None
        and limit > total
        and growable_memory_device(virtio_devices)
    )
    return combine(total, available, limit, usage, growable)


def read_psutil_memory(
    virtual_memory: Callable[[], Any] | None = None,
) -> tuple[MemoryInfo, list[str]]:
    """macOS, Windows and the BSDs: psutil knows each system's call."""
    try:
        if virtual_memory is None:
            import psutil

            virtual_memory = psutil.virtual_memory
        vm = virtual_memory()
    except Exception as exc:  # psutil raises OS-specific errors; any of them means "unknown"
        return MemoryInfo(None, None, None, None), [f"RAM: psutil could not read memory: {exc}"]
    return MemoryInfo(int(vm.total), int(vm.available), None, int(vm.total)), []
