"""The offer behind `pull` and `d`/`D`: the repos of a model, their variants, the default, the
disk room, and the one listing each pull makes."""

from __future__ import annotations

import pytest

from modelscout.errors import DownloadError
from modelscout.hub.download.offer import build_offer
from modelscout.hub.download.variants import RepoFile, RepoListing

GIB = 1024**3
PICO_NAME = "Pico"
WEIGHTS = RepoListing(
    "acme/Pico",
    "c1",
    (RepoFile("config.json", 10), RepoFile("model.safetensors", 3 * GIB)),
)
GGUF = RepoListing(
    "acme/Pico-GGUF",
    "c2",
    (RepoFile("pico-Q4_K_M.gguf", GIB), RepoFile("pico-Q8_0.gguf", 2 * GIB)),
)


def test_offer_lists_the_weights_then_the_gguf_repo_quantisations_only() -> None:
    offer = build_offer(PICO_NAME, [WEIGHTS, GGUF], free_bytes=10 * GIB, present_bytes=0)
    assert [(c.repo_id, c.variant.name) for c in offer.choices] == [
        ("acme/Pico", "safetensors"),
        ("acme/Pico", "all"),
        ("acme/Pico-GGUF", "gguf:Q4_K_M"),
        ("acme/Pico-GGUF", "gguf:Q8_0"),
    ]
    assert offer.default.variant.name == "safetensors"
    assert offer.refusal(offer.default) is None


def test_default_gives_way_to_what_fits_and_a_too_big_choice_is_refused() -> None:
    offer = build_offer(PICO_NAME, [WEIGHTS, GGUF], free_bytes=int(1.5 * GIB), present_bytes=0)
    assert offer.default.variant.name == "gguf:Q4_K_M"
    fits = {c.variant.name: c.fits_disk for c in offer.choices}
    assert fits == {"safetensors": False, "all": False, "gguf:Q4_K_M": True, "gguf:Q8_0": False}
    refusal = offer.refusal(offer.choices[0])
    assert refusal is not None and "needs 3.0 GiB but only 1.5 GiB is free" in refusal


def test_bytes_already_downloaded_count_as_room() -> None:
    offer = build_offer(PICO_NAME, [WEIGHTS], free_bytes=GIB, present_bytes=int(2.5 * GIB))
    assert offer.default.variant.name == "safetensors" and offer.default.fits_disk
    assert offer.refusal(offer.default) is None


def test_unknown_free_space_never_refuses() -> None:
    offer = build_offer(PICO_NAME, [WEIGHTS], free_bytes=None, present_bytes=0)
    assert offer.default.fits_disk is None and offer.refusal(offer.default) is None


def test_an_unknown_variant_names_every_variant_on_offer_and_why_a_repo_is_missing() -> None:
    offer = build_offer(PICO_NAME, [WEIGHTS, GGUF], free_bytes=10 * GIB, present_bytes=0)
    assert offer.choose("q8_0").variant.name == "gguf:Q8_0"
    assert offer.listing_for(offer.choose("Q8_0")) is GGUF
    assert offer.listing_for(offer.choose("safetensors")) is WEIGHTS
    with pytest.raises(DownloadError) as raised:
        offer.choose("Q9_X")
    assert str(raised.value) == (
        "no variant 'Q9_X' for Pico; on offer: safetensors, all, "
        "gguf:Q4_K_M (from acme/Pico-GGUF), gguf:Q8_0 (from acme/Pico-GGUF)"
    )
    alone = build_offer(
        PICO_NAME, [WEIGHTS], 10 * GIB, 0, notes=["GGUF repo not listed: no repo acme/Pico-GGUF"]
    )
    with pytest.raises(DownloadError, match=r"on offer: safetensors, all; GGUF repo not listed"):
        alone.choose("Q4_K_M")
