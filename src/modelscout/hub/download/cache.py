"""What is already downloaded: the HF cache as huggingface_hub's `scan_cache_dir` sees it.

Catalogue rows use `downloaded_sizes()` to mark models on disk; the "local" view lists `scan_local()`
and deletes with `delete_repo()` (after asking: this module never asks, the caller does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from modelscout.errors import DownloadError
from modelscout.hub.env import hub_cache_dir


@dataclass(frozen=True)
class LocalRevision:
    commit_sha: str
    refs: tuple[str, ...]
    size_on_disk_bytes: int
    files: int
    path: Path


@dataclass(frozen=True)
class LocalRepo:
    """One model repo in the cache; `partial_bytes` counts unfinished downloads a pull would resume."""

    repo_id: str
    size_on_disk_bytes: int
    files: int
    path: Path
    revisions: tuple[LocalRevision, ...]
    partial_bytes: int
    last_modified: float


def scan_local(cache_dir: Path | None = None) -> tuple[LocalRepo, ...]:
    """Model repos in the HF cache, largest first; an absent cache is simply empty."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    root = hub_cache_dir(explicit=cache_dir)
    try:
        info = scan_cache_dir(root)
    except CacheNotFound:
        return ()
    except OSError as exc:
        raise DownloadError(
            f"cannot read the Hugging Face cache at {root}: {exc.strerror}"
        ) from None
    partial: dict[Path, int] = {}
    for item in info.incomplete_files:
        repo_path = item.file_path.parent.parent
        partial[repo_path] = partial.get(repo_path, 0) + item.size_on_disk
    repos = []
    for repo in info.repos:
        if repo.repo_type != "model":
            continue
        revisions = tuple(
            LocalRevision(
                commit_sha=rev.commit_hash,
                refs=tuple(sorted(rev.refs)),
                size_on_disk_bytes=rev.size_on_disk,
                files=rev.nb_files,
                path=rev.snapshot_path,
            )
            for rev in sorted(repo.revisions, key=lambda r: -r.last_modified)
        )
        repos.append(
            LocalRepo(
                repo_id=repo.repo_id,
                size_on_disk_bytes=repo.size_on_disk,
                files=repo.nb_files,
                path=repo.repo_path,
                revisions=revisions,
                partial_bytes=partial.get(repo.repo_path, 0),
                last_modified=repo.last_modified,
            )
        )
    repos.sort(key=lambda r: (-r.size_on_disk_bytes, r.repo_id))
    return tuple(repos)


def local_gguf(repo_id: str, tag: str | None, cache_dir: Path | None = None) -> Path | None:
    """The downloaded GGUF file of `repo_id` whose name carries `tag` (e.g. Q4_K_M), newest
    snapshot first; for a file split in parts, its first part, which llama.cpp loads the rest
    from. None when no such file is on disk."""
    wanted = repo_id.lower()
    for repo in scan_local(cache_dir):
        if repo.repo_id.lower() != wanted:
            continue
        for revision in repo.revisions:
            names = sorted(p for p in revision.path.glob("*.gguf") if p.is_file())
            for path in names:
                name = path.name.lower()
                if tag is not None and tag.lower() not in name:
                    continue
                if "-of-" not in name or "-00001-of-" in name:
                    return path
    return None


def downloaded_sizes(cache_dir: Path | None = None) -> dict[str, int]:
    """Size on disk of each downloaded repo, keyed by lower-case repo id, for marking catalogue rows."""
    return {r.repo_id.lower(): r.size_on_disk_bytes for r in scan_local(cache_dir) if r.files > 0}


def delete_repo(repo_id: str, cache_dir: Path | None = None) -> int:
    """Delete every cached revision of a repo (and its partial downloads); returns bytes freed.

    The repo's whole folder goes (blobs, snapshots, refs, partial files), which is what deleting
    every revision with huggingface_hub's `delete_revisions` leaves behind; unlike it, a file that
    cannot be removed (a read-only cache) is an error here rather than a logged warning.
    """
    import shutil

    root = hub_cache_dir(explicit=cache_dir)
    wanted = repo_id.lower()
    matches = [r for r in scan_local(root) if r.repo_id.lower() == wanted]
    if not matches:
        raise DownloadError(f"{repo_id} is not in the Hugging Face cache at {root}")
    repo = matches[0]
    try:
        shutil.rmtree(repo.path)
    except FileNotFoundError:
        pass  # another process deleted it meanwhile
    except OSError as exc:
        left = "partly deleted" if repo.path.exists() else "deleted"
        raise DownloadError(
            f"cannot delete {repo_id} from {root} ({exc.strerror or exc}): it is {left}; "
            "check the cache's permissions"
        ) from None
    return repo.size_on_disk_bytes + repo.partial_bytes
