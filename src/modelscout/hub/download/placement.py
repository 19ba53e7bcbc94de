"""Where each file of a download lands, laid out exactly as huggingface_hub lays it out.

In the HF cache: ``<cache>/models--org--name/blobs/<etag>``, with ``snapshots/<commit>/<path>``
links and ``refs/<revision>``, guarded by the lock files in ``<cache>/.locks``. In a local folder:
``<dir>/<path>`` plus hf's ``.cache/huggingface/download`` metadata and locks. Following the same
layout and the same locks is what lets transformers, vLLM, llama.cpp and ``hf`` find the files, and
two processes (ours or ``hf``) pulling one repo download each file once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from modelscout.errors import DownloadError
from modelscout.files import write_atomic
from modelscout.hub.download import transfer
from modelscout.hub.download.transfer import DownloadCancelled
from modelscout.hub.download.variants import RepoFile

if TYPE_CHECKING:
    from modelscout.hub.download.request import DownloadRequest

DEFAULT_REVISION = "main"
LOCK_POLL_S = 0.2  # how often a wait for another process's lock looks for a cancel


def unsafe_path_reason(path: str) -> str | None:
    """Why a repo file name must not be written to disk (it would escape the target), or None."""
    if not path or "\x00" in path:
        return "empty or contains a NUL byte"
    parts = path.replace("\\", "/").split("/")
    if ".." in parts:
        return "contains '..'"
    if any(part in ("", ".") for part in parts):
        return "has an empty or '.' segment"
    if PurePosixPath(path).is_absolute() or any(
        PureWindowsPath(part).drive or PureWindowsPath(part).root for part in parts
    ):
        return "is an absolute path"
    return None


def inside(root: Path, path: Path) -> Path:
    """`path` with its folder resolved, when that folder lies under `root` (resolved too).

    Names from the Hub pass `unsafe_path_reason` first; this catches what a name cannot show, a
    symlinked folder on the way (planted inside a --local-dir, say) that leads elsewhere. Nothing
    is written to a path that has not come through here.
    """
    base = root.resolve()
    folder = path.parent.resolve()
    if folder != base and base not in folder.parents:
        raise DownloadError(
            f"refusing to write {path.name!r}: its folder leads outside {root} (a symlink?)"
        )
    return folder / path.name


def _agreed_size(f: RepoFile, served: int | None) -> int | None:
    """The file's size when the listing and the file server agree on it (either may not say)."""
    if served is not None and f.size_bytes is not None and served != f.size_bytes:
        raise DownloadError(
            f"the Hub's listing says {f.path!r} holds {f.size_bytes} bytes but its file server "
            f"says {served}: refusing to download it"
        )
    return served if served is not None else f.size_bytes


