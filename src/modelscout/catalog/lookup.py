"""Finding one model from what a person types: an id, a repo id or the start of a name."""

from __future__ import annotations

from collections.abc import Sequence

from modelscout.catalog.model import Model
from modelscout.errors import ModelscoutError


class ModelNotFound(ModelscoutError):
    def __init__(self, message: str, candidates: Sequence[Model] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


def find_model(models: Sequence[Model], text: str) -> Model:
    """Exact id, then exact repo id, then a unique case-insensitive name (or id) prefix."""
    wanted = text.strip().lower()
    for model in models:
        if model.id == wanted:
            return model
    by_repo = [m for m in models if m.repo_id and m.repo_id.lower() == wanted]
    if len(by_repo) == 1:
        return by_repo[0]
    if len(by_repo) > 1:
        raise _ambiguous(text, by_repo)
    exact_name = [m for m in models if m.name.lower() == wanted]
    if len(exact_name) == 1:
        return exact_name[0]
    prefixed = [m for m in models if m.name.lower().startswith(wanted) or m.id.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise _ambiguous(text, prefixed)
    raise ModelNotFound(f"no model matches '{text}' (try `modelscout list {text.split()[0]}`)")


def _ambiguous(text: str, candidates: Sequence[Model]) -> ModelNotFound:
    shown = ", ".join(m.id for m in candidates[:12])
    more = f" and {len(candidates) - 12} more" if len(candidates) > 12 else ""
    return ModelNotFound(f"'{text}' matches several models: {shown}{more}", candidates)
