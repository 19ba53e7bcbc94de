"""Moving one file's bytes: resume from a partial file, verify, and only then give it its real name.

huggingface_hub (2.x) deletes its temporary file when a transfer fails, so an interrupted multi-gigabyte
download would start from zero. This module keeps the partial data in ``<name>.incomplete`` (the name
the HF cache and ``hf cache`` already treat as unfinished) and continues it with an HTTP Range request.
The requests go through huggingface_hub's own HTTP session, so proxies, the user agent and the hub's
request hooks apply exactly as they do to ``hf download``.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from modelscout.errors import DownloadError

READ_BLOCK_BYTES = 8 * 1024 * 1024
CONNECT_TIMEOUT_S = 10.0
# A stalled connection counts as dropped after this long without a byte, then is resumed.
READ_TIMEOUT_S = 30.0

_SHA256 = re.compile(r"[0-9a-f]{64}")
_GIT_SHA1 = re.compile(r"[0-9a-f]{40}")


class DownloadCancelled(DownloadError):
    """The user cancelled; the partial data stays on disk for the next attempt."""


class ShortRead(ConnectionError):
    """The server closed the body early: treated like a dropped connection and resumed."""


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def hasher_for(etag: str, size_bytes: int | None) -> _Hasher | None:
    """The digest the Hub's ETag promises: sha256 for LFS files, git's blob sha1 for small ones."""
    if _SHA256.fullmatch(etag):
        return hashlib.sha256()
    if _GIT_SHA1.fullmatch(etag) and size_bytes is not None:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(b"blob %d\0" % size_bytes)
        return digest
    return None


def partial_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def without_foreign_auth(url: str, location: str, headers: dict[str, str]) -> dict[str, str]:
    """Drop the token when the file is served from another host (a CDN with a signed URL)."""
    if urlparse(url).netloc == urlparse(location).netloc:
        return dict(headers)
    return {k: v for k, v in headers.items() if k.lower() != "authorization"}


def fetch(
    location: str,
    partial: Path,
    *,
    size_bytes: int | None,
    etag: str,
    headers: dict[str, str],
    stop: Callable[[], bool],
    on_bytes: Callable[[int], None],
) -> None:
    """Bring `partial` up to the whole file, continuing from what it holds, and verify it.

    Raises DownloadCancelled when `stop()` turns true (checked for every block received), a
    transport error or ShortRead when the connection drops (the caller retries; the data received so
    far stays), and DownloadError when the finished file does not match its ETag (the partial file is
    removed, since resuming it would only reproduce the mismatch).
    """
    import httpx2
    from huggingface_hub.utils import get_session, hf_raise_for_status

    have = partial_size(partial)
    if size_bytes is not None and have > size_bytes:
        partial.unlink()
        have = 0
    digest = hasher_for(etag, size_bytes)
    if digest is not None and have:
        _hash_prefix(partial, digest, stop)
    if size_bytes is not None and have == size_bytes:
        _verify(partial, digest, etag)
        return
    request_headers = dict(headers)
    request_headers["Accept-Encoding"] = "identity"
    if have:
        request_headers["Range"] = f"bytes={have}-"
    timeout = httpx2.Timeout(CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S)
    with get_session().stream(
        "GET", location, headers=request_headers, timeout=timeout
    ) as response:
        hf_raise_for_status(response)
        mode = "ab"
        if have and response.status_code != 206:
            # The server ignored the Range header and sends the whole file: start the file afresh.
            mode, have = "wb", 0
            digest = hasher_for(etag, size_bytes)
        checksum = _BackgroundDigest(digest) if digest is not None else None
        try:
            with partial.open(mode) as out:
                for block in response.iter_bytes():
                    if stop():
                        raise DownloadCancelled("cancelled")
                    out.write(block)
                    if checksum is not None:
                        checksum.update(block)
                    have += len(block)
                    on_bytes(len(block))
        finally:
            if checksum is not None:
                checksum.close()
    if size_bytes is not None and have < size_bytes:
        raise ShortRead(f"connection closed after {have} of {size_bytes} bytes")
    _verify(partial, digest, etag)


class _BackgroundDigest:
    """Feed a digest from a helper thread. hashlib releases the GIL on large blocks, so the checksum
    is computed while the next block is read from the network instead of after it.
    """

    def __init__(self, digest: _Hasher) -> None:
        self._digest = digest
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=64)
        self._thread = threading.Thread(target=self._run, name="modelscout-checksum", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (block := self._blocks.get()) is not None:
            self._digest.update(block)

    def update(self, block: bytes) -> None:
        self._blocks.put(block)

    def close(self) -> None:
        """Wait until every block given so far is in the digest."""
        if self._thread.is_alive():
            self._blocks.put(None)
            self._thread.join()


def _hash_prefix(path: Path, digest: _Hasher, stop: Callable[[], bool]) -> None:
    with path.open("rb") as handle:
        while block := handle.read(READ_BLOCK_BYTES):
            if stop():
                raise DownloadCancelled("cancelled")
            digest.update(block)


def _verify(partial: Path, digest: _Hasher | None, etag: str) -> None:
    if digest is None or digest.hexdigest() == etag:
        return
    partial.unlink(missing_ok=True)
    raise DownloadError(
        f"the downloaded data does not match the Hub's checksum ({partial.name}): "
        "it was discarded; run the pull again"
    )


def publish(partial: Path, final: Path) -> None:
    """Give a verified file its real name in one step, so no reader ever sees half of it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, final)


def link_or_copy(target: Path, link: Path, symlinks: bool) -> None:
    """Point a snapshot entry at its blob the way huggingface_hub does (a relative symlink), or copy
    it where the filesystem has no symlinks; either appears under its name in one step.
    """
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    if symlinks:
        os.symlink(os.path.relpath(target, link.parent), tmp)
    else:
        import shutil

        shutil.copyfile(target, tmp)
    os.replace(tmp, link)
