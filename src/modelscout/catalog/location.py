"""Where the catalogue comes from at run time, and how the cached copy is written.

Order: an explicit path (``--catalog`` or ``MODELSCOUT_CATALOG``), else the user's refreshed cache when it
is present and valid, else the catalogue bundled with the package. A broken cache never stops the app:
it falls back to the bundled file and says so once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from modelscout.catalog.decoded import load_decoded
from modelscout.catalog.load import Catalog
from modelscout.errors import CatalogError
from modelscout.files import write_atomic

APP_NAME = "modelscout"
CATALOG_ENV = "MODELSCOUT_CATALOG"
CACHE_FILE = "catalog.json"


def cache_dir() -> Path:
    found = _user_dir("XDG_CACHE_HOME", ".cache")
    if found is None:
        import platformdirs

        found = Path(platformdirs.user_cache_dir(APP_NAME))
    return found


def config_dir() -> Path:
    found = _user_dir("XDG_CONFIG_HOME", ".config")
    if found is None:
        import platformdirs

        found = Path(platformdirs.user_config_dir(APP_NAME))
    return found


def _user_dir(variable: str, default: str) -> Path | None:
    """On Linux, the XDG rule platformdirs follows there (`$variable` when absolute, else
    `$HOME/default`, then our name), without importing it: platformdirs brings shutil,
    tempfile and its own platform probes, a tenth of a scripted `list --json`. None elsewhere,
    and wherever that rule might not be the whole story (Android, a HOME that is not absolute):
    platformdirs answers those (tests hold the two equal)."""
    home = os.environ.get("HOME", "")
    if sys.platform != "linux" or "ANDROID_DATA" in os.environ or not os.path.isabs(home):
        return None
    base = os.environ.get(variable, "")
    return Path(base if os.path.isabs(base) else os.path.join(home, default), APP_NAME)


def load_catalog(path: Path, origin: str = "file") -> Catalog:
    """`catalog.load_catalog`, through the decoded copy the user's cache keeps of each file."""
    return load_decoded(path, origin, cache_dir() / "decoded")


def cached_catalog_path() -> Path:
    return cache_dir() / CACHE_FILE


def bundled_catalog_path() -> Path:
    """The wheel carries the catalogue as package data; a source checkout keeps it at the repo root."""
    # The package's own folder, as importlib.resources would find it for an installed package,
    # without importing it (a fifth of a scripted `list --json`'s start-up).
    packaged = Path(__file__).resolve().parents[1] / "data" / "catalog.json"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "catalog.json"


def resolve_catalog(explicit: str | os.PathLike[str] | None = None) -> Catalog:
    """Load the catalogue the user asked for, or the best one available.

    An explicit path that is broken is an error (the user asked for it); a broken cache is not.
    """
    chosen = explicit if explicit is not None else os.environ.get(CATALOG_ENV) or None
    if chosen is not None:
        return load_catalog(Path(chosen), origin="file")
    cached = cached_catalog_path()
    notice: str | None = None
    bundled: Catalog | None = None
    if cached.exists():
        try:
            cache = load_catalog(cached, origin="cache")
        except CatalogError as exc:
            notice = f"cached catalogue ignored, using the bundled one: {exc}"
        else:
            bundled = load_catalog(bundled_catalog_path(), origin="bundled")
            # A newer modelscout ships newer curated facts than an old refresh holds.
            if not (cache.built and bundled.built and cache.built < bundled.built):
                return cache
            notice = (
                f"the bundled catalogue ({bundled.built}) is newer than the cached one "
                f"({cache.built}); using the bundled one until `modelscout catalog refresh`"
            )
    catalog = bundled or load_catalog(bundled_catalog_path(), origin="bundled")
    if notice is None:
        return catalog
    return Catalog(
        models=catalog.models,
        path=catalog.path,
        origin=catalog.origin,
        built=catalog.built,
        warnings=(*catalog.warnings, notice),
    )


def write_catalog(path: Path, document: dict[str, Any]) -> None:
    import json  # only a refresh writes: not imported by every run that reads

    write_atomic(path, json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8") + b"\n")
