"""Stored models: a decoded copy's records read one at a time equal the catalogue file's, whatever
the index, from any thread, and a damaged copy gives way to the file."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from modelscout.catalog import Model, decoded, load_catalog, stored
from modelscout.catalog import location as location_module
from modelscout.catalog.location import cache_dir, write_catalog
from modelscout.catalog.lookup import ModelNotFound, find_model, name_for_repo, positions_of
from modelscout.catalog.stored import StoredModels
from modelscout.catalog.twins import twins
from tests.catalog.factory import document, entry, full_attention

COUNT = 23  # three chunks of 8 and a short one: records at every kind of boundary


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 8 and no catalogue held whole, so that a few records exercise the mapped copy;
    files copied however recently they changed."""
    monkeypatch.setattr(stored, "CHUNK_MODELS", 8)
    monkeypatch.setattr(stored, "HOLD_MAX", 0)
    monkeypatch.setattr(decoded, "_SETTLE_S", -1.0)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    entries = [
        entry(
            id=f"m{i:02d}",
            name=f"{'Alpha' if i % 3 else 'Beta'} {i}",
            repo_id=f"org/Repo-{i // 2}",  # pairs of twins
            gguf_repo_id=f"quant/Repo-{i}-GGUF" if i % 5 == 0 else None,
            reasoning=i % 2 == 0,  # the first of each pair of twins is the reasoning row
            architecture=full_attention(32, 8, 128) if i % 2 else None,
            notes="ü" * i,  # records of different lengths
        )
        for i in range(COUNT)
    ]
    path = tmp_path / "c.json"
    write_catalog(path, document(*entries))
    return path


def expected(path: Path) -> tuple[Model, ...]:
    return tuple(load_catalog(path).models)  # the file itself, decoded and checked


def opened(path: Path) -> StoredModels:
    location_module.load_catalog(path)  # writes the copy
    models = location_module.load_catalog(path).models
    assert isinstance(models, StoredModels)
    return models


def models_file() -> Path:
    (found,) = (cache_dir() / "decoded").glob("*.models")
    return found


def test_single_reads_slices_and_iteration_equal_the_file(path: Path) -> None:
    models, want = opened(path), expected(path)
    assert len(models) == COUNT
    assert [models[i] for i in range(COUNT)] == list(want)
    assert list(models) == list(want)
    assert models[-1] == want[-1] and models[-COUNT] == want[0]
    assert models[np.int64(9)] == want[9] and models[np.intp(-2)] == want[-2]
    assert models[3:17] == list(want[3:17]) and models[::5] == list(want[::5])
    assert models[-4:] == list(want[-4:]) and models[30:40] == []
    for bad in (COUNT, -COUNT - 1):
        with pytest.raises(IndexError):
            models[bad]
    with pytest.raises(TypeError):
        models["1"]  # type: ignore[call-overload]


def test_the_run_that_writes_the_copy_gets_stored_models_of_its_records(path: Path) -> None:
    first = location_module.load_catalog(path).models
    assert isinstance(first, StoredModels)
    assert first.copy.models_path == models_file()
    assert list(first) == list(expected(path))
    assert first.copy == opened(path).copy


