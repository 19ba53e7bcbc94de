"""AMD GPUs through the amdgpu driver's sysfs files, which need no ROCm install.

`mem_info_vram_total` / `mem_info_vram_used` are the amdgpu driver's documented per-device files
(Linux kernel docs, "drm/amdgpu AMDgpu driver: GPU Memory Usage Information").
"""

from __future__ import annotations

from pathlib import Path

from modelscout.hardware.gpu import Gpu, GpuProbe, drm_devices, read_int, read_text

AMD_PCI_VENDOR = 0x1002  # PCI-SIG vendor id of Advanced Micro Devices (ATI)


def probe_amd(sys_root: Path = Path("/sys")) -> GpuProbe:
    devices = drm_devices(sys_root, AMD_PCI_VENDOR)
    if not devices:
        return GpuProbe(reason="no AMD GPU in /sys/class/drm")
    driver = read_text(sys_root / "module" / "amdgpu" / "version")
    gpus = []
    for index, device in enumerate(devices):
        total = read_int(device / "mem_info_vram_total")
        used = read_int(device / "mem_info_vram_used")
        if total is None:
            continue  # not bound to amdgpu (vfio passthrough, radeon): nothing to read
        device_id = read_int(device / "device")
        name = read_text(device / "product_name") or (
            f"AMD GPU 0x{device_id:04x}" if device_id is not None else "AMD GPU"
        )
        gpus.append(
            Gpu(
                vendor="amd",
                name=name,
                index=index,
                total_bytes=total,
                free_bytes=total - used if used is not None else None,
                driver=driver,
            )
        )
    if not gpus:
        return GpuProbe(reason="AMD GPU found but the amdgpu driver exposes no memory figures")
    return GpuProbe(tuple(gpus))
