"""Rows that share one set of weights: a model's reasoning and non-reasoning rows, effort levels."""

from __future__ import annotations

from collections.abc import Sequence

from modelscout.catalog.lookup import positions_of
from modelscout.catalog.model import Model


def twins(model: Model, models: Sequence[Model]) -> list[Model]:
    """Other rows for the same weights (the same repo), in catalogue order: found through the
    repo-id lookup, so a stored catalogue reads only the rows that share the repo."""
    if model.repo_id is None:
        return []
    found = (models[p] for p in positions_of(models, "repo", model.repo_id.lower()))
    return [m for m in found if m.repo_id == model.repo_id and m.id != model.id]
