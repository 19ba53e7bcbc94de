"""The download job against a hostile Hub or mirror, and a broken or booby-trapped disk.

Every attack is served for real by the Hub look-alike on 127.0.0.1 (tests/hub/hubserver.py) and goes
through huggingface_hub's own metadata requests: names, ETags and commits that would lead out of the
cache, checksums that cannot be checked, bytes that do not match, symlinks planted on the way.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from modelscout.errors import DownloadError
from modelscout.hub.download.job import DownloadJob, DownloadRequest, DownloadResult
from tests.hub.conftest import model_bytes, sha256_file, small_model_files
from tests.hub.hubserver import HubServer

REPO = "org/tiny"
BIG = "model-00001-of-00002.safetensors"
MIB = 1024 * 1024
MD5_LIKE = "0123456789abcdef0123456789abcdef"  # what a proxy or a mirror might send as an ETag


def pull(server: HubServer, tmp_path: Path, **kw: object) -> DownloadResult:
    request: dict[str, object] = {"cache_dir": tmp_path / "cache" / "hub", "endpoint": server.url}
    request.update(kw)
    return DownloadJob(
        DownloadRequest(repo_id=REPO, **request),  # type: ignore[arg-type]
        backoff_s=0.01,
        progress_interval_s=0.0,
    ).run()


def written_outside(tmp_path: Path, *inside: Path) -> list[Path]:
    """Every file or folder under tmp_path that is not under one of `inside` (or on the way to it)."""
    roots = [p.resolve() for p in (*inside, tmp_path / "home")]  # home: the per-test XDG dirs
    stray = []
    for path in tmp_path.rglob("*"):
        resolved = path.resolve() if not path.is_symlink() else path.parent.resolve() / path.name
        if any(resolved == r or r in resolved.parents or resolved in r.parents for r in roots):
            continue
        stray.append(path)
    return stray


def assert_blobs_are_named_by_digest(cache: Path) -> None:
    for blob in (cache / "models--org--tiny" / "blobs").iterdir():
        assert len(blob.name) in (40, 64) and set(blob.name) <= set("0123456789abcdef"), blob.name


# --- 1. the ETag names the blob: a path in it must never become one ------------------------------


@pytest.mark.parametrize("lfs", [False, True], ids=["git-file", "lfs-file"])
def test_etag_with_a_parent_path_never_writes_outside_the_cache(
    hub_server: HubServer, tmp_path: Path, lfs: bool
) -> None:
    name = BIG if lfs else "config.json"
    repo = hub_server.add_repo(REPO, small_model_files())
    # four levels up from blobs/ is tmp_path itself, where the old code wrote the blob
    repo.files[name].served_etag = "../../../../escaped-blob"
    cache = tmp_path / "cache" / "hub"
    result = pull(hub_server, tmp_path)
    # The ETag says nothing checkable, so the listing's digest names the blob and verifies it.
    assert (result.path / name).read_bytes() == repo.files[name].data
    assert not list(tmp_path.rglob("escaped-blob*"))
    assert written_outside(tmp_path, cache) == []
    assert_blobs_are_named_by_digest(cache)


# --- 2. the commit names the snapshot folder ------------------------------------------------------


@pytest.mark.parametrize("sha", ["../../../../escaped-snapshot", "/tmp/escaped", "A" * 40])
def test_a_commit_that_is_not_a_hash_is_refused_before_anything_is_written(
    hub_server: HubServer, tmp_path: Path, sha: str
) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    repo.listed_sha = sha
    with pytest.raises(DownloadError, match="not a git commit hash"):
        pull(hub_server, tmp_path)
    assert not [r for r in hub_server.requests if "/resolve/" in r.path]
    assert not list(tmp_path.rglob("escaped*"))
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("listed", ["../../escaped", "org/../../escaped", "/abs/x", "a/b/c"])
def test_a_repo_id_in_the_answer_that_is_not_one_is_refused(
    hub_server: HubServer, tmp_path: Path, listed: str
) -> None:
    """The answer's id names the cache folder (models--org--name)."""
    repo = hub_server.add_repo(REPO, small_model_files())
    repo.listed_id = listed
    with pytest.raises(DownloadError, match="which is not a repo id"):
        pull(hub_server, tmp_path)
    assert not (tmp_path / "cache").exists()


