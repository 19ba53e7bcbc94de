"""Record how /proc/meminfo changes while this process fills memory (for virtual machines whose
MemTotal grows as memory is used). Usage: record_memory_growth.py GIB STEP_GIB > growth.json"""

from __future__ import annotations

import json
import sys
import time


def meminfo() -> dict[str, int]:
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("MemTotal", "MemFree", "MemAvailable", "Cached"):
                out[key] = int(rest.split()[0]) * 1024
    return out


def main() -> None:
    total_gib, step_gib = int(sys.argv[1]), int(sys.argv[2])
    start = time.monotonic()
    samples = [{"t_s": 0.0, "filled_gib": 0, **meminfo()}]
    held = []
    for filled in range(step_gib, total_gib + 1, step_gib):
        held.append(b"\x01" * (step_gib << 30))
        samples.append(
            {"t_s": round(time.monotonic() - start, 2), "filled_gib": filled, **meminfo()}
        )
    del held
    for _ in range(3):
        time.sleep(1)
        samples.append({"t_s": round(time.monotonic() - start, 2), "filled_gib": 0, **meminfo()})
    json.dump(samples, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
