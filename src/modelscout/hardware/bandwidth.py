"""CPU memory bandwidth, measured: a short multi-threaded copy, cached with the machine's fingerprint.

Decode on the CPU streams the weights from RAM once per token, so tokens/s follows the bandwidth
the cores can pull, which varies tenfold between a laptop with one DIMM, a desktop and a server.
A fixed figure (the old "77 GB/s") made every CPU estimate 3-5x high on small machines.

The probe copies buffers with `ctypes.memmove`: ctypes releases the GIL for the call, so one thread
per core copies at once, as the engine's threads read at once. Each thread owns its own source and
destination, large enough to leave the caches behind (see PER_THREAD_BYTES). The figure is bytes
copied per second, the best of a few passes (the first pass, which takes the page faults, is not
timed); it takes about 0.1-0.3 s. That rate is what llama.cpp's CPU decode reaches in practice (on a
2-core VM the copy moves 14-18 GB/s and a 16.5 GB Q4_K_M 27B decodes under 1 token/s), so fit uses
it as the effective bandwidth, where a maker's peak figure needs the CPU efficiency applied.

The result is cached in the user cache dir together with the CPU name, core count, RAM size and
architecture; a different machine (or `modelscout hw --measure`) measures again. Where the probe
cannot run, `FALLBACK_BANDWIDTH_BYTES_PER_S` stands in and says it is assumed.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from modelscout.files import write_atomic
from modelscout.hardware.profiles import GB_PER_S

# Two DDR5-4800 channels, 64 bits each (JEDEC JESD79-5: 4800 MT/s x 8 bytes x 2 = 76.8 GB/s), a
# typical desktop: what fit assumes when the probe cannot run (no ctypes, a failed allocation).
FALLBACK_BANDWIDTH_BYTES_PER_S = 76.8 * GB_PER_S
# 32 MiB source + 32 MiB destination per thread: past the L3 share of one core on every current
# desktop and server chip (AMD 3D V-Cache parts: 96 MiB over 8 cores = 12 MiB a core).
PER_THREAD_BYTES = 32 * 2**20
MAX_THREADS = 32  # more threads than this add nothing a decode engine would see, and cost memory
MAX_FOOTPRINT_FRACTION = 0.125  # never take more than an eighth of the available RAM
MIN_THREAD_BYTES = 4 * 2**20
TIMED_PASSES = 3
CACHE_FILE = "cpu-bandwidth.json"
# A measured figure outside this range is a broken probe or a tampered cache, not a machine.
PLAUSIBLE_BYTES_PER_S = (0.1 * GB_PER_S, 20_000 * GB_PER_S)


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a machine's memory system well enough to reuse a measurement."""

    cpu: str | None
    logical_cores: int | None
    ram_bytes: int | None
    arch: str


@dataclass(frozen=True)
class BandwidthReading:
    bytes_per_s: float
    source: str  # what `hw` prints beside it: "measured", "measured earlier", "assumed ..."
    threads: int | None = None


def measure_copy_bandwidth(threads: int, per_thread_bytes: int = PER_THREAD_BYTES) -> float:
    """Bytes per second that `threads` threads copying at once move from one buffer to another."""
    buffers = [
        (
            ctypes.create_string_buffer(per_thread_bytes),
            ctypes.create_string_buffer(per_thread_bytes),
        )
        for _ in range(threads)
    ]
    for src, dst in buffers:  # touch every page before timing (create_string_buffer zero-fills)
        ctypes.memmove(dst, src, per_thread_bytes)
    best = 0.0
    for _ in range(TIMED_PASSES):
        start = threading.Barrier(threads + 1)
        workers = [
            threading.Thread(target=_copy_after, args=(start, src, dst, per_thread_bytes))
            for src, dst in buffers
        ]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.perf_counter()
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - began
        if seconds > 0:
            best = max(best, per_thread_bytes * threads / seconds)
    return best


def _copy_after(
    start: threading.Barrier,
    src: ctypes.Array[ctypes.c_char],
    dst: ctypes.Array[ctypes.c_char],
    size: int,
) -> None:
    start.wait()  # every thread starts together, so the passes measure them all at once
    ctypes.memmove(dst, src, size)


def probe_threads(logical_cores: int | None, available_bytes: int | None) -> tuple[int, int]:
    """(threads, bytes per buffer): one thread a core, within MAX_THREADS and the RAM share."""
    threads = max(1, min(logical_cores or os.cpu_count() or 1, MAX_THREADS))
    per_thread = PER_THREAD_BYTES
    if available_bytes:
        budget = int(available_bytes * MAX_FOOTPRINT_FRACTION)
        per_thread = max(MIN_THREAD_BYTES, min(per_thread, budget // (2 * threads)))
    return threads, per_thread


def _plausible(value: object) -> bool:
    low, high = PLAUSIBLE_BYTES_PER_S
    return isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high


def read_cached(path: Path, fingerprint: Fingerprint) -> BandwidthReading | None:
    """The cached measurement when it is for this machine and sane; None otherwise."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("fingerprint") != asdict(fingerprint):
        return None
    value = document.get("bytes_per_s")
    threads = document.get("threads")
    if not isinstance(value, (int, float)) or not _plausible(value):
        return None
    if not isinstance(threads, int) or not 0 < threads <= MAX_THREADS:
        return None
    measured = document.get("measured_at")
    when = f" {measured}" if isinstance(measured, str) and len(measured) == 10 else ""
    return BandwidthReading(float(value), f"measured{when}, {threads} threads", threads)


def cpu_bandwidth(
    fingerprint: Fingerprint,
    available_bytes: int | None,
    cache_path: Path | None,
    *,
    refresh: bool = False,
    measure: Callable[[int, int], float] = measure_copy_bandwidth,
) -> BandwidthReading:
    """The cached figure for this machine, else a fresh measurement (saved), else the fallback."""
    if cache_path is not None and not refresh:
        cached = read_cached(cache_path, fingerprint)
        if cached is not None:
            return cached
    threads, per_thread = probe_threads(fingerprint.logical_cores, available_bytes)
    try:
        value = measure(threads, per_thread)
    except (MemoryError, OSError, RuntimeError) as exc:
        return BandwidthReading(FALLBACK_BANDWIDTH_BYTES_PER_S, f"assumed (probe failed: {exc})")
    if not _plausible(value):
        return BandwidthReading(
            FALLBACK_BANDWIDTH_BYTES_PER_S, "assumed (the probe's figure was implausible)"
        )
    today = time.strftime("%Y-%m-%d", time.gmtime())
    if cache_path is not None:
        document = {
            "fingerprint": asdict(fingerprint),
            "bytes_per_s": value,
            "threads": threads,
            "measured_at": today,
        }
        # An unwritable cache only costs a measurement next time.
        with contextlib.suppress(OSError):
            write_atomic(cache_path, json.dumps(document, indent=1).encode("utf-8") + b"\n")
    return BandwidthReading(value, f"measured {today}, {threads} threads", threads)


def default_cache_path() -> Path:
    from modelscout.catalog.location import cache_dir

    return cache_dir() / CACHE_FILE


def forget_measurement(path: Path | None = None) -> None:
    """Drop the cached figure, so the next detection measures again (`modelscout hw --measure`)."""
    with contextlib.suppress(FileNotFoundError):
        (path or default_cache_path()).unlink()
