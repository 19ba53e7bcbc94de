"""The GPU record every vendor module returns, so fit arithmetic never cares who made the chip."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Gpu:
    """One accelerator. Memory figures are bytes; None where the source did not say."""

    vendor: str  # "nvidia" | "amd" | "apple" | "intel" | "planned"
    name: str
    index: int
    total_bytes: int | None
    free_bytes: int | None
    driver: str | None = None
    compute_capability: str | None = None  # NVIDIA only, e.g. "9.0"
    bandwidth_bytes_per_s: float | None = None
    # Apple Silicon: the GPU shares system RAM, so `total_bytes` is the share it may wire, not a
    # separate pool; fit must not count the same bytes twice as GPU and as RAM.
    unified: bool = False
    bandwidth_source: str | None = (
        None  # how the bandwidth was found: "nvml clocks", "profile", ...
    )


@dataclass(frozen=True)
class GpuProbe:
    """What one vendor's probe found, or why it found nothing."""

    gpus: tuple[Gpu, ...] = ()
    reason: str | None = None  # set when nothing was found; says why in a sentence


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def read_int(path: Path) -> int | None:
    text = read_text(path)
    try:
        return int(text, 0) if text is not None else None
    except ValueError:
        return None


def drm_devices(sys_root: Path, vendor_id: int) -> list[Path]:
    """The PCI device folders of DRM cards from one vendor (`/sys/class/drm/cardN/device`).

    Connector entries (card0-DP-1) and render nodes are skipped; each card appears once.
    """
    drm = sys_root / "class" / "drm"
    try:
        names = sorted(
            (p.name for p in drm.iterdir() if p.name.startswith("card") and p.name[4:].isdigit()),
            key=lambda n: int(n[4:]),
        )
    except OSError:
        return []
    found = []
    for name in names:
        device = drm / name / "device"
        if read_int(device / "vendor") == vendor_id:
            found.append(device)
    return found
