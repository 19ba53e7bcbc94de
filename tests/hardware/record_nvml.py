"""Record NVML's raw answers on this machine as JSON, so tests can replay them.

Run on a machine with an NVIDIA driver: `python tests/hardware/record_nvml.py > nvml.json`.
Every call modelscout.hardware.nvidia makes is recorded with its answer, or with the NVML error
it raised, under the function's name.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _call(nvml: Any, name: str, *args: Any) -> dict[str, Any]:
    try:
        value = getattr(nvml, name)(*args)
    except Exception as exc:  # record the failure exactly as the library raised it
        return {
            "error": type(exc).__name__,
            "message": str(exc),
            "value": getattr(exc, "value", None),
        }
    return {"value": _plain(value)}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    fields = getattr(value, "_fields_", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name, *_ in fields}
    return repr(value)


def record() -> dict[str, Any]:
    import pynvml as nvml

    out: dict[str, Any] = {"library": getattr(nvml, "__version__", None)}
    out["nvmlInit"] = _call(nvml, "nvmlInit")
    if "error" in out["nvmlInit"]:
        return out
    for name in (
        "nvmlSystemGetDriverVersion",
        "nvmlSystemGetNVMLVersion",
        "nvmlSystemGetCudaDriverVersion",
        "nvmlDeviceGetCount",
    ):
        out[name] = _call(nvml, name)
    devices = []
    for index in range(out["nvmlDeviceGetCount"].get("value") or 0):
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        device: dict[str, Any] = {}
        for name, args in (
            ("nvmlDeviceGetName", ()),
            ("nvmlDeviceGetUUID", ()),
            ("nvmlDeviceGetMemoryInfo", ()),
            ("nvmlDeviceGetCudaComputeCapability", ()),
            ("nvmlDeviceGetPciInfo", ()),
            ("nvmlDeviceGetMemoryBusWidth", ()),
            ("nvmlDeviceGetMaxClockInfo", (nvml.NVML_CLOCK_MEM,)),
            ("nvmlDeviceGetMaxClockInfo", (nvml.NVML_CLOCK_SM,)),
            ("nvmlDeviceGetBrand", ()),
            ("nvmlDeviceGetMigMode", ()),
            ("nvmlDeviceGetPowerManagementLimit", ()),
            ("nvmlDeviceGetArchitecture", ()),
            ("nvmlDeviceGetNumGpuCores", ()),
        ):
            key = name + "".join(f"({a})" for a in args)
            device[key] = _call(nvml, name, handle, *args)
        try:
            info2 = nvml.nvmlDeviceGetMemoryInfo(handle, version=nvml.nvmlMemory_v2)
            device["nvmlDeviceGetMemoryInfo(v2)"] = {"value": _plain(info2)}
        except Exception as exc:
            device["nvmlDeviceGetMemoryInfo(v2)"] = {
                "error": type(exc).__name__,
                "message": str(exc),
            }
        devices.append(device)
    out["devices"] = devices
    out["nvmlShutdown"] = _call(nvml, "nvmlShutdown")
    return out


if __name__ == "__main__":
    json.dump(record(), sys.stdout, indent=1)
    sys.stdout.write("\n")
