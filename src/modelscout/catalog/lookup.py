"""Finding one model from what a person types: an id, a repo id or the start of a name."""

from __future__ import annotations

from collections.abc import Sequence

from modelscout.catalog.model import Model
from modelscout.catalog.stored import StoredModels, scan_positions
from modelscout.errors import ModelscoutError


class ModelNotFound(ModelscoutError):
    def __init__(self, message: str, candidates: Sequence[Model] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


def positions_of(
    models: Sequence[Model], lookup: str, text: str, prefix: bool = False
) -> list[int]:
    """Catalogue positions, ascending, of the models whose `stored.LOOKUPS[lookup]` key is
    `text` (or starts with it): a stored catalogue's sorted tables read a few dozen records where
    a scan would decode a million."""
    if isinstance(models, StoredModels):
        return models.positions_of(lookup, text, prefix)
    return scan_positions(models, lookup, text, prefix)


def find_model(models: Sequence[Model], text: str) -> Model:
    """Exact id, then exact repo id, then a unique case-insensitive name (or id) prefix."""
    wanted = text.strip().lower()
    for position in positions_of(models, "id", wanted):
        return models[position]
    by_repo = [models[p] for p in positions_of(models, "repo", wanted)]
    if len(by_repo) == 1:
        return by_repo[0]
    if len(by_repo) > 1:
        raise _ambiguous(text, by_repo)
    exact_name = positions_of(models, "name", wanted)
    if len(exact_name) == 1:
        return models[exact_name[0]]
    prefixed = sorted(
        {
            *positions_of(models, "name", wanted, prefix=True),
            *positions_of(models, "id", wanted, prefix=True),
        }
    )
    if len(prefixed) == 1:
        return models[prefixed[0]]
    if prefixed:
        raise _ambiguous(text, [models[p] for p in prefixed])
    raise ModelNotFound(f"no model matches '{text}' (try `modelscout list {text.split()[0]}`)")


def _ambiguous(text: str, candidates: Sequence[Model]) -> ModelNotFound:
    shown = ", ".join(m.id for m in candidates[:12])
    more = f" and {len(candidates) - 12} more" if len(candidates) > 12 else ""
    return ModelNotFound(f"'{text}' matches several models: {shown}{more}", candidates)


def name_for_repo(models: Sequence[Model], repo_id: str) -> str | None:
    """The catalogue's name for a downloaded repo: the model whose weights it holds, else the
    model whose GGUF repo it is, marked as such; None for a repo the catalogue does not know."""
    wanted = repo_id.lower()
    for table, mark in (("repo", ""), ("gguf", " (GGUF)")):
        rows = [models[p] for p in positions_of(models, table, wanted)]
        if rows:
            # Twins share a repo: its reasoning rows are variants of the plain one.
            plain = next((m for m in rows if not m.reasoning), rows[0])
            return plain.name + mark
    return None
