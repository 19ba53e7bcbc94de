"""Will it run here? Memory needed per quantisation, a verdict, and a decode-speed estimate.

Pure functions over a `Model` and a `Hardware` record; `modelscout.fit.context.FitContext` caches
them per model for the CLI and the TUI (the engine asks thousands of times while sorting).

memory needed = weights at the quantisation + KV cache for the context + runtime overhead
decode tokens/s: the bandwidth ceiling (bandwidth / bytes read per token) and the estimate that
                 `modelscout.fit.speed` calibrates on published runs

Mixture-of-experts models keep every expert resident, so memory follows total parameters, while each
token reads only the active ones, so speed follows active parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from modelscout import units
from modelscout.catalog.model import Model
from modelscout.fit.kv import (
    DEFAULT_ENGINE,
    DEFAULT_KV_TYPE,
    ENGINES,
    KV_TYPES,
    KvEstimate,
    kv_cache,
    largest_context,
)
from modelscout.fit.quants import GIB, Quant, quants_for
from modelscout.fit.speed import (
    CALIBRATION,
    DevicePass,
    accuracy_note,
    backend_of,
    ceiling_tps,
    estimate_tps,
    legacy_gpu,
)
from modelscout.hardware.detect import Hardware
from modelscout.hardware.gpu import Gpu

DEFAULT_CONTEXT_TOKENS = 8192  # a working chat context; `--ctx` or the TUI's key changes it

# Runtime overhead: modelscout's margin, not a measurement of one engine. Each GPU holds a CUDA or
# Metal context plus compute buffers (llama.cpp logs a few hundred MiB of each at load), and the
# activations scale with the model, hence a fixed part and a share of the weights.
OVERHEAD_FIXED_BYTES = GIB // 2
OVERHEAD_WEIGHTS_FRACTION = 0.05
# RAM kept back for the operating system and the programs already running.
RAM_RESERVE_FRACTION = 0.10
RAM_RESERVE_MIN_BYTES = 2 * GIB


class Verdict(Enum):
    """Where a model runs, best first; the value is the rank `sort:fit` orders by."""

    GPU = 0
    OFFLOAD = 1
    CPU = 2
    NO = 3
    UNAVAILABLE = 4  # the weights cannot be downloaded, so it runs nowhere

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self]

    @property
    def short(self) -> str:
        return VERDICT_SHORT[self]


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.GPU: "fits on the GPU",
    Verdict.OFFLOAD: "fits with CPU offload",
    Verdict.CPU: "fits in RAM on the CPU",
    Verdict.NO: "does not fit",
    Verdict.UNAVAILABLE: "weights not available",
}
VERDICT_SHORT: dict[Verdict, str] = {
    Verdict.GPU: "GPU",
    Verdict.OFFLOAD: "GPU+CPU",
    Verdict.CPU: "CPU",
    Verdict.NO: "no",
    Verdict.UNAVAILABLE: "n/a",
}


@dataclass(frozen=True)
class QuantFit:
    quant: str
    bits: float
    weights_bytes: int
    kv_bytes: int
    overhead_bytes: int
    total_bytes: int
    verdict: Verdict
    est_tps: float | None  # an estimate; None where a bandwidth is unknown or it does not fit
    gpu_fraction: float  # share of the model on the GPU(s): 1.0 on GPU, 0.0 on CPU
    ceiling_tps: float | None = None  # bandwidth / bytes per token: what no engine exceeds


@dataclass(frozen=True)
class ModelFit:
    model_id: str
    context_tokens: int  # the context the KV cache was sized for
    kv_approximate: bool  # True when the KV cache came from the approximation, not config.json
    rows: tuple[QuantFit, ...]
    best: QuantFit | None  # the highest precision at the best verdict; None when nothing fits
    verdict: Verdict
    est_tps: float | None
    notes: tuple[str, ...] = ()


def weights_bytes(params_b: float, bits_per_weight: float) -> int:
    return int(params_b * 1e9 * bits_per_weight / 8)


@dataclass(frozen=True)
class FitOptions:
    """How the model would be run: the engine and its KV cache type (`--engine`, `--kv-cache`)."""

    engine: str = DEFAULT_ENGINE
    kv_type: str = DEFAULT_KV_TYPE

    def problem(self) -> str | None:
        """Why this combination cannot run, in a sentence; None when it can."""
        if self.engine not in ENGINES:
            return f"unknown engine '{self.engine}' (engines: {', '.join(ENGINES)})"
        kv = KV_TYPES.get(self.kv_type)
        if kv is None:
            return f"unknown KV cache type '{self.kv_type}' (types: {', '.join(KV_TYPES)})"
        if self.engine not in kv.engines:
            return (
                f"{self.engine} has no {self.kv_type} KV cache (it takes: "
                + ", ".join(k for k, t in KV_TYPES.items() if self.engine in t.engines)
                + ")"
            )
        return None


DEFAULT_OPTIONS = FitOptions()


def kv_for(model: Model, context_tokens: int, options: FitOptions = DEFAULT_OPTIONS) -> KvEstimate:
    return kv_cache(model, context_tokens, options.engine, options.kv_type)


def context_for(model: Model, requested: int | None) -> int:
    """The context sized for: the request (or the default), never past what the model supports.

    A request of 0 means each model's own maximum (`--ctx max`); a model with no known maximum
    then gets the default.
    """
    if requested == 0:
        return model.context_tokens or DEFAULT_CONTEXT_TOKENS
    wanted = requested if requested is not None else DEFAULT_CONTEXT_TOKENS
    if model.context_tokens is not None:
        return min(wanted, model.context_tokens)
    return wanted


def overhead_bytes(weights: int, devices: int) -> int:
    return OVERHEAD_FIXED_BYTES * max(devices, 1) + int(weights * OVERHEAD_WEIGHTS_FRACTION)


def ram_capacity(hardware: Hardware) -> int:
    ram = hardware.ram_bytes or 0
    return max(ram - max(int(ram * RAM_RESERVE_FRACTION), RAM_RESERVE_MIN_BYTES), 0)


def _slowest_bandwidth(gpus: tuple[Gpu, ...]) -> float | None:
    """Layers split across GPUs run one after another, so a token moves at the slowest card."""
    known = [g.bandwidth_bytes_per_s for g in gpus if g.bandwidth_bytes_per_s]
    return min(known) if known and len(known) == len(gpus) else None


@dataclass(frozen=True)
class Capacity:
    """What a machine offers a model, computed once per hardware rather than once per row."""

    gpu_count: int
    gpu_bytes: int
    ram_bytes: int  # usable RAM after the reserve
    offload_bytes: int  # GPU + RAM, or RAM alone on unified memory
    gpu_bandwidth: float | None
    cpu_bandwidth: float | None
    gpu_backend: str = "cuda"  # the llama.cpp backend of the GPUs (speed.BACKENDS)
    gpu_legacy: bool = False  # NVIDIA before Turing: a slower calibration term
    cpu_threads: int = 1  # the threads llama.cpp starts: one per physical core
    cpu_bandwidth_measured: bool = False  # a copy rate this machine ran, not a maker's peak

    @classmethod
    def of(cls, hardware: Hardware, options: FitOptions = DEFAULT_OPTIONS) -> Capacity:
        rules = ENGINES[options.engine]
        # vLLM takes a share of each GPU (--gpu-memory-utilization); llama.cpp all of it.
        gpu_bytes = int(hardware.gpu_memory_bytes * rules.gpu_memory_share)
        bandwidth = _slowest_bandwidth(hardware.gpus)
        if bandwidth and rules.multi_gpu == "tensor":
            # Tensor parallelism: every GPU reads its slice of each token at once.
            bandwidth *= len(hardware.gpus)
        ram = ram_capacity(hardware)
        # On unified memory the GPU's share is part of RAM: offloading adds nothing beyond RAM.
        offload = ram if hardware.unified else gpu_bytes + ram
        return cls(
            len(hardware.gpus),
            gpu_bytes,
            ram,
            offload,
            bandwidth,
            hardware.cpu_bandwidth_bytes_per_s,
            backend_of(hardware.gpus[0]) if hardware.gpus else "cpu",
            any(legacy_gpu(g) for g in hardware.gpus),
            hardware.cpu.physical_cores or hardware.cpu.logical_cores or 1,
            hardware.cpu_bandwidth_measured,
        )


def placement(weights: int, kv: int, capacity: Capacity) -> tuple[Verdict, float, int, int]:
    """(verdict, share on the GPUs, overhead, total) for a model of this size on this machine.

    Fewer bytes never give a worse verdict, which `FitContext.quick` relies on.
    """
    overhead = overhead_bytes(weights, capacity.gpu_count)
    total = weights + kv + overhead
    if capacity.gpu_count and total <= capacity.gpu_bytes:
        return Verdict.GPU, 1.0, overhead, total
    if capacity.gpu_count and capacity.gpu_bytes > overhead and total <= capacity.offload_bytes:
        return Verdict.OFFLOAD, (capacity.gpu_bytes - overhead) / (weights + kv), overhead, total
    if total <= capacity.ram_bytes:
        return Verdict.CPU, 0.0, overhead, total
    return Verdict.NO, 0.0, overhead, total


def quant_fit(model: Model, quant: Quant, capacity: Capacity, kv: int) -> QuantFit:
    bits = quant.bits_per_weight
    weights = weights_bytes(model.total_params_b, bits)
    verdict, gpu_fraction, overhead, total = placement(weights, kv, capacity)
    tps = ceiling = None
    if verdict is not Verdict.NO:
        # Each token reads the active weights once and the whole KV cache once.
        per_token = weights_bytes(model.active_params_b, bits) + kv
        tps, ceiling = decode_speed(per_token, gpu_fraction, capacity, model.moe)
    return QuantFit(
        quant.name, bits, weights, kv, overhead, total, verdict, tps, gpu_fraction, ceiling
    )


# MoE expert offload (llama.cpp `--n-cpu-moe N` / `-ot exps=CPU`): attention, embeddings, router
# and shared experts stay on the GPU, the routed experts live in RAM. The catalogue has no split of
# the parameters, so the part that is not a routed expert is taken as half of the active count:
# from the configs, Qwen3-30B-A3B's is 1.5B of 3.3B (routed: 8 of 128 experts x 48 layers x
# 3 x 2048 x 768), gpt-oss-20b's 1.2B of 3.6B, DeepSeek-V3's 16.6B of 37B (35-45 %). Half
# errs towards more on the GPU, so the GPU memory it asks for is not understated; the estimate
# says it is approximate.
MOE_SHARED_SHARE_OF_ACTIVE = 0.5


@dataclass(frozen=True)
class ExpertOffload:
    """A MoE model with its routed experts in RAM and the rest on the GPUs."""

    quant: str
    gpu_bytes: int  # shared weights + KV cache + overhead
    ram_bytes: int  # the routed experts
    est_tps: float | None
    ceiling_tps: float | None


def expert_offload(
    model: Model, capacity: Capacity, kv: int, options: FitOptions = DEFAULT_OPTIONS
) -> ExpertOffload | None:
    """The most precise quantisation that runs with the experts in RAM where it would not run on
    the GPUs whole; None for dense models, engines without the option (vLLM), or no such quant."""
    if not model.moe or options.engine != "llama.cpp" or not capacity.gpu_count:
        return None
    shared_b = min(model.active_params_b * MOE_SHARED_SHARE_OF_ACTIVE, model.total_params_b)
    for quant in quants_for(model, options.engine):
        bits = quant.bits_per_weight
        whole = weights_bytes(model.total_params_b, bits)
        if placement(whole, kv, capacity)[0] is Verdict.GPU:
            return None  # it fits on the GPUs whole: offloading only slows it down
        shared = weights_bytes(shared_b, bits)
        experts = whole - shared
        on_gpu = shared + kv + overhead_bytes(shared, capacity.gpu_count)
        if on_gpu > capacity.gpu_bytes or experts > capacity.ram_bytes:
            continue
        routed = weights_bytes(model.active_params_b - shared_b, bits)
        gpu_part = shared + kv
        share = gpu_part / (gpu_part + routed)
        est, ceiling = decode_speed(gpu_part + routed, share, capacity, True)
        return ExpertOffload(quant.name, on_gpu, experts, est, ceiling)
    return None


def context_fits(
    model: Model, capacity: Capacity, options: FitOptions = DEFAULT_OPTIONS
) -> dict[str, int]:
    """Per quantisation, the largest context whose cache still fits beside the weights: on the
    GPUs where there are any (the fast place), else in RAM. 0 where not even 256 tokens fit.

    Worked out on demand (`show`, the detail view) rather than in `fit_model`: a dozen cache
    sizings per quantisation are too many for every row of a sorted table."""
    room_total = capacity.gpu_bytes if capacity.gpu_count else capacity.ram_bytes
    found: dict[str, int] = {}
    for quant in quants_for(model, options.engine):
        weights = weights_bytes(model.total_params_b, quant.bits_per_weight)
        room = room_total - weights - overhead_bytes(weights, capacity.gpu_count)
        found[quant.name] = (
            largest_context(model, room, options.engine, options.kv_type) if room > 0 else 0
        )
    return found


def decode_parts(
    bytes_per_token: int, gpu_fraction: float, capacity: Capacity, moe: bool
) -> list[DevicePass] | None:
    """The share of each token the GPUs and the CPU handle; None where a bandwidth is unknown."""
    parts = []
    if gpu_fraction > 0:
        if not capacity.gpu_bandwidth:
            return None
        parts.append(
            DevicePass(
                bytes_per_token * gpu_fraction,
                capacity.gpu_bandwidth,
                capacity.gpu_backend,
                moe=moe,
                legacy=capacity.gpu_legacy,
            )
        )
    if gpu_fraction < 1:
        if not capacity.cpu_bandwidth:
            return None
        parts.append(
            DevicePass(
                bytes_per_token * (1 - gpu_fraction),
                capacity.cpu_bandwidth,
                "cpu",
                moe=moe,
                threads=capacity.cpu_threads,
                measured_bandwidth=capacity.cpu_bandwidth_measured,
            )
        )
    return parts


def decode_speed(
    bytes_per_token: int, gpu_fraction: float, capacity: Capacity, moe: bool
) -> tuple[float | None, float | None]:
    """(calibrated estimate, bandwidth ceiling) in tokens/s; (None, None) without a bandwidth."""
    parts = decode_parts(bytes_per_token, gpu_fraction, capacity, moe)
    if parts is None:
        return None, None
    return estimate_tps(parts), ceiling_tps(parts)


def fit_model(
    model: Model,
    hardware: Hardware,
    context_tokens: int | None = None,
    capacity: Capacity | None = None,
    options: FitOptions = DEFAULT_OPTIONS,
) -> ModelFit:
    """Every quantisation's memory, verdict and speed; `capacity` saves recomputing the machine."""
    capacity = capacity or Capacity.of(hardware, options)
    context = context_for(model, context_tokens)
    kv = kv_for(model, context, options)
    approximate = kv.approximate
    rows = tuple(quant_fit(model, q, capacity, kv.bytes) for q in quants_for(model, options.engine))
    runnable = [r for r in rows if r.verdict is not Verdict.NO]
    best = None
    if runnable:
        best_rank = min(r.verdict.value for r in runnable)
        best = next(r for r in rows if r.verdict.value == best_rank)  # rows: highest bits first
    notes: list[str] = []
    if not model.weights_available:
        notes.append("the weights are not available to download, so it cannot run here")
        best = None
    if model.moe:
        notes.append(
            f"mixture of experts: all {model.total_params_b:g}B parameters must be resident, "
            f"but each token reads only the {model.active_params_b:g}B active ones, so speed "
            "follows the active count"
        )
    if options.engine == "vllm":
        notes.append(
            "vLLM: memory follows vLLM's rules; the tok/s estimate is llama.cpp's CUDA calibration "
            "(no single-stream vLLM run is in the table yet), tensor parallelism's all-reduce "
            "left out"
        )
    if kv.note:
        notes.append(kv.note)
    elif len(kv.by_kind) > 1 or kv.by_kind[0][0] != "full":
        parts = ", ".join(f"{kind} {size / GIB:.2f} GiB" for kind, size in kv.by_kind)
        notes.append(f"KV cache by layer kind ({options.engine}, {options.kv_type}): {parts}")
    if model.context_tokens is not None and context_tokens and context_tokens > context:
        notes.append(f"context capped at the model's maximum, {model.context_tokens} tokens")
    return ModelFit(
        model_id=model.id,
        context_tokens=context,
        kv_approximate=approximate,
        rows=rows,
        best=best,
        verdict=best.verdict if best else _no_verdict(model),
        est_tps=best.est_tps if best else None,
        notes=tuple(notes),
    )


