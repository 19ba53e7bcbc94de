"""KV cache per layer kind, against figures computed by hand from each model's config.json.

Each test names the config fields it uses; the arithmetic in the comment is the test's expected
value, and where llama.cpp logged its own allocation for the same case, that figure is quoted.
"""

from __future__ import annotations

from typing import Any

import pytest

from modelscout.catalog.model import Model
from modelscout.fit.estimate import FitOptions, fit_model
from modelscout.fit.kv import kv_cache, largest_context
from tests.catalog.factory import full_attention, model
from tests.fit.test_estimate import machine

MIB = 2**20
GIB = 2**30


def layout(layers: int, *groups: dict[str, Any]) -> dict[str, Any]:
    return {"layers": layers, "groups": list(groups)}


def with_layout(arch: dict[str, Any], context: int = 1_048_576, total: float = 8.0) -> Model:
    return model(
        architecture=arch, context_tokens=context, total_params_b=total, active_params_b=total
    )


# meta-llama/Llama-3.1-8B: num_hidden_layers 32, num_key_value_heads 8, head_dim 128.
LLAMA_31_8B = full_attention(32, 8, 128)
# google/gemma-3-12b-it text_config: 48 layers, sliding_window 1024, sliding_window_pattern 6
# (five sliding layers, then one global: 40 + 8), num_key_value_heads 8, head_dim 256.
GEMMA_3_12B = layout(
    48,
    {"kind": "sliding", "count": 40, "kv_heads": 8, "head_dim": 256, "window_tokens": 1024},
    {"kind": "full", "count": 8, "kv_heads": 8, "head_dim": 256},
)
# openai/gpt-oss-20b: 24 layers, layer_types alternating sliding_attention / full_attention,
# sliding_window 128, num_key_value_heads 8, head_dim 64.
GPT_OSS_20B = layout(
    24,
    {"kind": "sliding", "count": 12, "kv_heads": 8, "head_dim": 64, "window_tokens": 128},
    {"kind": "full", "count": 12, "kv_heads": 8, "head_dim": 64},
)
# ai21labs/Jamba-v0.1: 32 layers, attn_layer_period 8 / offset 4 (4 attention layers, 28 Mamba),
# num_key_value_heads 8, head_dim 4096 / 32 = 128; Mamba: hidden 4096, mamba_expand 2
# (d_inner 8192), mamba_d_state 16, mamba_d_conv 4. State per Mamba layer: SSM 8192 × 16 =
# 131,072 values + conv (4 - 1) × 8192 = 24,576 values = 155,648.
JAMBA_V01 = layout(
    32,
    {"kind": "recurrent", "count": 28, "state_values": 155_648},
    {"kind": "full", "count": 4, "kv_heads": 8, "head_dim": 128},
)
# LiquidAI/LFM2-1.2B: 16 layers, 6 full_attention (layer_types) and 10 conv, hidden 2048,
# conv_L_cache 3, num_key_value_heads 8, head_dim 2048 / 32 = 64. Conv state per layer:
# (3 - 1) × 2048 = 4,096 values.
LFM2_12B = layout(
    16,
    {"kind": "conv", "count": 10, "state_values": 4096},
    {"kind": "full", "count": 6, "kv_heads": 8, "head_dim": 64},
)
# Qwen/Qwen3-Next-80B-A3B: 48 layers, full_attention_interval 4 (12 full, 36 Gated DeltaNet),
# num_key_value_heads 2, head_dim 256; linear_num_key_heads 16, linear_num_value_heads 32,
# linear_key_head_dim 128, linear_value_head_dim 128, linear_conv_kernel_dim 4. State per linear
# layer: 32 × 128 × 128 = 524,288 + conv (4 - 1) × (2 × 16 × 128 + 32 × 128) = 24,576 = 548,864.
QWEN3_NEXT = layout(
    48,
    {"kind": "linear", "count": 36, "state_values": 548_864},
    {"kind": "full", "count": 12, "kv_heads": 2, "head_dim": 256},
)
# deepseek-ai/DeepSeek-V3: 61 layers of MLA, kv_lora_rank 512, qk_rope_head_dim 64.
DEEPSEEK_V3 = layout(61, {"kind": "latent", "count": 61, "kv_lora_rank": 512, "rope_head_dim": 64})


def test_full_attention_caches_every_token() -> None:
    # 2 (K, V) × 32 layers × 8 heads × 128 × 2 bytes = 128 KiB a token; × 8192 = 1024 MiB, which
    # is what llama.cpp logs for Llama 3.1 8B at -c 8192 ("K (f16): 512.00 MiB, V (f16): 512.00").
    assert kv_cache(with_layout(LLAMA_31_8B), 8192).bytes == 1024 * MIB
    # q8_0: 34 bytes per 32 values -> 1024 × 34 / 64 = 544 MiB; q4_0: 18 / 32 -> 288 MiB.
    assert kv_cache(with_layout(LLAMA_31_8B), 8192, kv_type="q8_0").bytes == 544 * MIB
    assert kv_cache(with_layout(LLAMA_31_8B), 8192, kv_type="q4_0").bytes == 288 * MIB


