"""Catalogue files a broken disk or a hostile source could leave: every one is a CatalogError (or,
as the user's cache, ignored with one warning), never a traceback; and random JSON fed to the
loader, the settings loader and the refresh's answer reader raises nothing but the project's own
errors."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelscout.catalog import SCHEMA_VERSION, load_catalog, model_from_dict, model_to_dict
from modelscout.catalog.hub_answers import apply_hub_info, discovered_model
from modelscout.catalog.load import parse_catalog
from modelscout.catalog.location import cached_catalog_path, resolve_catalog
from modelscout.errors import CatalogError
from modelscout.hub.api import DISCOVER_EXPAND
from modelscout.tui.settings import Settings, load_settings
from tests.catalog.factory import entry, model

DEEP = 100_000
PLACEHOLDER = '"@@HOSTILE@@"'


def file_with(tmp_path: Path, field: str, raw_value: str, name: str = "catalog.json") -> Path:
    """A catalogue whose first entry's `field` is `raw_value`, written as raw JSON text (1e400 and
    100,000-deep nesting are valid JSON that json.dumps cannot write)."""
    bad = entry()
    if "." in field:
        outer, inner = field.split(".")
        bad[outer] = {"layers": 2, "groups": [], inner: "@@HOSTILE@@"}
    else:
        bad[field] = "@@HOSTILE@@"
    text = json.dumps({"schema_version": SCHEMA_VERSION, "models": [bad]})
    path = tmp_path / name
    path.write_text(text.replace(PLACEHOLDER, raw_value))
    return path


HOSTILE_VALUES = [
    ("total_params_b", "Infinity"),
    ("total_params_b", "NaN"),
    ("active_params_b", "1e400"),
    ("architecture.layers", "1e400"),
    ("intelligence_index", "9" * 400),
    ("context_tokens", "9" * 400),
    ("downloads", "-" + "9" * 400),
    ("sources", '[{"ref": "x", "says": "not an object"}]'),
    ("sources", '[{"ref": "x", "kind": 5}]'),
    ("notes", "[" * DEEP + "]" * DEEP),
    ("name", "[" * DEEP + "]" * DEEP),
]


@pytest.mark.parametrize(
    ("field", "raw"), HOSTILE_VALUES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(HOSTILE_VALUES)]
)
def test_valid_json_that_is_no_catalogue_is_a_catalog_error(
    tmp_path: Path, field: str, raw: str
) -> None:
    with pytest.raises(CatalogError) as info:
        load_catalog(file_with(tmp_path, field, raw))
    assert len(str(info.value)) < 500  # the message quotes the value briefly


def test_a_whole_file_nested_100000_deep_is_a_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * DEEP + "]" * DEEP)
    with pytest.raises(CatalogError, match="nested too deeply"):
        load_catalog(path)


@pytest.mark.parametrize(
    ("field", "raw"),
    HOSTILE_VALUES[:4] + HOSTILE_VALUES[-1:],
    ids=["inf", "nan", "1e400", "layers", "deep"],
)
def test_such_a_cache_is_ignored_with_one_warning_by_every_command(
    field: str, raw: str, tmp_path: Path
) -> None:
    cache = cached_catalog_path()
    cache.parent.mkdir(parents=True, exist_ok=True)
    file_with(cache.parent, field, raw, name=cache.name)
    catalog = resolve_catalog()
    assert catalog.origin == "bundled" and len(catalog.warnings) == 1
    result = subprocess.run(
        [sys.executable, "-m", "modelscout", "list", "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.count("warning") == 1


def test_a_file_that_never_ends_is_refused_at_once() -> None:
    with pytest.raises(CatalogError, match="not a regular file"):
        load_catalog(Path("/dev/zero"))


# --- random JSON -----------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, -1e308, 1e-320, 2**63, 2**64 + 1]),
)
TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", "a/", "/b", "a/b", "\x1b]0;x\x07/y"]))
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
FIELDS = sorted(set(entry()) | {"architecture", "gguf_repo_id", "gguf_repos", "hub_params_b"})
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4))
def test_random_field_values_raise_only_catalog_errors(changes: dict[str, Any]) -> None:
    document = {"schema_version": SCHEMA_VERSION, "models": [entry(**changes)]}
    try:
        models, _ = parse_catalog(document, "fuzz")
    except CatalogError:
        return
    # whatever loads is written back and read again the same
    again = model_from_dict(json.loads(json.dumps(model_to_dict(models[0]))), "again")
    assert again == models[0]


@FUZZ
@given(JSON)
def test_random_documents_raise_only_catalog_errors(document: Any) -> None:
    with contextlib.suppress(CatalogError):
        parse_catalog(document, "fuzz")


@FUZZ
@given(
    st.one_of(JSON, st.dictionaries(st.sampled_from(["query", "theme", "context_tokens"]), JSON))
)
def test_random_settings_files_load_as_defaults_or_values(tmp_path_factory: Any, data: Any) -> None:
    path = tmp_path_factory.mktemp("settings") / "tui.json"
    path.write_text(json.dumps(data))
    loaded, _ = load_settings(path)
    assert isinstance(loaded, Settings) and isinstance(loaded.query, str)
    assert 0 <= loaded.context_tokens <= 1_000_000_000


def test_a_settings_file_nested_100000_deep_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tui.json"
    path.write_text('{"query": ' + "[" * DEEP + "]" * DEEP + "}")
    loaded, problem = load_settings(path)
    assert loaded == Settings() and problem is not None


HUB_KEYS = ["id", *DISCOVER_EXPAND]  # what an answer may hold
ANSWER = st.dictionaries(
    st.sampled_from(HUB_KEYS),
    st.one_of(
        JSON, st.fixed_dictionaries({"total": NUMBERS}), st.fixed_dictionaries({"license": JSON})
    ),
    max_size=6,
)


@FUZZ
@given(ANSWER, st.one_of(st.none(), st.lists(TEXT, max_size=3).map(tuple)))
def test_random_hub_answers_make_rows_the_loader_accepts_or_none(
    info: dict[str, Any], gguf: tuple[str, ...] | None
) -> None:
    """The reader never raises; a discovered row it makes always loads (refresh checks the rest)."""
    found = discovered_model(info, "http://127.0.0.1", "2026-01-01T00:00:00Z")
    if found is not None:
        model_from_dict(json.loads(json.dumps(model_to_dict(found))), "discovered")
    apply_hub_info(model(), info, None, "http://127.0.0.1", "2026-01-01T00:00:00Z")