def _no_verdict(model: Model) -> Verdict:
    return Verdict.NO if model.weights_available else Verdict.UNAVAILABLE


def _short_gpu_name(name: str) -> str:
    for prefix in ("NVIDIA ", "GeForce ", "AMD ", "Radeon "):
        name = name.removeprefix(prefix)
    return name


def context_label(context_tokens: int | None) -> str:
    """'8k' for 8192 and 8000 alike (`units.tokens_label`), 'max' for each model's maximum."""
    tokens = DEFAULT_CONTEXT_TOKENS if context_tokens is None else context_tokens
    return "max" if tokens == 0 else units.tokens_label(tokens)


def hardware_summary(hardware: Hardware, context_tokens: int | None = None) -> str:
    parts: list[str] = []
    groups: dict[tuple[str, int, bool], int] = {}
    for gpu in hardware.gpus:
        key = (_short_gpu_name(gpu.name), gpu.total_bytes or 0, gpu.unified)
        groups[key] = groups.get(key, 0) + 1
    gpu_parts = []
    for (name, total, unified), count in groups.items():
        memory = f"{total / GIB:.0f} GiB" + (" GPU share" if unified else "")
        gpu_parts.append(f"{count}× {name} {memory}")
    parts.append(" + ".join(gpu_parts) if gpu_parts else "no GPU")
    if hardware.ram_bytes is not None:
        parts.append(f"{hardware.ram_bytes / GIB:.0f} GiB RAM")
    cores = hardware.cpu.physical_cores or hardware.cpu.logical_cores
    if cores:
        parts.append(f"{cores} cores")
    parts.append(f"ctx {context_label(context_tokens)}")
    if hardware.planned:
        parts.append(f"planning: {hardware.planned}")
    return " · ".join(parts)


def model_fit_to_dict(model_fit: ModelFit) -> dict[str, Any]:
    """JSON form: verdicts as their labels, the best quantisation by name."""
    rows = []
    for row in model_fit.rows:
        out = asdict(row)
        out["verdict"] = row.verdict.label
        rows.append(out)
    return {
        "model_id": model_fit.model_id,
        "context_tokens": model_fit.context_tokens,
        "kv_approximate": model_fit.kv_approximate,
        "verdict": model_fit.verdict.label,
        "fit_rank": model_fit.verdict.value,
        "best_quant": model_fit.best.quant if model_fit.best else None,
        "est_tps": model_fit.est_tps,
        "ceiling_tps": model_fit.best.ceiling_tps if model_fit.best else None,
        "est_tps_accuracy": {
            "loo_median_error": CALIBRATION.loo_median_error,
            "loo_p90_error": CALIBRATION.loo_p90_error,
            "runs": CALIBRATION.runs,
            "note": accuracy_note(),
        },
        "rows": rows,
        "notes": list(model_fit.notes),
    }
