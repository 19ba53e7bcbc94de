"""NVIDIA GPUs through NVML (the nvidia-ml-py package, imported as `pynvml`).

NVML ships with the driver (libnvidia-ml), so it answers without CUDA installed. Each failure is a
reason, never an exception: no package, no library (no driver), driver not loaded, no device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modelscout.hardware.gpu import Gpu, GpuProbe

# NVML's clock type for memory (nvml.h: NVML_CLOCK_MEM = 2); pynvml exports the same constant.
NVML_CLOCK_MEM = 2
# Peak bandwidth = memory clock × bus width × 2 transfers per clock / 8 bits. NVML reports the
# memory clock such that this gives the datasheet figure for HBM and GDDR alike: the recorded H100
# 80GB HBM3 answers 2619 MHz × 5120 bit -> 3.35 TB/s, NVIDIA's H100 SXM datasheet figure.
TRANSFERS_PER_CLOCK = 2

# NVML error values (nvml.h nvmlReturn_t) turned into sentences a user can act on.
NVML_ERROR_TEXT: dict[int, str] = {
    9: "the NVIDIA driver is not loaded",  # NVML_ERROR_DRIVER_NOT_LOADED
    12: "no NVIDIA driver library (libnvidia-ml) found",  # NVML_ERROR_LIBRARY_NOT_FOUND
    18: "the NVIDIA driver and library versions differ (reboot after a driver update)",
    4: "no permission to query the NVIDIA driver",  # NVML_ERROR_NO_PERMISSION
    10: "NVML timed out talking to the GPU",  # NVML_ERROR_TIMEOUT
    15: "a GPU fell off the bus",  # NVML_ERROR_GPU_IS_LOST
}


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reason(exc: Exception) -> str:
    value = getattr(exc, "value", None)
    if isinstance(value, int) and value in NVML_ERROR_TEXT:
        return NVML_ERROR_TEXT[value]
    return f"NVML error: {exc}"


def _optional(call: Any, *args: Any) -> Any:
    """Fields some GPUs or drivers do not report (bus width on older cards, clocks under vGPU)."""
    try:
        return call(*args)
    except Exception:
        return None


def bandwidth_from_clocks(memory_clock_mhz: int | None, bus_width_bits: int | None) -> float | None:
    if not memory_clock_mhz or not bus_width_bits:
        return None
    return memory_clock_mhz * 1e6 * bus_width_bits * TRANSFERS_PER_CLOCK / 8


def nvidia_driver_present(dev: Path = Path("/dev"), proc: Path = Path("/proc")) -> bool:
    """Whether an NVIDIA kernel driver is loaded here (Linux), checked before loading NVML.

    The driver creates /dev/nvidiactl and /proc/driver/nvidia; WSL2 exposes GPUs through /dev/dxg
    instead. With none of them, importing and initialising NVML (about 90 ms cold) can only fail.
    """
    return any(
        p.exists()
        for p in (dev / "nvidiactl", dev / "nvidia0", proc / "driver" / "nvidia", dev / "dxg")
    )


def probe_nvidia(nvml: Any | None = None) -> GpuProbe:
    """Every NVIDIA GPU NVML can see; `nvml` is the pynvml module or a stand-in replaying answers."""
    if nvml is None:
        try:
            import pynvml  # provided by nvidia-ml-py
        except ImportError:
            return GpuProbe(reason="nvidia-ml-py is not installed")
        nvml = pynvml
    try:
        nvml.nvmlInit()
    except Exception as exc:
        return GpuProbe(reason=_reason(exc))
    try:
        driver = _optional(nvml.nvmlSystemGetDriverVersion)
        count = nvml.nvmlDeviceGetCount()
        gpus = []
        for index in range(count):
            handle = nvml.nvmlDeviceGetHandleByIndex(index)
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            capability = _optional(nvml.nvmlDeviceGetCudaComputeCapability, handle)
            bandwidth = bandwidth_from_clocks(
                _optional(nvml.nvmlDeviceGetMaxClockInfo, handle, NVML_CLOCK_MEM),
                _optional(nvml.nvmlDeviceGetMemoryBusWidth, handle),
            )
            gpus.append(
                Gpu(
                    vendor="nvidia",
                    name=_text(nvml.nvmlDeviceGetName(handle)),
                    index=index,
                    total_bytes=int(memory.total),
                    free_bytes=int(memory.free),
                    driver=_text(driver) if driver is not None else None,
                    compute_capability=f"{capability[0]}.{capability[1]}" if capability else None,
                    bandwidth_bytes_per_s=bandwidth,
                    bandwidth_source="NVML memory clock × bus width" if bandwidth else None,
                )
            )
    except Exception as exc:
        return GpuProbe(reason=_reason(exc))
    finally:
        _optional(nvml.nvmlShutdown)
    if not gpus:
        return GpuProbe(reason="the NVIDIA driver reports no GPU")
    return GpuProbe(tuple(gpus))
