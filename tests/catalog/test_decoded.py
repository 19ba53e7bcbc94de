"""The decoded copy of a catalogue: read back only while its key matches, never a value the loader
would reject, and `list --json` from it writes what the records themselves would."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from modelscout.catalog import decoded, model_to_dict
from modelscout.catalog.location import cache_dir, load_catalog, write_catalog
from modelscout.cli import main
from modelscout.commands.common import print_json_array
from modelscout.errors import CatalogError
from tests.catalog.factory import document, entry, full_attention


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copy files however recently they changed (a test writes them just before loading)."""
    monkeypatch.setattr(decoded, "_SETTLE_S", -1.0)


def copies() -> list[str]:
    folder = cache_dir() / "decoded"
    return sorted(p.suffix for p in folder.iterdir()) if folder.exists() else []


def catalogue(path: Path, *names: str) -> Path:
    entries = [
        entry(id=name, name=name.title(), architecture=full_attention(32, 8, 128)) for name in names
    ]
    entries.append(entry(id="extra", name="Extra", surprise=1))  # an unknown field: a warning
    write_catalog(path, document(*entries))
    return path


def test_a_second_load_reads_the_copy_and_gets_the_same_catalogue(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = catalogue(tmp_path / "c.json", "alpha", "beta")
    first = load_catalog(path)
    assert copies() == [".models"]
    # The file itself is not read again: a second load that tried would fail here.
    monkeypatch.setattr(decoded, "load_catalog", lambda *a: pytest.fail("read the file"))
    second = load_catalog(path)
    assert isinstance(first.models, decoded.StoredModels)
    assert isinstance(second.models, decoded.StoredModels)
    assert list(second.models) == list(first.models)
    assert second.models.copy == first.models.copy
    assert (second.built, second.warnings, second.origin) == (first.built, first.warnings, "file")
    assert second.warnings and "surprise" in second.warnings[0]


def test_an_edit_of_equal_size_and_mtime_is_read_from_the_file(
    tmp_path: Path, settled: None
) -> None:
    path = catalogue(tmp_path / "c.json", "alpha")
    stat = path.stat()
    assert [m.id for m in load_catalog(path).models] == ["alpha", "extra"]
    path.write_text(path.read_text().replace("alpha", "gamma"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert [m.id for m in load_catalog(path).models] == ["gamma", "extra"]


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_copy_is_ignored(tmp_path: Path, settled: None, damage: bytes | None) -> None:
    path = catalogue(tmp_path / "c.json", "alpha", "beta")
    expected = list(load_catalog(path).models)
    (copy,) = (cache_dir() / "decoded").iterdir()
    data = copy.read_bytes()
    copy.write_bytes(data[:-10] if damage is None else damage)
    assert list(load_catalog(path).models) == expected


def test_a_file_the_loader_rejects_is_never_copied(tmp_path: Path, settled: None) -> None:
    path = tmp_path / "c.json"
    write_catalog(path, document(entry(total_params_b=-1)))
    with pytest.raises(CatalogError, match="total_params_b"):
        load_catalog(path)
    assert copies() == []
    with pytest.raises(CatalogError, match="total_params_b"):
        load_catalog(path)  # and the error stays the loader's


def test_a_file_changed_just_now_is_not_copied(tmp_path: Path) -> None:
    path = catalogue(tmp_path / "c.json", "alpha")
    load_catalog(path)
    assert copies() == []


@pytest.mark.parametrize(
    "argv",
    [[], ["tier:small", "sort:-intelligence"], ["--limit", "2"], ["--vram", "8G", "sort:best"]],
)
def test_list_json_from_the_copy_writes_what_the_records_would(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    path = catalogue(tmp_path / "c.json", "alpha", "beta", "gamma")
    query = [a for a in argv if not a.startswith("-") and a not in ("2", "8G")]
    options = [a for a in argv if a not in query]
    outputs = []
    for settle in (1e9, -1.0, -1.0, -1.0):  # no copy; copied; rows written; both read
        monkeypatch.setattr(decoded, "_SETTLE_S", settle)
        assert main(["list", *query, "--json", "--catalog", str(path), *options]) == 0
        outputs.append(capsys.readouterr().out)
    assert copies() == [".models", ".rows"]
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    rows = json.loads(outputs[0])
    if not argv:
        models = load_catalog(path).models
        print_json_array(model_to_dict(m, derived=True) for m in models)
        assert outputs[0] == capsys.readouterr().out
    assert ("fit" in rows[0]) == ("--vram" in argv)


@pytest.mark.parametrize("damage", [b"", b"garbage" * 10, None])
def test_damaged_row_texts_are_written_again(
    tmp_path: Path, settled: None, capsys: pytest.CaptureFixture[str], damage: bytes | None
) -> None:
    path = catalogue(tmp_path / "c.json", "alpha", "beta")
    argv = ["list", "--json", "--catalog", str(path)]
    assert main(argv) == 0
    expected = capsys.readouterr().out
    (rows,) = (cache_dir() / "decoded").glob("*.rows")
    data = rows.read_bytes()
    rows.write_bytes(data[: len(data) // 2] if damage is None else damage)
    assert main(argv) == 0
    assert capsys.readouterr().out == expected
    assert rows.read_bytes() == data


def test_a_file_not_copied_gives_its_records_as_a_tuple(tmp_path: Path) -> None:
    path = catalogue(tmp_path / "c.json", "alpha")
    catalog = load_catalog(path)  # changed just now: not copied
    assert isinstance(catalog.models, tuple)
    assert decoded.row_texts(catalog) is None


def test_only_the_most_recently_copied_files_keep_copies(tmp_path: Path, settled: None) -> None:
    paths = [catalogue(tmp_path / f"c{i}.json", f"m{i}") for i in range(decoded._KEEP_COPIES + 2)]
    for path in paths:
        models = load_catalog(path).models
        assert isinstance(models, decoded.StoredModels)
        models.copy.stem.with_suffix(".columns").write_bytes(b"the query layer's")
    # The files kept beside a copy go with it.
    assert copies() == [".columns"] * decoded._KEEP_COPIES + [".models"] * decoded._KEEP_COPIES
    assert [m.id for m in load_catalog(paths[-1]).models] == [f"m{len(paths) - 1}", "extra"]


def test_a_copy_made_under_other_rules_is_not_read(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = catalogue(tmp_path / "c.json", "alpha")
    load_catalog(path)
    read = decoded.load_catalog
    files: list[Path] = []
    monkeypatch.setattr(decoded, "load_catalog", lambda p, o: files.append(p) or read(p, o))
    load_catalog(path)
    assert files == []  # the copy
    monkeypatch.setattr(decoded, "_rules_digest", "the rules of another version")
    assert [m.id for m in load_catalog(path).models] == ["alpha", "extra"]
    assert files == [path]  # the file itself


def test_row_texts_cut_short_while_read_are_an_error_not_a_short_row(
    tmp_path: Path, settled: None
) -> None:
    path = catalogue(tmp_path / "c.json", "alpha", "beta")
    load_catalog(path)
    texts = decoded.row_texts(load_catalog(path))
    assert texts is not None and texts.row(1).startswith(b"  {")
    (rows,) = (cache_dir() / "decoded").glob("*.rows")
    with rows.open("r+b") as handle:
        handle.truncate(40)
    with pytest.raises(CatalogError, match="cut short"):
        texts.row(1)
