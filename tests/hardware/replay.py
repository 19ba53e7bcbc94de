"""Replay machines recorded with record_machine.sh: file trees for /proc and /sys, and an NVML
stand-in that answers exactly what the real library answered there (record_nvml.py's JSON)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pynvml

DATA = Path(__file__).resolve().parent / "data"
H100 = DATA / "h100"  # device kind nvidia-h100-x1: 1× H100 80GB HBM3, Firecracker VM, cgroup v2
H200 = DATA / "h200"  # device kind nvidia-h200: 1× H200 141 GB, Firecracker VM, cgroup v2
EPYC = DATA / "epyc-nogpu"  # the development VM: AMD EPYC, no GPU, cgroup v1, virtio balloon


class RecordedNvml:
    """The slice of the pynvml module that modelscout calls, answering from a recording.

    A recorded failure is raised as the real pynvml exception for the recorded error value, so
    the code under test sees the same class it would on that machine.
    """

    NVML_CLOCK_MEM = pynvml.NVML_CLOCK_MEM

    def __init__(self, recording: dict[str, Any]) -> None:
        self.recording = recording
        self.calls: list[str] = []

    @classmethod
    def load(cls, path: Path) -> RecordedNvml:
        return cls(json.loads(path.read_text()))

    def _answer(self, entry: dict[str, Any]) -> Any:
        if "error" in entry:
            raise pynvml.NVMLError(entry["value"])
        return entry["value"]

    def _device(self, handle: int, key: str) -> Any:
        self.calls.append(key)
        return self._answer(self.recording["devices"][handle][key])

    def nvmlInit(self) -> None:
        self.calls.append("nvmlInit")
        self._answer(self.recording["nvmlInit"])

    def nvmlShutdown(self) -> None:
        self.calls.append("nvmlShutdown")

    def nvmlSystemGetDriverVersion(self) -> str:
        return self._answer(self.recording["nvmlSystemGetDriverVersion"])

    def nvmlDeviceGetCount(self) -> int:
        return self._answer(self.recording["nvmlDeviceGetCount"])

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    def nvmlDeviceGetName(self, handle: int) -> str:
        return self._device(handle, "nvmlDeviceGetName")

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> SimpleNamespace:
        return SimpleNamespace(**self._device(handle, "nvmlDeviceGetMemoryInfo"))

    def nvmlDeviceGetCudaComputeCapability(self, handle: int) -> tuple[int, int]:
        return tuple(self._device(handle, "nvmlDeviceGetCudaComputeCapability"))  # type: ignore[return-value]

    def nvmlDeviceGetMaxClockInfo(self, handle: int, clock: int) -> int:
        return self._device(handle, f"nvmlDeviceGetMaxClockInfo({clock})")

    def nvmlDeviceGetMemoryBusWidth(self, handle: int) -> int:
        return self._device(handle, "nvmlDeviceGetMemoryBusWidth")


class HangingNvml(RecordedNvml):
    """A driver that never answers nvmlInit (as a wedged GPU can): released by the test."""

    def __init__(self) -> None:
        super().__init__({})
        self.release = threading.Event()

    def nvmlInit(self) -> None:
        self.release.wait()
        raise pynvml.NVMLError(pynvml.NVML_ERROR_TIMEOUT)


def recorded_hw_json(machine: Path) -> dict[str, Any]:
    return json.loads((machine / "recorded" / "hw.json").read_text())


def nvidia_smi_rows(machine: Path) -> list[dict[str, str]]:
    """`nvidia-smi --query-gpu=... --format=csv` as dicts keyed by the header's field names."""
    lines = (machine / "recorded" / "nvidia-smi.csv").read_text().strip().splitlines()
    header = [h.strip().split(" ")[0] for h in lines[0].split(",")]
    return [
        dict(zip(header, (c.strip() for c in line.split(",")), strict=True)) for line in lines[1:]
    ]
