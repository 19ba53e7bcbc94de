"""Where huggingface_hub keeps its cache: one answer for downloads, the local view and the disk check.

Read from the environment at each call rather than from `huggingface_hub.constants`, which are fixed
when that module is imported (and importing it costs a start-up the CLI's quick commands avoid).
The order is huggingface_hub's own: HF_HUB_CACHE, the legacy HUGGINGFACE_HUB_CACHE, HF_HOME/hub,
$XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub, with `~` and `$VARS` expanded as it
expands them. A variable set to the empty string counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def hub_cache_dir(environ: Mapping[str, str] | None = None, explicit: Path | None = None) -> Path:
    """The cache folder: `explicit` (a --cache-dir) when given, else what the environment says."""
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ if environ is None else environ
    chosen = env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE")
    if not chosen:
        return hf_home(env) / "hub"
    return Path(_expand(chosen))


def hf_home(environ: Mapping[str, str] | None = None) -> Path:
    """huggingface_hub's home (its cache and its token file): HF_HOME, else
    $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface."""
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(_expand(env.get("HF_HOME") or os.path.join(cache, "huggingface")))


def _expand(path: str) -> str:
    return os.path.expandvars(os.path.expanduser(path))
