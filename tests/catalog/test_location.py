from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from modelscout.catalog import location
from modelscout.catalog.location import (
    bundled_catalog_path,
    cached_catalog_path,
    resolve_catalog,
    write_atomic,
    write_catalog,
)
from modelscout.errors import CatalogError
from tests.catalog.factory import document, entry


def test_bundled_catalogue_is_used_when_there_is_no_cache() -> None:
    catalog = resolve_catalog()
    assert catalog.origin == "bundled"
    assert catalog.path == bundled_catalog_path()
    assert len(catalog.models) > 80
    assert catalog.warnings == ()


def test_valid_cache_wins_over_the_bundled_catalogue() -> None:
    doc = document(entry(id="from-cache"))
    doc["built"] = "2999-01-01"
    write_catalog(cached_catalog_path(), doc)
    catalog = resolve_catalog()
    assert catalog.origin == "cache"
    assert [m.id for m in catalog.models] == ["from-cache"]
    assert catalog.warnings == ()


def test_cache_older_than_the_bundled_catalogue_gives_way_with_a_notice() -> None:
    doc = document(entry(id="from-cache"))
    doc["built"] = "2000-01-01"
    write_catalog(cached_catalog_path(), doc)
    catalog = resolve_catalog()
    assert catalog.origin == "bundled"
    assert len(catalog.models) > 80
    assert len(catalog.warnings) == 1 and "catalog refresh" in catalog.warnings[0]


@pytest.mark.parametrize(
    "content", ['{"schema_version": 1, "models": [{"id": "half', "", '{"schema_version": 99}']
)
def test_corrupt_cache_falls_back_to_bundled_and_says_so_once(content: str) -> None:
    path = cached_catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    catalog = resolve_catalog()
    assert catalog.origin == "bundled"
    assert len(catalog.models) > 80
    assert len(catalog.warnings) == 1
    assert "cached catalogue ignored" in catalog.warnings[0]


def test_explicit_path_and_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = tmp_path / "one.json"
    two = tmp_path / "two.json"
    write_catalog(one, document(entry(id="one")))
    write_catalog(two, document(entry(id="two")))
    monkeypatch.setenv("MODELSCOUT_CATALOG", str(two))
    assert [m.id for m in resolve_catalog().models] == ["two"]
    assert [m.id for m in resolve_catalog(one).models] == ["one"]


def test_broken_explicit_catalogue_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(CatalogError, match="bad.json"):
        resolve_catalog(bad)


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.json"
    write_atomic(target, b"old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_failed_atomic_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "catalog.json"
    write_catalog(target, document(entry(id="old")))
    before = target.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(location.os, "replace", crash)
    with pytest.raises(OSError):
        write_catalog(target, document(entry(id="new")))
    assert target.read_bytes() == before
    assert os.listdir(target.parent) == ["catalog.json"]
    assert json.loads(before)["models"][0]["id"] == "old"


@pytest.mark.parametrize(
    "environ",
    [
        {"HOME": "/home/ada", "XDG_CACHE_HOME": None, "XDG_CONFIG_HOME": None},
        {"HOME": "/home/ada/", "XDG_CACHE_HOME": "/var/c", "XDG_CONFIG_HOME": "/etc/c"},
        {"HOME": "/", "XDG_CACHE_HOME": "", "XDG_CONFIG_HOME": "relative/dir"},
        {"HOME": "/home/ada", "XDG_CACHE_HOME": " /x", "XDG_CONFIG_HOME": "/x/../y"},
        {"HOME": "relative", "XDG_CACHE_HOME": None, "XDG_CONFIG_HOME": None},
    ],
)
def test_user_dirs_are_where_platformdirs_puts_them(
    environ: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache and config folders are found without importing platformdirs on Linux: the
    # answer must be its answer, or a user's decoded copies and settings would move.
    import platformdirs

    for name, value in environ.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert location.cache_dir() == Path(platformdirs.user_cache_dir("modelscout"))
    assert location.config_dir() == Path(platformdirs.user_config_dir("modelscout"))
