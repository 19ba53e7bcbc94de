"""What is on disk: scanning the HF cache after real downloads, and deleting a repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelscout.errors import DownloadError
from modelscout.hub.download.cache import delete_repo, downloaded_sizes, scan_local
from modelscout.hub.download.job import DownloadJob, DownloadRequest
from tests.hub.conftest import model_bytes, small_model_files
from tests.hub.hubserver import HubServer

MIB = 1024 * 1024


def pull(server: HubServer, cache: Path, repo_id: str, **kw: object) -> None:
    DownloadJob(
        DownloadRequest(repo_id=repo_id, cache_dir=cache, endpoint=server.url, **kw),  # type: ignore[arg-type]
        backoff_s=0.01,
        retries=0,
    ).run()


def test_empty_or_absent_cache_lists_nothing(tmp_path: Path) -> None:
    assert scan_local(tmp_path / "nowhere") == ()
    assert downloaded_sizes(tmp_path / "nowhere") == {}


def test_downloaded_repos_are_listed_with_their_size(hub_server: HubServer, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    hub_server.add_repo("org/tiny", small_model_files())
    hub_server.add_repo("org/other", {"model.safetensors": model_bytes(MIB, "o")})
    pull(hub_server, cache, "org/tiny", variant="gguf:Q8_0")
    pull(hub_server, cache, "org/other")
    repos = {r.repo_id: r for r in scan_local(cache)}
    assert set(repos) == {"org/tiny", "org/other"}
    assert repos["org/tiny"].size_on_disk_bytes == len(small_model_files()["gguf/tiny-Q8_0.gguf"])
    assert repos["org/other"].revisions[0].refs == ("main",)
    assert downloaded_sizes(cache) == {"org/tiny": 1572864, "org/other": MIB}


def test_partial_downloads_are_counted_and_deleted_with_the_repo(
    hub_server: HubServer, tmp_path: Path
) -> None:
    cache = tmp_path / "hub"
    hub_server.add_repo("org/tiny", small_model_files())
    pull(hub_server, cache, "org/tiny", variant="gguf:Q4_K_M")
    hub_server.drop_after("org/tiny", "gguf/tiny-Q8_0.gguf", after_bytes=MIB // 2)
    with pytest.raises(DownloadError):
        pull(hub_server, cache, "org/tiny", variant="gguf:Q8_0")
    (repo,) = scan_local(cache)
    assert repo.partial_bytes == MIB // 2

    freed = delete_repo("ORG/tiny", cache)
    assert freed == repo.size_on_disk_bytes + MIB // 2
    assert scan_local(cache) == ()
    assert not (cache / "models--org--tiny").exists()


def test_deleting_what_is_not_there_says_so(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="not in the Hugging Face cache"):
        delete_repo("org/none", tmp_path)
