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
import secrets
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
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


@dataclass(frozen=True)
class Checksum:
    """The digest a file must have: `sha256` of its bytes (LFS files) or git's blob `sha1`.

    `hexdigest` matched a strict pattern before this was made, so it is safe as a file name (the
    blob's name in the HF cache).
    """

    algorithm: str  # "sha256" | "sha1"
    hexdigest: str

    def hasher(self, size_bytes: int | None) -> _Hasher | None:
        """A digest to feed the file's bytes to; None for a git sha1 of a file of unknown size,
        whose header needs the size first (that one is checked from the finished file)."""
        if self.algorithm == "sha256":
            return hashlib.sha256()
        if size_bytes is None:
            return None
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(b"blob %d\0" % size_bytes)
        return digest


def is_sha256(value: str | None) -> bool:
    return value is not None and _SHA256.fullmatch(value) is not None


def is_git_sha1(value: str | None) -> bool:
    return value is not None and _GIT_SHA1.fullmatch(value) is not None


def strongest_checksum(
    path: str, *, listed_sha256: str | None, listed_blob_id: str | None, etag: str | None
) -> Checksum:
    """The strongest digest any source offers for a file, checked against the others.

    The listing's LFS sha256 and a sha256 ETag must agree, and win over git sha1s (the listing's
    blob id, a sha1 ETag), which must agree too. An ETag of any other shape (an md5 from a proxy, a
    mirror's own tag) says nothing we can check and is ignored. With no digest at all the file is
    refused: bytes that cannot be verified are not written to the cache.
    """
    for algorithm, check, listed in (
        ("sha256", is_sha256, listed_sha256),
        ("sha1", is_git_sha1, listed_blob_id if not listed_sha256 else None),
    ):
        offered = {d for d in (listed, etag) if d is not None and check(d)}
        if len(offered) > 1:
            raise DownloadError(
                f"the Hub's listing and its file server give different {algorithm} checksums for "
                f"{path!r}: refusing to download it"
            )
        if offered:
            return Checksum(algorithm, offered.pop())
    raise DownloadError(
        f"the Hub offers no sha256 or git sha1 for {path!r}, so its bytes could not be verified: "
        "refusing to download it (try the Hub itself rather than a mirror)"
    )


def partial_size(path: Path) -> int:
    """Bytes held by a partial file; a symlink planted in its place holds none of ours."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def _open_partial(path: Path, append: bool) -> BinaryIO:
    """The partial file for writing, never through a symlink (one planted there is removed): the
    bytes go into this folder or nowhere."""
    if path.is_symlink():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if append else os.O_TRUNC
    return os.fdopen(os.open(path, flags, 0o644), "ab" if append else "wb")


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
    checksum: Checksum,
    headers: dict[str, str],
    stop: Callable[[], bool],
    on_bytes: Callable[[int], None],
) -> None:
    """Bring `partial` up to the whole file, continuing from what it holds, and verify it.

    `on_bytes(n)` is called once n more bytes are in the file itself (flushed, not held in a
    buffer), so a count of them says what a cancelled or stalled transfer has left on disk.
    Raises DownloadCancelled when `stop()` turns true (checked for every block received), a
    transport error or ShortRead when the connection drops (the caller retries; the data received so
    far stays), and DownloadError when the finished file does not match its checksum or its size,
    or the server sends more than the file holds (the partial file is removed, since resuming it
    would only reproduce the mismatch).
    """
    import httpx2
    from huggingface_hub.utils import get_session, hf_raise_for_status

    have = partial_size(partial)
    if have == 0 or (size_bytes is not None and have > size_bytes):
        with _open_partial(partial, append=False):
            have = 0  # an empty file of our own, so even a 0-byte file has something to publish
    digest = checksum.hasher(size_bytes)
    if digest is not None and have:
        _hash_prefix(partial, digest, stop)
    if size_bytes is not None and have == size_bytes:
        _verify(partial, digest, checksum, size_bytes)
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
        append = True
        if have and response.status_code != 206:
            # The server ignored the Range header and sends the whole file: start the file afresh.
            append, have = False, 0
            digest = checksum.hasher(size_bytes)
        background = _BackgroundDigest(digest) if digest is not None else None
        try:
            with _open_partial(partial, append=append) as out:
                for block in response.iter_bytes():
                    if stop():
                        raise DownloadCancelled("cancelled")
                    if size_bytes is not None and have + len(block) > size_bytes:
                        raise _discard(
                            partial,
                            f"the server sent more than the {size_bytes} bytes of {partial.name}",
                        )
                    out.write(block)
                    out.flush()  # counted below only once the file holds it, not a buffer
                    if background is not None:
                        background.update(block)
                    have += len(block)
                    on_bytes(len(block))
        finally:
            if background is not None:
                background.close()
    if size_bytes is not None and have < size_bytes:
        raise ShortRead(f"connection closed after {have} of {size_bytes} bytes")
    _verify(partial, digest, checksum, size_bytes)


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


def _discard(partial: Path, problem: str) -> DownloadError:
    partial.unlink(missing_ok=True)
    return DownloadError(f"{problem}: it was discarded; run the pull again")


def _verify(
    partial: Path, digest: _Hasher | None, checksum: Checksum, size_bytes: int | None
) -> None:
    """Keep the file only when its size and its digest are the ones promised."""
    actual = partial_size(partial)
    if size_bytes is not None and actual != size_bytes:
        raise _discard(partial, f"{partial.name} holds {actual} bytes, not {size_bytes}")
    if digest is None:  # a git sha1 whose size was unknown until now
        digest = checksum.hasher(actual)
        assert digest is not None
        _hash_prefix(partial, digest, lambda: False)
    if digest.hexdigest() != checksum.hexdigest:
        raise _discard(
            partial, f"the downloaded data does not match the Hub's checksum ({partial.name})"
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
    # A short name: a long file name plus a suffix would pass the 255-byte limit of a name.
    tmp = link.with_name(f".tmp-{secrets.token_hex(8)}")
    tmp.unlink(missing_ok=True)
    if symlinks:
        os.symlink(os.path.relpath(target, link.parent), tmp)
    else:
        import shutil

        shutil.copyfile(target, tmp)
    os.replace(tmp, link)
