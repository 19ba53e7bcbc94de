"""RAM and cgroup limits replayed from two real VMs, and the rule for VMs whose MemTotal grows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelscout.hardware.memory import cgroup_memory, combine, parse_meminfo, read_linux_memory
from tests.hardware.replay import EPYC, H100, H200

GIB = 2**30


def _read(machine: Path):
    return read_linux_memory(
        machine / "proc" / "meminfo",
        machine / "proc" / "self" / "cgroup",
        machine / "sys" / "fs" / "cgroup",
        machine / "sys" / "bus" / "virtio" / "devices",
    )


def test_h100_cgroup_v2_limit_is_read_from_the_parent_and_does_not_cap() -> None:
    memory, notes = _read(H100)
    assert memory.total_bytes == 131981020 * 1024  # MemTotal line of the recorded meminfo
    assert memory.limit_bytes == 128 * GIB  # process_api/memory.max; the leaf says "max"
    assert memory.usable_bytes == memory.total_bytes  # the limit exceeds RAM: RAM binds
    assert memory.grows_on_use is False  # no balloon or virtio-mem device on that VM
    assert notes == []


@pytest.mark.parametrize(
    ("machine", "filled_gib"), [(H100, 48), (H200, 32), (EPYC, 8)], ids=["h100", "h200", "epyc"]
)
def test_memtotal_stayed_put_while_memory_was_filled(machine: Path, filled_gib: int) -> None:
    # The single-GPU kinds and the development VM do not grow MemTotal (the multi-GPU kinds do,
    # per their description; none was lent to record).
    samples = json.loads((machine / "recorded" / "memory_growth.json").read_text())
    assert max(s["filled_gib"] for s in samples) == filled_gib
    assert len({s["MemTotal"] for s in samples}) == 1


def test_epyc_cgroup_v1_no_limit_means_none() -> None:
    memory, _ = _read(EPYC)
    limit, _ = cgroup_memory(EPYC / "proc" / "self" / "cgroup", EPYC / "sys" / "fs" / "cgroup")
    assert limit is None  # 9223372036854771712 is cgroup v1's "unlimited"
    assert memory.limit_bytes is None
    assert memory.usable_bytes == memory.total_bytes
    assert memory.grows_on_use is False  # a balloon is present, but there is no limit to grow to


def test_growing_vm_plans_with_its_limit() -> None:
    # The 2×H200 kind as observed: MemTotal 31 GiB at start, memory limit 256 GiB, balloon VM.
    memory, notes = combine(31 * GIB, 30 * GIB, 256 * GIB, 1 * GIB, growable=True)
    assert memory.usable_bytes == 256 * GIB
    assert memory.available_bytes == 30 * GIB + 225 * GIB
    assert memory.grows_on_use is True
    assert "grows as memory is used" in notes[0]


def test_limit_above_ram_without_growth_device_is_ignored() -> None:
    memory, notes = combine(64 * GIB, 60 * GIB, 256 * GIB, None, growable=False)
    assert memory.usable_bytes == 64 * GIB and not memory.grows_on_use and notes == []


def test_container_limit_below_ram_caps_total_and_available() -> None:
    memory, notes = combine(125 * GIB, 120 * GIB, 16 * GIB, 4 * GIB, growable=False)
    assert memory.usable_bytes == 16 * GIB
    assert memory.available_bytes == 12 * GIB
    assert "cgroup memory limit" in notes[0]


def test_meminfo_units() -> None:
    fields = parse_meminfo((EPYC / "proc" / "meminfo").read_text())
    assert fields["MemTotal"] % 1024 == 0
    assert fields["MemAvailable"] <= fields["MemTotal"]
    assert fields["HugePages_Total"] == 0  # a count, not kB


def test_unreadable_meminfo_is_a_note(tmp_path: Path) -> None:
    memory, notes = read_linux_memory(tmp_path / "meminfo")
    assert memory.total_bytes is None and "meminfo" in notes[0]