class Placement:
    """Where each file of one repo commit goes, in the HF cache layout or a local folder."""

    def __init__(self, request: DownloadRequest, repo_id: str, commit: str, target: Path) -> None:
        from huggingface_hub.file_download import repo_folder_name

        self.request = request
        self.repo_id = repo_id
        self.commit = commit
        self.local = request.local_dir is not None
        self.target = target
        folder = repo_folder_name(repo_id=repo_id, repo_type="model")
        if self.local:
            self.root = target
            self.meta_dir = target / ".cache" / "huggingface" / "download"
        else:
            self.storage = target / folder
            self.root = self.storage / "snapshots" / commit
            self.locks = target / ".locks" / folder
        self._symlinks: bool | None = None

    def destination(self, f: RepoFile) -> Path:
        return self.root.joinpath(*f.path.split("/"))

    def _checked(self, path: Path) -> Path:
        return inside(self.target, path)

    def bytes_present(self, f: RepoFile) -> int:
        """Bytes of this file already on disk: all of it when complete, else any partial data."""
        if self._complete(f):
            return f.size_bytes or 0
        etag = f.sha256 or f.blob_id  # checked against strict patterns when listed
        if etag is None:
            return 0
        return transfer.partial_size(self._partial(f, etag))

    def _complete(self, f: RepoFile) -> bool:
        if self.local:
            return (
                self._local_metadata_etag(f) in (f.sha256, f.blob_id)
                and self.destination(f).exists()
            )
        return self.destination(f).exists()

    def _partial(self, f: RepoFile, etag: str) -> Path:
        if self.local:
            # huggingface_hub's name: a short hash of the file's name keeps deep paths and long
            # names within the 255 bytes a name may have.
            from huggingface_hub._local_folder import _short_hash

            metadata = self._metadata_path(f)
            return metadata.parent / f"{_short_hash(metadata.name)}.{etag}.incomplete"
        return self.storage / "blobs" / f"{etag}.incomplete"

    def _lock_path(self, f: RepoFile, etag: str) -> Path:
        if self.local:  # huggingface_hub's own lock for this file in a local folder
            return self._meta_file(f, ".lock")
        return self.locks / f"{etag}.lock"

    def _meta_file(self, f: RepoFile, suffix: str) -> Path:
        parts = f.path.split("/")
        return self.meta_dir.joinpath(*parts[:-1], parts[-1] + suffix)

    def _metadata_path(self, f: RepoFile) -> Path:
        return self._meta_file(f, ".metadata")

    def _local_metadata_etag(self, f: RepoFile) -> str | None:
        try:
            lines = self._metadata_path(f).read_text().splitlines()
        except OSError:
            return None
        return lines[1].strip() if len(lines) >= 2 else None

    def fetch(
        self, f: RepoFile, *, stop: Callable[[], bool], on_bytes: Callable[[int], None]
    ) -> None:
        from filelock import FileLock, Timeout
        from huggingface_hub import constants
        from huggingface_hub.file_download import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.utils import build_hf_headers

        if self._complete(f):
            return
        req = self.request
        url = hf_hub_url(self.repo_id, f.path, revision=self.commit, endpoint=req.endpoint)
        meta = get_hf_file_metadata(
            url, token=req.token, endpoint=req.endpoint, timeout=constants.HF_HUB_ETAG_TIMEOUT
        )
        checksum = transfer.strongest_checksum(
            f.path, listed_sha256=f.sha256, listed_blob_id=f.blob_id, etag=meta.etag
        )
        etag = checksum.hexdigest  # a strict hex pattern: safe as the blob's name
        size = _agreed_size(f, meta.size)
        headers = build_hf_headers(token=req.token, library_name="modelscout")
        headers = transfer.without_foreign_auth(url, meta.location, headers)
        lock_path = self._checked(self._lock_path(f, etag))
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), mode=0o664)
        while True:
            if stop():
                raise DownloadCancelled("cancelled")
            try:
                lock.acquire(timeout=LOCK_POLL_S)
                break
            except Timeout:
                continue
        try:
            final = self.destination(f) if self.local else self.storage / "blobs" / etag
            final = self._checked(final)
            if self.local or not final.exists():
                partial = self._checked(self._partial(f, etag))
                partial.parent.mkdir(parents=True, exist_ok=True)
                transfer.fetch(
                    meta.location,
                    partial,
                    size_bytes=size,
                    checksum=checksum,
                    headers=headers,
                    stop=stop,
                    on_bytes=on_bytes,
                )
                transfer.publish(partial, final)
            if self.local:
                self._write_local_metadata(f, etag)
            else:
                link = self._checked(self.destination(f))
                transfer.link_or_copy(final, link, self._symlinks_supported())
        finally:
            lock.release()

    def _symlinks_supported(self) -> bool:
        if self._symlinks is None:
            from huggingface_hub.file_download import are_symlinks_supported

            self._symlinks = are_symlinks_supported(self.target)
        return self._symlinks

    def _write_local_metadata(self, f: RepoFile, etag: str) -> None:
        # huggingface_hub's format, so a later `hf download --local-dir` sees the file as current.
        text = f"{self.commit}\n{etag}\n{time.time()}\n"
        write_atomic(self._checked(self._metadata_path(f)), text.encode())

    def finish(self) -> None:
        """Record which commit the requested revision names, as huggingface_hub does in refs/."""
        if self.local:
            return
        revision = self.request.revision or DEFAULT_REVISION
        if revision == self.commit:
            return
        ref = self._checked(self.storage.joinpath("refs", *revision.split("/")))
        try:
            if ref.read_bytes() == self.commit.encode():
                return  # already recorded: a read-only cache that holds the repo pulls fine
        except OSError:
            pass
        write_atomic(ref, self.commit.encode())
