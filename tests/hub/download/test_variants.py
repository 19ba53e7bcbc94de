"""Variant grouping and choice: what a repo offers and what one key press pulls."""

from __future__ import annotations

import pytest

from modelscout.errors import DownloadError
from modelscout.hub.download.job import unsafe_path_reason
from modelscout.hub.download.variants import (
    RepoFile,
    RepoListing,
    choose_variant,
    default_variant,
    quant_of,
    variants_for,
)


def listing(*files: tuple[str, int]) -> RepoListing:
    return RepoListing(
        repo_id="org/m",
        commit_sha="a" * 40,
        files=tuple(RepoFile(path=p, size_bytes=s) for p, s in files),
    )


FULL = listing(
    ("config.json", 10),
    ("tokenizer.json", 20),
    ("model-00001-of-00002.safetensors", 1000),
    ("model-00002-of-00002.safetensors", 500),
    ("model.safetensors.index.json", 5),
    ("m-Q4_K_M.gguf", 300),
    ("m-Q8_0.gguf", 600),
    ("Q2_K/m-Q2_K-00001-of-00002.gguf", 50),
    ("Q2_K/m-Q2_K-00002-of-00002.gguf", 50),
    ("mmproj-F16.gguf", 40),
    ("original/consolidated.pth", 1500),
)


def test_safetensors_variant_has_weights_and_support_files_only() -> None:
    v = {x.name: x for x in variants_for(FULL)}["safetensors"]
    assert [f.path for f in v.files] == [
        "config.json",
        "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors",
        "model.safetensors.index.json",
        "tokenizer.json",
    ]
    assert v.size_bytes == 1535


def test_gguf_variants_group_split_files_by_quant_smallest_first() -> None:
    names = [v.name for v in variants_for(FULL)]
    assert names == ["safetensors", "gguf:Q2_K", "gguf:Q4_K_M", "gguf:Q8_0", "all"]
    q2 = {x.name: x for x in variants_for(FULL)}["gguf:Q2_K"]
    assert q2.size_bytes == 100 and len(q2.files) == 2


def test_default_prefers_safetensors_then_q4_k_m_and_falls_back_to_what_fits() -> None:
    variants = variants_for(FULL)
    assert default_variant(variants).name == "safetensors"
    assert default_variant(variants, free_bytes=400).name == "gguf:Q4_K_M"
    assert default_variant(variants, free_bytes=120).name == "gguf:Q2_K"
    # Nothing fits: the preferred one is returned and the disk check refuses it with a message.
    assert default_variant(variants, free_bytes=1).name == "safetensors"
    gguf_only = listing(("x-Q8_0.gguf", 8), ("x-Q4_K_M.gguf", 4), ("x-IQ2_XS.gguf", 2))
    assert default_variant(variants_for(gguf_only)).name == "gguf:Q4_K_M"
    bin_only = listing(("pytorch_model.bin", 8), ("config.json", 1))
    assert default_variant(variants_for(bin_only)).name == "all"


def test_unknown_size_makes_variant_size_unknown_not_zero() -> None:
    repo = RepoListing("org/m", "a" * 40, (RepoFile("model.safetensors", None),))
    v = variants_for(repo)[0]
    assert v.size_bytes is None and v.fits(10) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("safetensors", "safetensors"),
        ("GGUF", "gguf:Q4_K_M"),
        ("gguf:q8_0", "gguf:Q8_0"),
        ("Q2_K", "gguf:Q2_K"),
        ("all", "all"),
    ],
)
def test_choose_variant_accepts_what_people_type(typed: str, expected: str) -> None:
    assert choose_variant(variants_for(FULL), typed).name == expected


def test_choose_unknown_variant_lists_the_offer() -> None:
    with pytest.raises(DownloadError, match="no variant 'Q3_K_L'.*gguf:Q4_K_M"):
        choose_variant(variants_for(FULL), "Q3_K_L")


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Qwen3-8B-Q4_K_M.gguf", "Q4_K_M"),
        ("model-q5_k_s.gguf", "Q5_K_S"),
        ("Llama-3.2-1B-Instruct-IQ4_XS.gguf", "IQ4_XS"),
        ("gemma-3-4b-it-UD-Q4_K_XL.gguf", "UD-Q4_K_XL"),
        ("BF16/model-BF16-00001-of-00003.gguf", "BF16"),
        ("phi-4-Q8_0.gguf", "Q8_0"),
        ("model.gguf", None),
    ],
)
def test_quant_of_reads_llama_cpp_names(name: str, quant: str | None) -> None:
    assert quant_of(name) == quant


@pytest.mark.parametrize(
    "path",
    ["../evil.bin", "a/../../b", "/etc/passwd", "C:\\x", "a//b", "./x", "a\\..\\b", ""],
)
def test_unsafe_paths_are_named(path: str) -> None:
    assert unsafe_path_reason(path) is not None


@pytest.mark.parametrize("path", ["model.safetensors", "gguf/x-Q4_K_M.gguf", "a..b/c.json"])
def test_ordinary_paths_pass(path: str) -> None:
    assert unsafe_path_reason(path) is None


def test_gguf_quant_from_the_folder_when_the_file_name_has_none() -> None:
    split = listing(
        ("Q4_K_M/model-00001-of-00002.gguf", 10),
        ("Q4_K_M/model-00002-of-00002.gguf", 10),
        ("Q8_0/model-00001-of-00002.gguf", 20),
        ("Q8_0/model-00002-of-00002.gguf", 20),
    )
    by_name = {v.name: v for v in variants_for(split)}
    assert by_name["gguf:Q4_K_M"].size_bytes == 20 and by_name["gguf:Q8_0"].size_bytes == 40
