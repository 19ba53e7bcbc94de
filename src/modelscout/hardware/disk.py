"""Free disk space where the Hugging Face cache lives, so a pull can be checked before it starts.

The cache folder is the one downloads write to (`modelscout.hub.env`).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass

from modelscout.hub.env import hub_cache_dir


@dataclass(frozen=True)
class DiskInfo:
    path: str  # the Hugging Face cache folder (may not exist yet)
    measured_path: str  # the nearest existing folder, whose file system was measured
    free_bytes: int
    total_bytes: int


def read_disk(env: Mapping[str, str] | None = None) -> tuple[DiskInfo | None, list[str]]:
    target = hub_cache_dir(env)
    probe = target
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return None, [f"disk: cannot measure {probe}: {exc.strerror}"]
    return DiskInfo(str(target), str(probe), usage.free, usage.total), []