def test_sliding_layers_keep_the_window_and_a_micro_batch() -> None:
    # At 32768 tokens: 8 full layers × 32768 × 8 × (256 + 256) × 2 = 2048 MiB; 40 sliding layers
    # hold pad(1024 + 512, 256) = 1536 cells: 40 × 1536 × 8192 × 2 / 2 = 480 MiB. Total 2528 MiB,
    # where treating every layer as full gives 12288 MiB.
    found = kv_cache(with_layout(GEMMA_3_12B), 32768)
    assert found.bytes == 2528 * MIB and not found.approximate
    assert dict(found.by_kind) == {"full": 2048 * MIB, "sliding": 480 * MIB}


def test_alternating_sliding_layers_with_a_tiny_window() -> None:
    # At 131072: 12 full × 131072 × 8 × 128 × 2 = 3072 MiB; 12 sliding × pad(128 + 512, 256) = 768
    # cells × 2048 bytes = 18 MiB (llama.cpp: "size = 18.00 MiB (768 cells, 12 layers").
    found = kv_cache(with_layout(GPT_OSS_20B), 131072)
    assert dict(found.by_kind) == {"full": 3072 * MIB, "sliding": 18 * MIB}


def test_recurrent_layers_hold_a_fixed_state() -> None:
    # llama.cpp keeps Mamba states in F32: 28 × 155,648 × 4 = 17,432,576 bytes at any context;
    # 4 attention layers × 65536 × 8 × 256 × 2 = 1024 MiB at 64k.
    small, large = (kv_cache(with_layout(JAMBA_V01), n) for n in (4096, 65536))
    assert dict(large.by_kind)["recurrent"] == dict(small.by_kind)["recurrent"] == 17_432_576
    assert dict(large.by_kind)["full"] == 1024 * MIB
    # vLLM keeps them in the model's dtype: half as many bytes.
    assert dict(kv_cache(with_layout(JAMBA_V01), 4096, "vllm").by_kind)["recurrent"] == 8_716_288


def test_convolution_layers_hold_their_last_inputs() -> None:
    # 10 conv × 4096 × 4 bytes = 163,840; 6 full × 32768 × 8 × 128 × 2 = 384 MiB.
    found = kv_cache(with_layout(LFM2_12B), 32768)
    assert dict(found.by_kind) == {"full": 384 * MIB, "conv": 163_840}


def test_linear_attention_hybrid() -> None:
    # 36 × 548,864 × 4 = 79,036,416 bytes (75.4 MiB) of state; 12 full × 262144 × 2 × 512 × 2 =
    # 6144 MiB at 256k, where all 48 layers as full attention would take 24576 MiB.
    found = kv_cache(with_layout(QWEN3_NEXT), 262144)
    assert dict(found.by_kind) == {"full": 6144 * MIB, "linear": 79_036_416}


def test_latent_attention_caches_the_compressed_vector() -> None:
    # 61 × 32768 × (512 + 64) × 34 / 32 bytes = 1,223,294,976 = 1166.62 MiB at q8_0, the size
    # ik_llama.cpp logs for DeepSeek-R1 at 32768 ("c^KV (q8_0): 1166.62 MiB", its PR 259).
    found = kv_cache(with_layout(DEEPSEEK_V3), 32768, kv_type="q8_0")
    assert found.bytes == 1_223_294_976


def test_vllm_holds_more_for_sliding_layers() -> None:
    # vLLM: min(1024 - 1 + 8192, 32768) = 9215 tokens -> 576 blocks of 16, + 1 = 9232 tokens.
    found = dict(kv_cache(with_layout(GEMMA_3_12B), 32768, "vllm").by_kind)
    assert found["sliding"] == 40 * 9232 * 8 * 512 * 2
    assert found["sliding"] > dict(kv_cache(with_layout(GEMMA_3_12B), 32768).by_kind)["sliding"]


def test_an_unknown_layout_is_approximate_and_errs_high() -> None:
    unknown = model(
        total_params_b=8.03,
        architecture={"layers": 36, "unknown_reason": "config.json not seen"},
    )
    found = kv_cache(unknown, 8192)
    assert found.approximate and "config.json not seen" in (found.note or "")
    # Llama 3.1 8B's real figure is 1024 MiB; the approximation lands within 20 % of it.
    assert found.bytes == pytest.approx(1024 * MIB, rel=0.2)
    hybrid = kv_cache(with_layout(QWEN3_NEXT), 8192)
    assert kv_cache(model(total_params_b=80, architecture=None), 8192).bytes > hybrid.bytes