def test_a_small_catalogue_is_decoded_whole_once(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = opened(path)
    monkeypatch.setattr(stored, "HOLD_MAX", COUNT)
    assert models[5] == expected(path)[5]
    assert models[5] is models[5]  # held: the same records every time
    assert models._file is not None and models._held is not None


def test_recently_read_records_are_kept_up_to_the_bound(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stored, "CACHE_RECORDS", 4)
    models = opened(path)
    first = models[0]
    assert models[0] is first  # a table redrawing its rows reads nothing again
    for i in range(1, 10):
        models[i]
    assert len(models._cache) == 4
    assert models[0] is not first and models[0] == first  # read again, equal
    list(models)
    models[2:8]
    assert len(models._cache) == 4  # neither a pass nor a slice fills it


def test_records_damaged_after_the_copy_opened_are_read_from_the_file(path: Path) -> None:
    models, want = opened(path), expected(path)
    data = models_file().read_bytes()
    start = len(stored.MODELS_MAGIC) + 1 + 40
    with models_file().open("r+b") as handle:  # in place: the mapping sees it
        handle.seek(start)
        handle.write(b"\xc1" * 200)  # a byte msgpack never uses
    assert models[0] == want[0]
    assert list(models) == list(want) and models[-1] == want[-1]
    assert models._file is None  # the copy is not trusted again
    assert models_file().read_bytes() != data


def test_a_pass_over_a_copy_damaged_midway_still_gives_every_record(path: Path) -> None:
    models, want = opened(path), expected(path)
    size = models_file().stat().st_size
    with models_file().open("r+b") as handle:
        handle.seek(len(stored.MODELS_MAGIC) + size // 3)
        handle.write(b"\xc1" * 64)
    assert list(models) == list(want)


@pytest.mark.parametrize("where", ["starts", "tables", "header"])
def test_a_copy_with_damaged_offsets_or_tables_is_not_used(path: Path, where: str) -> None:
    opened(path)
    data = bytearray(models_file().read_bytes())
    (length,) = stored.LENGTH.unpack_from(data, len(data) - 8)
    header_start = len(data) - 8 - length
    tables = header_start - 4 * COUNT * 3  # by id, by name, by repo (every record has one)
    at = {"starts": tables - 8 * COUNT + 8, "tables": tables + 4, "header": header_start + 3}
    data[at[where]] ^= 0x5A
    models_file().write_bytes(bytes(data))
    models = location_module.load_catalog(path).models
    assert list(models) == list(expected(path))
    assert models_file().read_bytes() != bytes(data)  # written again from the file


def test_a_truncated_copy_is_not_used(path: Path) -> None:
    opened(path)
    data = models_file().read_bytes()
    models_file().write_bytes(data[: len(data) // 2])
    assert list(location_module.load_catalog(path).models) == list(expected(path))


def test_a_copy_cut_short_after_it_opened_gives_way_to_the_file(path: Path) -> None:
    models, want = opened(path), expected(path)
    with models_file().open("r+b") as handle:
        handle.truncate(len(stored.MODELS_MAGIC) + 100)
    assert models[-1] == want[-1] and models[3] == want[3]
    assert models._file is None


def test_concurrent_readers_get_the_records_of_the_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stored, "CACHE_RECORDS", 5)  # evictions under contention
    models, want = opened(path), expected(path)

    def read(seed: int) -> bool:
        rng = random.Random(seed)
        for _ in range(300):
            i = rng.randrange(-COUNT, COUNT)
            if models[i] != want[i]:
                return False
        return list(models) == list(want)

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(read, range(8)))


@pytest.mark.parametrize(
    "text", ["m07", "ORG/repo-3", "beta 9", "alpha 1", "m1", "beta", "nothing", "org/repo-11"]
)
def test_finding_a_model_reads_the_tables_as_a_scan_would_find_it(
    path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    models, want = opened(path), expected(path)

    def outcome(seq: object) -> tuple[str, ...] | str:
        try:
            return find_model(seq, text).id  # type: ignore[arg-type]
        except ModelNotFound as exc:
            return tuple(m.id for m in exc.candidates)

    reads: list[int] = []
    one = stored.CopyFile.one

    def counted(mapped: stored.CopyFile, position: int) -> Model:
        reads.append(position)
        return one(mapped, position)

    monkeypatch.setattr(stored.CopyFile, "one", counted)
    assert outcome(models) == outcome(want)
    assert len(set(reads)) < COUNT  # probes and the matches, not every record
    for model in want[::4]:
        assert twins(model, models) == twins(model, want)


def test_lookups_on_a_copy_found_damaged_read_every_record(path: Path) -> None:
    models, want = opened(path), expected(path)
    with models_file().open("r+b") as handle:
        handle.seek(len(stored.MODELS_MAGIC))
        handle.write(b"\xc1" * (models_file().stat().st_size // 2))
    assert positions_of(models, "repo", "org/repo-3") == [6, 7]
    assert find_model(models, "m13") == want[13]
    assert models._file is None


@pytest.mark.parametrize("repo", ["org/repo-3", "ORG/Repo-3", "quant/repo-10-gguf", "org/none"])
def test_a_downloaded_repo_is_named_as_the_catalogue_names_it(path: Path, repo: str) -> None:
    models, want = opened(path), expected(path)
    named = name_for_repo(models, repo)
    assert named == name_for_repo(want, repo)
    wanted = {"org/repo-3": "Alpha 7", "quant/repo-10-gguf": "Alpha 10 (GGUF)"}
    assert named == wanted.get(repo.lower())
