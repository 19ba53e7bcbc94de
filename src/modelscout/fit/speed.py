"""Decode speed: the bandwidth ceiling, and an estimate calibrated on published single-stream runs.

A token reads the active weights (and the KV cache) once, so bandwidth / bytes is a ceiling. Real
engines stay below it, by different amounts per backend, further below on mixture-of-experts
models (routing, many small expert matmuls) and, for small models, by a fixed cost per token
(kernel launches, sampling). The estimate is, per device a token passes through:

    seconds = bytes / bandwidth x (a_backend + m x [MoE] + l x [NVIDIA before Turing])
              + c_backend (x threads on the CPU)

a_backend is measured time over the ceiling's time, so 1 / a_backend is the share of the peak
bandwidth the backend reaches. The constants below are a weighted least-squares fit (relative error
in seconds per token) to the runs in `data/measurements/decode.csv`, made by
`modelscout.fit.calibrate.fit_calibration`; `bench/bench_speed.py` prints the fit and its
leave-one-out error, and a test checks that these numbers are that fit of that table.

A CPU bandwidth that modelscout measured (a copy the cores ran, see hardware.bandwidth) is already
what decode reaches, so the CPU term uses it with a = 1; a maker's peak figure gets a_cpu.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelscout.hardware.gpu import Gpu

BACKENDS: tuple[str, ...] = ("cuda", "metal", "rocm-vulkan", "cpu")
# Which llama.cpp backend drives a vendor's GPUs: CUDA for NVIDIA, Metal for Apple, ROCm (HIP) or
# Vulkan for AMD, SYCL or Vulkan for Intel (grouped with AMD: no Intel runs are in the table yet).
BACKEND_BY_VENDOR: dict[str, str] = {
    "nvidia": "cuda",
    "apple": "metal",
    "amd": "rocm-vulkan",
    "intel": "rocm-vulkan",
    "planned": "cuda",  # `--vram` without a profile: the most common card
}
# NVIDIA cards before Turing (compute capability < 7.0, GTX 10 series and older) lack the int8
# dot-product throughput llama.cpp's quantised kernels lean on; their runs sit far below the rest.
LEGACY_CUDA_BELOW = 7


@dataclass(frozen=True)
class SpeedCalibration:
    """The fitted constants; see the module docstring for the formula they enter."""

    time_over_ceiling: dict[str, float]  # a_backend
    fixed_seconds: dict[str, float]  # c_backend: per token; on the CPU per token per thread
    moe_time_over_ceiling: float  # m
    legacy_time_over_ceiling: float  # l
    ollama_fixed_seconds: float  # Ollama's extra cost per token over llama.cpp (fit only)
    runs: int  # rows of the table the fit used
    loo_median_error: float  # leave-one-out median |estimate / measured - 1|
    loo_p90_error: float


# Fitted by modelscout.fit.calibrate.fit_calibration to data/measurements/decode.csv (run
# `python bench/bench_speed.py` to see the fit, its per-row errors and the leave-one-out error).
CALIBRATION = SpeedCalibration(
    time_over_ceiling={"cuda": 1.216, "metal": 1.146, "rocm-vulkan": 1.205, "cpu": 1.862},
    fixed_seconds={"cuda": 0.001064, "metal": 0.002302, "rocm-vulkan": 0.001871, "cpu": 0.0001589},
    moe_time_over_ceiling=0.5366,
    legacy_time_over_ceiling=1.522,
    ollama_fixed_seconds=0.00101,
    runs=116,
    loo_median_error=0.06157,
    loo_p90_error=0.2156,
)


def backend_of(gpu: Gpu | None) -> str:
    """The llama.cpp backend a device runs on; None is the CPU."""
    if gpu is None:
        return "cpu"
    return BACKEND_BY_VENDOR.get(gpu.vendor, "cuda")


def legacy_gpu(gpu: Gpu | None) -> bool:
    if gpu is None or gpu.vendor != "nvidia" or not gpu.compute_capability:
        return False
    major = gpu.compute_capability.split(".", 1)[0]
    return major.isdigit() and int(major) < LEGACY_CUDA_BELOW


@dataclass(frozen=True)
class DevicePass:
    """The part of each token one device handles: its bytes and what decides their speed."""

    bytes_per_token: float
    bandwidth_bytes_per_s: float
    backend: str
    moe: bool = False
    legacy: bool = False
    threads: int = 1  # CPU only: the fixed cost grows with the threads that synchronise
    measured_bandwidth: bool = False  # CPU only: the bandwidth is a measured copy rate

    @property
    def ceiling_seconds(self) -> float:
        return self.bytes_per_token / self.bandwidth_bytes_per_s


def features(part: DevicePass) -> dict[str, float]:
    """The linear terms of `part`'s seconds per token, by constant name (what the fit solves for)."""
    x = part.ceiling_seconds
    terms: dict[str, float] = {}
    if part.backend == "cpu" and part.measured_bandwidth:
        terms["one"] = x  # a measured copy rate is already what the cores reach
    else:
        terms[f"a:{part.backend}"] = x
    terms[f"c:{part.backend}"] = float(part.threads) if part.backend == "cpu" else 1.0
    if part.moe:
        terms["m"] = x
    if part.legacy:
        terms["l"] = x
    return terms


def _coefficient(name: str, calibration: SpeedCalibration) -> float:
    kind, _, backend = name.partition(":")
    if kind == "one":
        return 1.0
    if kind == "a":
        return calibration.time_over_ceiling[backend]
    if kind == "c":
        return calibration.fixed_seconds[backend]
    if kind == "m":
        return calibration.moe_time_over_ceiling
    if kind == "l":
        return calibration.legacy_time_over_ceiling
    return calibration.ollama_fixed_seconds  # "o"


def seconds_per_token(parts: list[DevicePass], calibration: SpeedCalibration) -> float:
    return sum(
        value * _coefficient(name, calibration)
        for part in parts
        for name, value in features(part).items()
    )


def estimate_tps(
    parts: list[DevicePass], calibration: SpeedCalibration = CALIBRATION
) -> float | None:
    seconds = seconds_per_token(parts, calibration)
    return 1 / seconds if seconds > 0 else None


def ceiling_tps(parts: list[DevicePass]) -> float | None:
    """Bandwidth / bytes: what no engine exceeds, shown beside the estimate."""
    seconds = sum(p.ceiling_seconds for p in parts)
    return 1 / seconds if seconds > 0 else None


def accuracy_note(calibration: SpeedCalibration = CALIBRATION) -> str:
    """How far off the estimate has been, as `show` and the README say it."""
    return (
        f"±{calibration.loo_median_error * 100:.0f} % (median) on {calibration.runs} published runs"
    )
