"""Intel discrete GPUs (Arc, Data Center GPU) through the `xe` driver's sysfs files.

The xe driver publishes each tile's memory as `tileN/physical_vram_size_bytes` under the PCI device
(drivers/gpu/drm/xe/xe_tile_sysfs.c). The older i915 driver publishes none, so there the GPU is
named with a reason and planning needs `--vram`. Integrated GPUs (no tiles with VRAM) are skipped:
they share system RAM and add nothing to what fits.
"""

from __future__ import annotations

from pathlib import Path

from modelscout.hardware.gpu import Gpu, GpuProbe, drm_devices, read_int, read_text

INTEL_PCI_VENDOR = 0x8086  # PCI-SIG vendor id of Intel


def probe_intel(sys_root: Path = Path("/sys")) -> GpuProbe:
    devices = drm_devices(sys_root, INTEL_PCI_VENDOR)
    if not devices:
        return GpuProbe(reason="no Intel GPU in /sys/class/drm")
    gpus = []
    unreadable = 0
    for index, device in enumerate(devices):
        try:
            tiles = sorted(p for p in device.iterdir() if p.name.startswith("tile"))
        except OSError:
            tiles = []
        sizes = [read_int(t / "physical_vram_size_bytes") for t in tiles]
        total = sum(s for s in sizes if s is not None)
        if not total:
            unreadable += 1
            continue
        device_id = read_int(device / "device")
        driver_link = device / "driver"
        driver = driver_link.resolve().name if driver_link.exists() else None
        gpus.append(
            Gpu(
                vendor="intel",
                name=f"Intel GPU 0x{device_id:04x}" if device_id is not None else "Intel GPU",
                index=index,
                total_bytes=total,
                free_bytes=None,
                driver=driver or read_text(device / "driver" / "module" / "version"),
            )
        )
    if not gpus:
        return GpuProbe(
            reason="Intel GPU without published memory (integrated graphics share RAM; the i915 "
            "driver does not publish a discrete card's): use --vram to plan for one"
            if unreadable
            else "no Intel GPU in /sys/class/drm"
        )
    return GpuProbe(tuple(gpus))
