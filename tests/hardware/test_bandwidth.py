"""The CPU bandwidth probe: a real copy, cached per machine, refused when the cache lies."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from modelscout.hardware.bandwidth import (
    FALLBACK_BANDWIDTH_BYTES_PER_S,
    MAX_THREADS,
    MIN_THREAD_BYTES,
    PER_THREAD_BYTES,
    BandwidthReading,
    Fingerprint,
    cpu_bandwidth,
    forget_measurement,
    measure_copy_bandwidth,
    probe_threads,
)
from modelscout.hardware.cpu import CpuInfo
from modelscout.hardware.detect import ASSUMED_CPU_BANDWIDTH, detect_hardware
from modelscout.hardware.memory import MemoryInfo
from tests.hardware.replay import EPYC

MACHINE = Fingerprint("AMD EPYC 9654", 192, 768 * 2**30, "x86_64")


class CountingProbe:
    def __init__(self, value: float) -> None:
        self.value = value
        self.calls: list[tuple[int, int]] = []

    def __call__(self, threads: int, per_thread: int) -> float:
        self.calls.append((threads, per_thread))
        return self.value


def test_a_real_copy_moves_a_plausible_number_of_bytes() -> None:
    moved = measure_copy_bandwidth(2, MIN_THREAD_BYTES)
    assert math.isfinite(moved) and 1e8 < moved < 2e13


def test_threads_follow_the_cores_within_the_caps() -> None:
    assert probe_threads(2, None) == (2, PER_THREAD_BYTES)
    assert probe_threads(192, None) == (MAX_THREADS, PER_THREAD_BYTES)
    # 1 GiB available: an eighth is 128 MiB, over 32 threads' two buffers = 2 MiB, floored at 4 MiB
    assert probe_threads(192, 2**30) == (MAX_THREADS, MIN_THREAD_BYTES)


def test_the_measurement_is_cached_for_the_same_machine(tmp_path: Path) -> None:
    cache = tmp_path / "bw.json"
    probe = CountingProbe(40e9)
    first = cpu_bandwidth(MACHINE, None, cache, measure=probe)
    again = cpu_bandwidth(MACHINE, None, cache, measure=probe)
    assert first.bytes_per_s == again.bytes_per_s == 40e9
    assert len(probe.calls) == 1 and again.source.startswith("measured")
    other = Fingerprint("Intel N150", 4, 16 * 2**30, "x86_64")
    assert cpu_bandwidth(other, None, cache, measure=CountingProbe(12e9)).bytes_per_s == 12e9
    assert cpu_bandwidth(other, None, cache, refresh=True, measure=probe).bytes_per_s == 40e9
    forget_measurement(cache)
    assert not cache.exists()


@pytest.mark.parametrize("value", [float("inf"), 1e30, -5.0, "40e9", None])
def test_a_tampered_cache_is_measured_again(tmp_path: Path, value: object) -> None:
    cache = tmp_path / "bw.json"
    cpu_bandwidth(MACHINE, None, cache, measure=CountingProbe(40e9))
    document = json.loads(cache.read_text())
    document["bytes_per_s"] = value
    cache.write_text(json.dumps(document))
    probe = CountingProbe(30e9)
    assert cpu_bandwidth(MACHINE, None, cache, measure=probe).bytes_per_s == 30e9
    assert probe.calls


def test_a_failed_or_absurd_probe_falls_back_and_says_so(tmp_path: Path) -> None:
    def broken(threads: int, per_thread: int) -> float:
        raise MemoryError("no room")

    reading = cpu_bandwidth(MACHINE, None, tmp_path / "bw.json", measure=broken)
    assert reading.bytes_per_s == FALLBACK_BANDWIDTH_BYTES_PER_S
    assert reading.source.startswith("assumed")
    absurd = cpu_bandwidth(MACHINE, None, tmp_path / "bw.json", measure=CountingProbe(1e3))
    assert absurd.bytes_per_s == FALLBACK_BANDWIDTH_BYTES_PER_S
    assert not (tmp_path / "bw.json").exists()  # nothing implausible reaches the cache


def test_detection_uses_the_probe_it_is_given(tmp_path: Path) -> None:
    def probe(cpu: CpuInfo, memory: MemoryInfo) -> BandwidthReading:
        assert cpu.model_name and memory.total_bytes
        return BandwidthReading(55e9, "measured 2026-12-01, 8 threads", 8)

    recorded = {
        "system": "Linux",
        "machine": "x86_64",
        "proc": EPYC / "proc",
        "sys_root": EPYC / "sys",
        "cache_dir": tmp_path / "hub",
    }
    hardware = detect_hardware(**recorded, cpu_bandwidth_probe=probe)  # type: ignore[arg-type]
    assert hardware.cpu_bandwidth_bytes_per_s == 55e9 and hardware.cpu_bandwidth_measured
    # A recorded machine without a probe is not this machine: no measuring, the fallback says so.
    plain = detect_hardware(**recorded)  # type: ignore[arg-type]
    assert plain.cpu_bandwidth_source == ASSUMED_CPU_BANDWIDTH
    assert not plain.cpu_bandwidth_measured
