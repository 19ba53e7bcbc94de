"""Quantisations: bits per weight for each format, with where each figure comes from.

One table of world constants (llama.cpp's quantize table, the OCP specs), and which formats a
model family ships natively.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelscout.catalog.model import Model

GIB = 2**30

# Llama-3-8B's parameter count (config.json of meta-llama/Meta-Llama-3-8B: 8,030,261,248), the
# model llama.cpp's quantize table measures file sizes on.
LLAMA3_8B_PARAMS = 8_030_261_248


def _bpw_from_llama_cpp(size_gib: float) -> float:
    """Bits per weight of a llama.cpp file type from its quantize table entry for Llama-3-8B."""
    return size_gib * GIB * 8 / LLAMA3_8B_PARAMS


@dataclass(frozen=True)
class Quant:
    name: str
    bits_per_weight: float
    source: str
    native_only: bool = False  # a format makers ship, not one anyone can quantise to (FP8, MXFP4)


# Highest precision first. The k-quant mixes keep some tensors at higher precision, so their
# average is above the block type's nominal bits; llama.cpp's `llama-quantize --help` table
# (tools/quantize/quantize.cpp, QUANT_OPTIONS) gives each type's file size for Llama-3-8B.
QUANTS: tuple[Quant, ...] = (
    Quant("F16/BF16", 16.0, "IEEE 754 half / bfloat16: 2 bytes per weight"),
    Quant("FP8", 8.0, "OCP FP8 (E4M3): 1 byte per weight; block scales add under 0.1%", True),
    Quant("Q8_0", _bpw_from_llama_cpp(7.96), "llama.cpp quantize table: 7.96G @ Llama-3-8B"),
    Quant("Q6_K", _bpw_from_llama_cpp(6.14), "llama.cpp quantize table: 6.14G @ Llama-3-8B"),
    Quant("Q5_K_M", _bpw_from_llama_cpp(5.33), "llama.cpp quantize table: 5.33G @ Llama-3-8B"),
    Quant("Q4_K_M", _bpw_from_llama_cpp(4.58), "llama.cpp quantize table: 4.58G @ Llama-3-8B"),
    Quant(
        "MXFP4",
        4.25,
        "OCP Microscaling spec v1.0: 4-bit elements + one 8-bit scale per 32 = 4.25 bits",
        True,
    ),
    Quant("Q3_K_M", _bpw_from_llama_cpp(3.74), "llama.cpp quantize table: 3.74G @ Llama-3-8B"),
    Quant("Q2_K", _bpw_from_llama_cpp(2.96), "llama.cpp quantize table: 2.96G @ Llama-3-8B"),
)
QUANTS_BY_NAME: dict[str, Quant] = {q.name: q for q in QUANTS}

# Formats a model family ships officially, by catalogue id prefix: OpenAI publishes gpt-oss in
# MXFP4 (its model card); Qwen publishes "-FP8" repositories of Qwen3 / Qwen3-VL / Qwen3.5.
NATIVE_FORMATS: tuple[tuple[str, str], ...] = (
    ("gpt-oss", "MXFP4"),
    ("qwen3", "FP8"),
)


def native_formats(model: Model) -> frozenset[str]:
    return frozenset(fmt for prefix, fmt in NATIVE_FORMATS if model.id.startswith(prefix))


_PORTABLE_QUANTS: tuple[Quant, ...] = tuple(q for q in QUANTS if not q.native_only)


# What vLLM serves of this table: the full-precision weights, FP8 (which it can also make on
# load, `--quantization fp8`, from vLLM's "FP8 W8A8" quantisation page) and the formats a maker
# ships (gpt-oss's MXFP4). llama.cpp's k-quants are GGUF files vLLM does not serve as its own.
VLLM_QUANTS: frozenset[str] = frozenset({"F16/BF16", "FP8"})


def quants_for(model: Model, engine: str = "llama.cpp") -> tuple[Quant, ...]:
    shipped = native_formats(model)
    if engine == "vllm":
        return tuple(q for q in QUANTS if q.name in VLLM_QUANTS or q.name in shipped)
    if not shipped:
        return _PORTABLE_QUANTS
    return tuple(q for q in QUANTS if not q.native_only or q.name in shipped)
