"""Free disk space where the Hugging Face cache lives, so a pull can be checked before it starts.

The caller says which folder (the HF cache that downloads write to, `modelscout.hub.env`), so
hardware detection knows nothing of the Hub.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DiskInfo:
    path: str  # the Hugging Face cache folder (may not exist yet)
    measured_path: str  # the nearest existing folder, whose file system was measured
    free_bytes: int
    total_bytes: int


def read_disk(target: Path) -> tuple[DiskInfo | None, list[str]]:
    probe = target
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return None, [f"disk: cannot measure {probe}: {exc.strerror}"]
    return DiskInfo(str(target), str(probe), usage.free, usage.total), []