def test_a_revision_with_a_parent_path_is_refused(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo(REPO, small_model_files())
    with pytest.raises(DownloadError, match=r"--revision .*'\.\.'"):
        pull(hub_server, tmp_path, revision="../../../escaped-ref")
    assert not list(tmp_path.rglob("escaped*"))


# --- 3. every transfer is verified against the strongest checksum offered, and its size ----------


@pytest.mark.parametrize("lfs", [False, True], ids=["git-file", "lfs-file"])
def test_tampered_bytes_behind_an_md5_etag_are_caught_by_the_listing_digest(
    hub_server: HubServer, tmp_path: Path, lfs: bool
) -> None:
    name = BIG if lfs else "config.json"
    repo = hub_server.add_repo(REPO, small_model_files())
    f = repo.files[name]
    f.served_etag = MD5_LIKE
    f.served_data = bytes(b ^ 0x01 for b in f.data)  # same size, every byte wrong
    with pytest.raises(DownloadError, match="does not match the Hub's checksum"):
        pull(hub_server, tmp_path)
    assert not list((tmp_path / "cache").rglob(name))


def test_extra_bytes_behind_an_md5_etag_are_refused(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo(REPO, {BIG: model_bytes(MIB, "w")})
    f = repo.files[BIG]
    f.served_etag = MD5_LIKE
    f.served_data = f.data + b"appended by the mirror"
    with pytest.raises(DownloadError, match="more than"):
        pull(hub_server, tmp_path)
    blobs = tmp_path / "cache" / "hub" / "models--org--tiny" / "blobs"
    assert not list(blobs.iterdir())


def test_a_listing_and_a_file_server_that_disagree_on_the_size_are_refused(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, {"config.json": b'{"a": 1}\n'})
    f = repo.files["config.json"]
    f.served_etag = MD5_LIKE
    f.served_data = f.data + b"\n"
    with pytest.raises(DownloadError, match="holds 9 bytes but its file server says 10"):
        pull(hub_server, tmp_path)


def test_equal_fake_etags_do_not_collapse_different_files_into_one_blob(
    hub_server: HubServer, tmp_path: Path
) -> None:
    files = {"a.safetensors": model_bytes(MIB, "a"), "b.safetensors": model_bytes(MIB, "b")}
    repo = hub_server.add_repo(REPO, files)
    for f in repo.files.values():
        f.served_etag = MD5_LIKE
    result = pull(hub_server, tmp_path)
    for name, data in files.items():
        assert sha256_file(result.path / name) == hashlib.sha256(data).hexdigest()


def test_a_sha256_etag_that_contradicts_the_listing_is_refused(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, {BIG: model_bytes(MIB, "w")})
    repo.files[BIG].served_etag = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(DownloadError, match="different sha256 checksums"):
        pull(hub_server, tmp_path)


def test_a_file_with_no_checkable_digest_anywhere_is_refused(
    hub_server: HubServer, tmp_path: Path
) -> None:
    from modelscout.hub.download.variants import RepoFile, RepoListing

    repo = hub_server.add_repo(REPO, {"config.json": b"{}\n"})
    repo.files["config.json"].served_etag = MD5_LIKE
    # a mirror's listing with names and sizes but no digests
    listing = RepoListing(REPO, repo.commit, (RepoFile("config.json", size_bytes=3),))
    request = DownloadRequest(REPO, cache_dir=tmp_path / "hub", endpoint=hub_server.url)
    with pytest.raises(DownloadError, match="no sha256 or git sha1"):
        DownloadJob(request, listing=listing).run()
    assert not list((tmp_path / "hub").rglob("config.json"))


# --- 4. symlinks planted on the way ---------------------------------------------------------------


def test_an_incomplete_file_planted_as_a_symlink_never_writes_through(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    blobs = tmp_path / "cache" / "hub" / "models--org--tiny" / "blobs"
    blobs.mkdir(parents=True)
    os.symlink(victim, blobs / f"{repo.files[BIG].etag}.incomplete")
    result = pull(hub_server, tmp_path)
    assert victim.read_bytes() == b"precious"
    assert sha256_file(result.path / BIG) == repo.files[BIG].etag


@pytest.mark.parametrize(
    ("folder", "variant"), [("gguf", "gguf:Q4_K_M"), (".cache", None)], ids=["files", "metadata"]
)
def test_a_symlinked_folder_inside_the_local_dir_is_not_written_through(
    hub_server: HubServer, tmp_path: Path, folder: str, variant: str | None
) -> None:
    hub_server.add_repo(REPO, small_model_files())
    local, outside = tmp_path / "local", tmp_path / "outside"
    local.mkdir()
    outside.mkdir()
    os.symlink(outside, local / folder)
    with pytest.raises(DownloadError, match="leads outside"):
        pull(hub_server, tmp_path, local_dir=local, variant=variant)
    assert list(outside.iterdir()) == []


# --- 5. a 0-byte file ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["cache", "local-dir"])
def test_a_repo_with_empty_files_pulls_by_default(
    hub_server: HubServer, tmp_path: Path, where: str
) -> None:
    files = {**small_model_files(), "empty.json": b"", "sub/__init__.py": b""}
    hub_server.add_repo(REPO, files)
    local = {"local_dir": tmp_path / "local"} if where == "local-dir" else {}
    result = pull(hub_server, tmp_path, **local)
    assert {"empty.json", "sub/__init__.py"} <= set(result.files)  # in the default set
    assert (result.path / "empty.json").read_bytes() == b""
    assert (result.path / "sub" / "__init__.py").read_bytes() == b""
    assert pull(hub_server, tmp_path, **local).transferred_bytes == 0  # and known as complete


# --- 6. names as long as a file system allows -----------------------------------------------------

LONG_NAME = "n" * 225 + ".safetensors"  # 237 characters: within the 255 a name may have


@pytest.mark.parametrize("where", ["cache", "local-dir"])
def test_a_long_file_name_and_a_long_nested_path_pull(
    hub_server: HubServer, tmp_path: Path, where: str
) -> None:
    deep = "/".join(["d" * 200] * 6) + "/" + "m" * 200 + ".safetensors"
    files = {LONG_NAME: model_bytes(MIB, "long"), deep: model_bytes(MIB // 4, "deep")}
    hub_server.add_repo(REPO, files)
    local = {"local_dir": tmp_path / "local"} if where == "local-dir" else {}
    result = pull(hub_server, tmp_path, **local)
    for name, data in files.items():
        assert sha256_file(result.path / name) == hashlib.sha256(data).hexdigest()


# --- 7. a read-only cache that already holds the repo ---------------------------------------------


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of everything under root: a rewrite, even an atomic one, changes them."""
    return {
        str(p.relative_to(root)): (p.lstat().st_ino, p.lstat().st_mtime_ns) for p in root.rglob("*")
    }


def test_pulling_a_complete_repo_again_writes_nothing(
    hub_server: HubServer, tmp_path: Path
) -> None:
    """So it works in a read-only cache (shared, or mounted read-only into a container)."""
    hub_server.add_repo(REPO, small_model_files())
    cache = tmp_path / "cache" / "hub"
    pull(hub_server, tmp_path)
    before = tree_state(cache)
    modes = {p: p.lstat().st_mode for p in cache.rglob("*") if not p.is_symlink()}
    for path in (*modes, cache):
        path.chmod(0o555 if path.is_dir() else 0o444)  # read-only (root writes anyway: see above)
    try:
        again = pull(hub_server, tmp_path)
    finally:
        cache.chmod(0o755)
        for path, mode in modes.items():
            path.chmod(mode)
    assert again.transferred_bytes == 0
    assert tree_state(cache) == before


def test_deleting_from_a_cache_that_refuses_says_so_in_one_line(
    hub_server: HubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno
    import shutil

    from modelscout.cli import main

    hub_server.add_repo(REPO, small_model_files())
    cache = tmp_path / "cache" / "hub"
    pull(hub_server, tmp_path)

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        # what a read-only cache answers (chmod does not stop root, so the refusal is made here)
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(shutil, "rmtree", refuse)
    status = main(["local", "--delete", REPO, "--yes", "--cache-dir", str(cache)])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "cannot delete org/tiny" in err and "Permission denied" in err
    assert (cache / "models--org--tiny").exists()
