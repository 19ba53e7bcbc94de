"""Free disk space where the Hugging Face cache lives, so a pull can be checked before it starts.

The cache folder is resolved as huggingface_hub resolves it: HF_HUB_CACHE, else HF_HOME/hub, else
XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub (huggingface_hub constants.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DiskInfo:
    path: str  # the Hugging Face cache folder (may not exist yet)
    measured_path: str  # the nearest existing folder, whose file system was measured
    free_bytes: int
    total_bytes: int


def hf_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("HF_HUB_CACHE"):
        return Path(env["HF_HUB_CACHE"]).expanduser()
    if env.get("HF_HOME"):
        return Path(env["HF_HOME"]).expanduser() / "hub"
    cache = Path(env["XDG_CACHE_HOME"]).expanduser() if env.get("XDG_CACHE_HOME") else None
    return (cache or Path.home() / ".cache") / "huggingface" / "hub"


def read_disk(env: Mapping[str, str] | None = None) -> tuple[DiskInfo | None, list[str]]:
    target = hf_cache_dir(env)
    probe = target
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return None, [f"disk: cannot measure {probe}: {exc.strerror}"]
    return DiskInfo(str(target), str(probe), usage.free, usage.total), []
