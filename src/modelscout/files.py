"""Writing files so that a crash, a full disk or a second process never leaves half of one, and
telling when a cache written by other code must be thrown away.

Neutral ground: the catalogue cache, the query columns, the TUI's settings and the download
placement all use it, so none of them imports another layer for it.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path


def code_fingerprint(paths: Iterable[Path]) -> str:
    """Each file's name, size and CRC-32, in one string: a cache keyed on it is rebuilt when any of
    the code that decides its contents changes. (CRC-32, not a cryptographic digest: a cache is
    keyed, not defended, and importing hashlib costs a scripted run more than finding its cache.)"""
    parts = []
    for path in paths:
        code = path.read_bytes()
        parts.append(f"{path.name}:{len(code)}:{zlib.crc32(code):08x}")
    return " ".join(parts)


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` so that readers see the old file or the whole new one, never half of it.

    `data` may come in parts, written as they come: a large file need not sit in memory whole.
    """
    import tempfile  # here: it costs a scripted `list --json` a fifth of its start-up

    path.parent.mkdir(parents=True, exist_ok=True)
    # The name's start only: a long name plus the random part would pass the 255 a name may have.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                for part in data:
                    handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
