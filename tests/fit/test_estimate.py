"""Fit arithmetic: memory per quantisation, verdicts, speed estimates, and FitContext's cache."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from modelscout.catalog.model import Architecture
from modelscout.cli import main
from modelscout.fit.context import FitContext
from modelscout.fit.estimate import (
    DEFAULT_CONTEXT_TOKENS,
    Verdict,
    context_label,
    fit_model,
    weights_bytes,
)
from modelscout.fit.quants import QUANTS_BY_NAME, quants_for
from modelscout.fit.speed import CALIBRATION
from modelscout.hardware.cpu import CpuInfo
from modelscout.hardware.detect import Hardware
from modelscout.hardware.gpu import Gpu
from modelscout.hardware.memory import MemoryInfo
from modelscout.query import parse_query, run_query
from tests.catalog.factory import full_attention, model

GIB = 2**30


def machine(
    vram_gib: float = 0,
    gpus: int = 1,
    ram_gib: float = 64,
    unified: bool = False,
    bandwidth: float | None = 1000e9,
) -> Hardware:
    ram = int(ram_gib * GIB)
    cards = tuple(
        Gpu(
            "planned",
            "Test GPU",
            i,
            int(vram_gib * GIB),
            int(vram_gib * GIB),
            bandwidth_bytes_per_s=bandwidth,
            unified=unified,
        )
        for i in range(gpus if vram_gib else 0)
    )
    return Hardware(
        os="Linux",
        cpu=CpuInfo("Test CPU", "x86_64", 8, 16, ("AVX2",)),
        memory=MemoryInfo(ram, ram, None, ram),
        gpus=cards,
        disk=None,
        cpu_bandwidth_bytes_per_s=bandwidth if unified else 80e9,
    )


LLAMA_8B = Architecture.full_attention(
    layers=32, kv_heads=8, head_dim=128
)  # Llama 3.1 8B config.json


def test_q4_k_m_reproduces_llama_cpp_file_size() -> None:
    # By construction the table's bits give back llama.cpp's 4.58 GiB for Llama-3-8B's 8.03B.
    size = weights_bytes(8.030261248, QUANTS_BY_NAME["Q4_K_M"].bits_per_weight)
    assert size / GIB == pytest.approx(4.58, abs=0.005)
    assert QUANTS_BY_NAME["Q8_0"].bits_per_weight == pytest.approx(8.5, abs=0.05)  # 34 B / 32


def test_moe_memory_follows_total_and_speed_follows_active() -> None:
    dense = model(id="dense", total_params_b=30, active_params_b=30, moe=False)
    moe = model(id="moe", total_params_b=30, active_params_b=3, moe=True)
    hw = machine(vram_gib=80)
    d, m = fit_model(dense, hw), fit_model(moe, hw)
    assert d.rows[0].weights_bytes == m.rows[0].weights_bytes
    assert m.est_tps is not None and d.est_tps is not None
    assert m.est_tps > 5 * d.est_tps
    assert any("mixture of experts" in n for n in m.notes)


def test_verdicts_gpu_offload_cpu_and_none() -> None:
    m = model(total_params_b=70, active_params_b=70, context_tokens=8192)
    q4 = next(r for r in fit_model(m, machine(vram_gib=80)).rows if r.quant == "Q4_K_M")
    assert q4.verdict is Verdict.GPU and q4.gpu_fraction == 1.0
    q4 = next(r for r in fit_model(m, machine(vram_gib=24)).rows if r.quant == "Q4_K_M")
    assert q4.verdict is Verdict.OFFLOAD and 0 < q4.gpu_fraction < 1
    q4 = next(r for r in fit_model(m, machine(ram_gib=64)).rows if r.quant == "Q4_K_M")
    assert q4.verdict is Verdict.CPU and q4.gpu_fraction == 0.0
    fit = fit_model(m, machine(ram_gib=8))
    assert fit.verdict is Verdict.NO and fit.best is None and fit.est_tps is None


def test_best_is_highest_precision_at_best_verdict() -> None:
    fit = fit_model(model(total_params_b=27, active_params_b=27), machine(vram_gib=24))
    assert fit.verdict is Verdict.GPU
    assert fit.best is not None and fit.best.quant == "Q6_K"  # 23.9 GiB of 24
    higher = [r for r in fit.rows if r.bits > fit.best.bits]
    assert higher and all(r.verdict is not Verdict.GPU for r in higher)


def test_decode_speed_is_the_calibrated_fraction_of_the_bandwidth_ceiling() -> None:
    m = model(
        total_params_b=8,
        active_params_b=8,
        context_tokens=8192,
        architecture=full_attention(32, 8, 128),
    )
    row = next(r for r in fit_model(m, machine(vram_gib=24)).rows if r.quant == "Q8_0")
    per_token = weights_bytes(8, row.bits) + row.kv_bytes
    assert row.ceiling_tps == pytest.approx(1000e9 / per_token)
    # seconds = bytes / bandwidth x a_cuda + c_cuda ("planned" GPUs count as CUDA)
    a, c = CALIBRATION.time_over_ceiling["cuda"], CALIBRATION.fixed_seconds["cuda"]
    assert row.est_tps == pytest.approx(1 / (per_token / 1000e9 * a + c))
    assert row.est_tps < row.ceiling_tps


def test_multi_gpu_adds_memory_not_speed() -> None:
    m = model(total_params_b=70, active_params_b=70)
    one = fit_model(m, machine(vram_gib=48, gpus=1))
    two = fit_model(m, machine(vram_gib=48, gpus=2))
    f16_two = two.rows[0]
    assert two.verdict is Verdict.GPU and one.best is not None and two.best is not None
    assert two.best.bits > one.best.bits
    assert f16_two.verdict is Verdict.OFFLOAD  # 140 GB of weights do not fit in 96 GiB


def test_unified_memory_offload_is_bounded_by_ram() -> None:
    mac = machine(vram_gib=48, ram_gib=64, unified=True, bandwidth=400e9)
    fit = fit_model(model(total_params_b=70, active_params_b=70), mac)
    for row in fit.rows:
        if row.verdict is Verdict.OFFLOAD:
            assert row.total_bytes <= 64 * GIB


def test_context_is_capped_by_the_model_and_max_uses_it() -> None:
    m = model(context_tokens=32768)
    assert fit_model(m, machine(vram_gib=24)).context_tokens == DEFAULT_CONTEXT_TOKENS
    assert fit_model(m, machine(vram_gib=24), 1_000_000).context_tokens == 32768
    assert fit_model(m, machine(vram_gib=24), 0).context_tokens == 32768
    assert fit_model(model(context_tokens=None), machine(), 0).context_tokens == 8192


def test_native_formats_only_where_shipped() -> None:
    names = lambda m: {q.name for q in quants_for(m)}  # noqa: E731
    assert "MXFP4" in names(model(id="gpt-oss-20b-high")) and "FP8" not in names(
        model(id="gpt-oss-20b-high")
    )
    assert "FP8" in names(model(id="qwen3-30b-a3b-2507-instruct"))
    assert not {"FP8", "MXFP4"} & names(model(id="demo-7b"))


def test_unknown_bandwidth_gives_no_speed() -> None:
    fit = fit_model(model(), machine(vram_gib=24, bandwidth=None))
    assert fit.verdict is Verdict.GPU and fit.est_tps is None


def test_fit_context_caches_and_answers_the_query_engine() -> None:
    small = model(id="small", total_params_b=3, active_params_b=3, intelligence_index=10)
    big = model(id="big", total_params_b=400, active_params_b=400, intelligence_index=50)
    mid = model(id="mid", total_params_b=20, active_params_b=20, intelligence_index=30)
    fit = FitContext(machine(vram_gib=24))
    assert fit.model_fit(small) is fit.model_fit(small)
    assert [
        m.id for m in run_query([small, big, mid], parse_query("fits sort:-intelligence"), fit)
    ] == ["mid", "small"]
    assert [m.id for m in run_query([small, big, mid], parse_query("sort:best"), fit)] == [
        "mid",
        "small",
        "big",
    ]
    assert fit.fit_rank(big) == Verdict.NO.value and fit.fits(big) is False
    assert fit.est_tps(small) is not None


def test_changing_the_context_recomputes() -> None:
    long = model(context_tokens=131072, total_params_b=8, active_params_b=8)
    fit = FitContext(machine(vram_gib=12))
    wide = fit.with_context(131072)
    assert wide.model_fit(long).context_tokens == 131072
    assert wide.model_fit(long).rows[0].kv_bytes > fit.model_fit(long).rows[0].kv_bytes
    assert wide.summary().endswith("ctx 128k")


def test_summary_line() -> None:
    assert FitContext(machine(vram_gib=24, gpus=2)).summary() == (
        "2× Test GPU 24 GiB · 64 GiB RAM · 8 cores · ctx 8k"
    )
    assert FitContext(machine()).summary().startswith("no GPU · 64 GiB RAM")
    assert (
        context_label(32000) == "32k" and context_label(0) == "max" and context_label(5000) == "5k"
    )


def test_cli_list_fits_with_a_planned_machine(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["list", "fits", "sort:-intelligence", "--profile", "rtx4090", "--ram", "32G", "--json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(r["fit"]["verdict"] != "does not fit" for r in rows)
    assert all(r["fit"]["context_tokens"] <= 8192 for r in rows)
    scores = [r["intelligence_index"] for r in rows if r["intelligence_index"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_cli_show_has_the_quantisation_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["show", "gpt-oss-20b-high", "--profile", "rtx4090", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    fit = json.loads(out)["fit"]
    assert fit["best_quant"] == "MXFP4" or fit["verdict"] == "fits on the GPU"
    assert {r["quant"] for r in fit["rows"]} >= {"F16/BF16", "Q4_K_M", "MXFP4", "Q2_K"}
    assert fit["hardware"].startswith("1× RTX 4090 24 GiB")


def test_cli_hw_json_and_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hw", "--json", "--vram", "24G", "--gpus", "2"]) == 0
    out, _ = capsys.readouterr()
    hw = json.loads(out)
    assert hw["gpu_memory_bytes"] == 48 * GIB and hw["planned"] == "24 GiB VRAM, 2 GPUs"
    assert main(["hw", "--vram", "lots"]) == 2  # a usage error
    _, err = capsys.readouterr()
    assert (
        err.strip()
        == "modelscout: error: --vram: 'lots' is not a memory size (e.g. 24G, 64GB, 1.5T)"
    )
    assert main(["list", "fits", "--ctx", "huge"]) == 2


def test_hardware_record_is_frozen() -> None:
    hw = machine()
    with pytest.raises(AttributeError):
        hw.os = "Darwin"  # type: ignore[misc]
    assert replace(hw, os="Darwin").os == "Darwin"


@pytest.mark.parametrize(
    "hw",
    [
        machine(),
        machine(vram_gib=8),
        machine(vram_gib=24, gpus=2),
        machine(ram_gib=8),
        machine(vram_gib=48, ram_gib=64, unified=True, bandwidth=400e9),
        machine(vram_gib=0.4),
    ],
    ids=["cpu", "8g", "2x24g", "small-ram", "mac", "tiny-gpu"],
)
def test_quick_verdict_agrees_with_the_full_table(hw: Hardware) -> None:
    from modelscout.catalog.location import resolve_catalog

    for ctx in (None, 0, 131072):
        fit, full = FitContext(hw, ctx), FitContext(hw, ctx)
        for m in resolve_catalog(None).models:
            table = full.model_fit(m)
            assert fit.quick(m) == (table.verdict, table.est_tps), m.id
            assert fit.headline(m) == (table.verdict, table.best, table.context_tokens), m.id


def test_a_model_without_downloadable_weights_never_fits() -> None:
    closed = model(
        id="closed", weights_available=False, repo_id=None, total_params_b=1.0, active_params_b=1.0
    )
    fit = FitContext(machine(vram_gib=80))
    assert fit.fits(closed) is False
    assert fit.model_fit(closed).verdict is Verdict.UNAVAILABLE
    assert fit.model_fit(closed).best is None
    assert fit.quick(closed) == (Verdict.UNAVAILABLE, None)
    assert any("not available" in note for note in fit.model_fit(closed).notes)
    assert [m.id for m in run_query([closed], parse_query("fits"), fit)] == []


def test_tps_filter_and_ctxfit_sort_use_the_real_fit() -> None:
    models = [
        model(id=f"m{i}", total_params_b=size, active_params_b=size, context_tokens=131072,
              architecture=full_attention(32, 8, 128))
        for i, size in enumerate((1, 4, 8, 14, 32))
    ]  # fmt: skip
    fit = FitContext(machine(vram_gib=24))
    fast = run_query(models, parse_query("tps>60"), fit)
    assert fast and all((fit.est_tps(m) or 0) > 60 for m in fast)
    assert all((fit.est_tps(m) or 0) <= 60 for m in models if m not in fast)
    by_room = [fit.ctx_fit(m) or 0 for m in run_query(models, parse_query("sort:-ctxfit"), fit)]
    assert by_room == sorted(by_room, reverse=True) and by_room[0] > by_room[-1]


def test_moe_experts_in_ram_when_the_whole_model_does_not_fit_the_gpu() -> None:
    from modelscout.fit.estimate import (
        MOE_SHARED_SHARE_OF_ACTIVE,
        Capacity,
        FitOptions,
        expert_offload,
        kv_for,
    )

    arch = full_attention(48, 4, 128)
    moe = model(total_params_b=30.5, active_params_b=3.3, moe=True, architecture=arch)
    dense = model(total_params_b=30.5, active_params_b=30.5, moe=False, architecture=arch)
    small_gpu = Capacity.of(machine(vram_gib=8, ram_gib=64))
    kv = kv_for(moe, 8192).bytes
    assert expert_offload(dense, small_gpu, kv) is None
    assert expert_offload(moe, Capacity.of(machine(vram_gib=80)), kv) is None  # fits whole
    assert expert_offload(moe, small_gpu, kv, FitOptions("vllm")) is None  # llama.cpp only
    found = expert_offload(moe, small_gpu, kv)
    assert found is not None and found.gpu_bytes <= small_gpu.gpu_bytes
    bits = QUANTS_BY_NAME[found.quant].bits_per_weight
    shared = weights_bytes(3.3 * MOE_SHARED_SHARE_OF_ACTIVE, bits)
    assert found.ram_bytes == weights_bytes(30.5, bits) - shared
    assert found.est_tps is not None and found.ceiling_tps is not None
    assert found.est_tps < found.ceiling_tps
