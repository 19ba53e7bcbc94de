"""Rows that share one set of weights: a model's reasoning and non-reasoning rows, effort levels."""

from __future__ import annotations

from collections.abc import Sequence

from modelscout.catalog.model import Model


def twins(model: Model, models: Sequence[Model]) -> list[Model]:
    """Other rows for the same weights (the same repo), in catalogue order."""
    if model.repo_id is None:
        return []
    return [m for m in models if m.repo_id == model.repo_id and m.id != model.id]
