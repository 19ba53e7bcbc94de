from __future__ import annotations

import pytest

from modelscout.catalog.model import Openness, openness_for, tier_for
from tests.catalog.factory import model


@pytest.mark.parametrize(
    ("params_b", "tier"),
    [
        (0.268, "tiny"),
        (4.0, "tiny"),  # "<=4B" includes 4B exactly
        (4.3, "tiny"),  # Gemma 3 4B: 4.3B, listed in the <=4B table
        (4.49, "tiny"),
        (4.51, "small"),  # Llama 3.1 Nemotron Nano 4B: 4.51B, listed in the 4B-40B table
        (5.0, "small"),
        (36.0, "small"),
        (40.0, "small"),  # the upper bound of 4B-40B is inclusive
        (40.4, "small"),
        (40.6, "medium"),
        (46.7, "medium"),
        (150.0, "medium"),
        (151.0, "large"),
        (671.0, "large"),
    ],
)
def test_tier_boundaries(params_b: float, tier: str) -> None:
    assert tier_for(params_b) == tier


def test_tier_is_derived_on_the_record() -> None:
    assert model(total_params_b=30.5, active_params_b=3.3, moe=True).tier == "small"


@pytest.mark.parametrize(
    ("weights", "licence", "data_open", "expected"),
    [
        (False, "apache-2.0", True, Openness.CLOSED),
        (True, "apache-2.0", True, Openness.OPEN_SOURCE),
        (True, "apache-2.0", False, Openness.PERMISSIVE),
        (True, "MIT", False, Openness.PERMISSIVE),
        (True, "llama3.2", False, Openness.RESTRICTED),
        (True, "gemma", False, Openness.RESTRICTED),
        (True, None, False, Openness.RESTRICTED),
    ],
)
def test_openness_classes(
    weights: bool, licence: str | None, data_open: bool, expected: Openness
) -> None:
    assert openness_for(weights, licence, data_open) is expected
