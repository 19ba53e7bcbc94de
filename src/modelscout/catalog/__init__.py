"""The model catalogue: records, loading and validation, and where the catalogue file lives."""

from modelscout.catalog.load import (
    SCHEMA_VERSION,
    Catalog,
    load_catalog,
    model_from_dict,
    model_to_dict,
    parse_catalog,
)
from modelscout.catalog.model import TIERS, Architecture, Model, Openness, Source, tier_for

__all__ = [
    "SCHEMA_VERSION",
    "TIERS",
    "Architecture",
    "Catalog",
    "Model",
    "Openness",
    "Source",
    "load_catalog",
    "model_from_dict",
    "model_to_dict",
    "parse_catalog",
    "tier_for",
]