def test_totals_never_fall_below_weights_plus_kv() -> None:
    m = with_layout(GEMMA_3_12B, total=12.2)
    for options in (FitOptions(), FitOptions("vllm", "fp8"), FitOptions("llama.cpp", "q4_0")):
        fit = fit_model(m, machine(vram_gib=24), 32768, options=options)
        for row in fit.rows:
            assert row.total_bytes >= row.weights_bytes + row.kv_bytes
            assert row.kv_bytes == kv_cache(m, 32768, options.engine, options.kv_type).bytes


def test_largest_context_is_the_last_that_fits() -> None:
    m = with_layout(LLAMA_31_8B, context=131072)
    # 128 KiB a token: 1 GiB of room holds 8192 tokens, not 8448.
    assert largest_context(m, GIB) == 8192
    assert largest_context(m, 64 * 1024) == 0
    assert largest_context(m, 100 * GIB) == 131072


def test_engines_split_several_gpus_differently() -> None:
    m = model(total_params_b=16, active_params_b=16, architecture=full_attention(64, 8, 128))
    two = machine(vram_gib=24, gpus=2)
    llama = {f.quant: f for f in fit_model(m, two, 8192).rows}
    vllm = {f.quant: f for f in fit_model(m, two, 8192, options=FitOptions("vllm")).rows}
    # vLLM serves full precision and FP8, not llama.cpp's k-quant files.
    assert set(vllm) == {"F16/BF16", "FP8"} and "Q4_K_M" in llama
    # llama.cpp's layer split: a token visits both cards in turn, so the ceiling is one card's;
    # vLLM's tensor parallelism reads both halves at once.
    f16 = llama["F16/BF16"], vllm["F16/BF16"]
    assert f16[1].ceiling_tps == pytest.approx(2 * (f16[0].ceiling_tps or 0))
    # vLLM lets itself use 90 % of each card (--gpu-memory-utilization 0.9): a 22B model in F16
    # needs 44 GB of weights + 2 GiB of cache + 1 GiB + 5 % overhead, 46.0 GiB: within 48, not 43.2.
    big = model(total_params_b=22, active_params_b=22, architecture=full_attention(64, 8, 128))
    on_llama = {f.quant: f for f in fit_model(big, two, 8192).rows}["F16/BF16"]
    on_vllm = {f.quant: f for f in fit_model(big, two, 8192, options=FitOptions("vllm")).rows}
    assert 0.9 * 48 * GIB < on_llama.total_bytes <= 48 * GIB
    assert on_llama.verdict.value < on_vllm["F16/BF16"].verdict.value


def test_an_engine_and_cache_type_that_do_not_go_together_is_a_usage_error() -> None:
    from modelscout.cli import main

    assert main(["show", "phi-4", "--engine", "vllm", "--kv-cache", "q4_0"]) == 2
    assert main(["show", "phi-4", "--engine", "llama.cpp", "--kv-cache", "fp8"]) == 2


def test_a_state_size_the_catalogue_lacks_is_bounded_high_not_full_attention() -> None:
    # Jamba's layout without its Mamba state size: the 4 attention layers are still exact, the 28
    # Mamba layers are counted at the generous bound, and the estimate says so.
    unsized = layout(
        32,
        {"kind": "recurrent", "count": 28},
        {"kind": "full", "count": 4, "kv_heads": 8, "head_dim": 128},
    )
    exact = kv_cache(with_layout(JAMBA_V01), 131072)
    bounded = kv_cache(with_layout(unsized), 131072)
    assert bounded.approximate and "28 recurrent" in (bounded.note or "")
    assert (
        exact.bytes
        < bounded.bytes
        < kv_cache(model(total_params_b=52, architecture=None), 131072).bytes
    )
    assert dict(bounded.by_kind)["full"] == dict(exact.by_kind)["full"]


def test_the_largest_context_per_quant_is_the_edge_of_the_gpu() -> None:
    from modelscout.fit.estimate import Capacity, context_fits, overhead_bytes, weights_bytes

    m = with_layout(GEMMA_3_12B, context=131072, total=12.2)
    capacity = Capacity.of(machine(vram_gib=16))
    found = context_fits(m, capacity)
    bits = {q: r.bits for q, r in ((r.quant, r) for r in fit_model(m, machine(16)).rows)}
    ordered = sorted(found, key=lambda q: -bits[q])
    assert [found[q] for q in ordered] == sorted(found.values())  # fewer bits, more context
    for quant, tokens in found.items():
        weights = weights_bytes(12.2, bits[quant])
        room = capacity.gpu_bytes - weights - overhead_bytes(weights, 1)
        if 0 < tokens < 131072:
            assert kv_cache(m, tokens).bytes <= room < kv_cache(m, tokens + 256).bytes


def test_a_vllm_fit_says_its_speed_is_not_calibrated_on_vllm() -> None:
    m = with_layout(LLAMA_31_8B)
    assert any(
        "vLLM" in n for n in fit_model(m, machine(24), 8192, options=FitOptions("vllm")).notes
    )
    assert not any("vLLM" in n for n in fit_model(m, machine(24), 8192).notes)
