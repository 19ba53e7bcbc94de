"""A catalogue's query columns stored beside its decoded copy, read back memory-mapped.

Building the columns of a million models reads every record and sorts by every key: seconds. The
next run reads them from `<copy stem>.columns` instead: a header, then each array's bytes, which
numpy views in place (`np.frombuffer` on the mapping), so opening costs milliseconds and a query
reads only the pages it touches.

The file is used only while its key matches: the decoded copy's key (the source file and the
catalogue code) plus a digest of this package's code (how columns are laid out and what they
mean). Anything else (a foreign, truncated or older file) is ignored, and the columns rebuilt.
"""

from __future__ import annotations

import contextlib
import mmap
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from modelscout.catalog.model import Openness
from modelscout.files import code_fingerprint, write_atomic
from modelscout.query.columns import Columns, expected_arrays, text_from

_MAGIC = b"modelscout query columns 1\n"
_LENGTH = struct.Struct("<Q")
_ALIGN = 64  # each array starts on a cache line (and on its item size)
# The dtypes a stored array may have: anything else is not a file of ours.
_DTYPES = frozenset({"|b1", "|u1", "<u2", "<u4", "<i4", "<i8", "<u8", "<f8"})
# What a filter's vocabulary holds where it is not str, bool or None, to decode it back exactly.
_VOCABULARY_TYPES: dict[str, Any] = {
    "openness": list[Openness],
    "modalities": list[tuple[str, ...]],
}
_RULE_FILES: tuple[Path, ...] = tuple(sorted(Path(__file__).parent.glob("*.py")))


class _Array(msgspec.Struct, frozen=True):
    name: str
    dtype: str
    offset: int
    length: int


class _Header(msgspec.Struct, frozen=True):
    key: str
    count: int
    arrays: tuple[_Array, ...]
    vocabularies: dict[str, msgspec.Raw]


_rules_digest: str | None = None


def file_key(copy_key: str) -> str:
    """The key of a columns file: the decoded copy's and the code that lays columns out."""
    global _rules_digest
    if _rules_digest is None:
        _rules_digest = f"numpy {np.__version__} {code_fingerprint(_RULE_FILES)}"
    return f"{copy_key} {_rules_digest}"


def write_columns(path: Path, key: str, columns: Columns) -> None:
    """Write the columns atomically: a reader sees the old file or the whole new one."""
    arrays = [(name, np.ascontiguousarray(array)) for name, array in columns.arrays.items()]
    vocabularies = {
        field: msgspec.Raw(msgspec.msgpack.encode(values))
        for field, values in columns.vocabularies.items()
    }
    # The header's size depends on the offsets it lists: lay out with a generous guess first.
    start = 0
    for _ in range(3):
        entries, offset = [], _aligned(start)
        for name, array in arrays:
            entries.append(_Array(name, array.dtype.str, offset, len(array)))
            offset = _aligned(offset + array.nbytes)
        header = msgspec.msgpack.encode(_Header(key, columns.count, tuple(entries), vocabularies))
        needed = len(_MAGIC) + _LENGTH.size + len(header)
        if needed <= start:
            break
        start = _aligned(needed + 4096)

    def parts() -> Iterator[bytes]:
        yield _MAGIC
        yield _LENGTH.pack(len(header))
        yield header
        written = len(_MAGIC) + _LENGTH.size + len(header)
        for entry, (_, array) in zip(entries, arrays, strict=True):
            yield bytes(entry.offset - written)
            yield array.tobytes()
            written = entry.offset + array.nbytes

    write_atomic(path, parts())


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def read_columns(path: Path, key: str, count: int) -> Columns | None:
    """The columns stored at `path` under `key` for `count` models; None for anything else."""
    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, empty
        return None
    try:
        columns = _parse(mapped, key, count)
    except (msgspec.ValidationError, msgspec.DecodeError, ValueError, KeyError, TypeError):
        columns = None
    if columns is None:
        with contextlib.suppress(BufferError):  # a view of it still alive: it goes with the view
            mapped.close()
    return columns


def _parse(mapped: mmap.mmap, key: str, count: int) -> Columns | None:
    size = len(mapped)
    head = len(_MAGIC) + _LENGTH.size
    if size < head or mapped[: len(_MAGIC)] != _MAGIC:
        return None
    (length,) = _LENGTH.unpack_from(mapped, len(_MAGIC))
    if head + length > size:
        return None
    header = msgspec.msgpack.decode(mapped[head : head + length], type=_Header)
    if header.key != key or header.count != count:
        return None
    arrays: dict[str, np.ndarray] = {}
    for entry in header.arrays:
        if entry.dtype not in _DTYPES or entry.offset < head + length or entry.length < 0:
            return None
        dtype = np.dtype(entry.dtype)
        if entry.offset % dtype.itemsize or entry.offset + entry.length * dtype.itemsize > size:
            return None
        arrays[entry.name] = np.frombuffer(mapped, dtype, entry.length, entry.offset)
    vocabularies = {
        field: msgspec.msgpack.decode(raw, type=_VOCABULARY_TYPES.get(field, list[Any]))
        for field, raw in header.vocabularies.items()
    }
    columns = Columns(count, arrays, vocabularies, text_from(arrays, count))
    return columns if _complete(columns) else None


def _complete(columns: Columns) -> bool:
    """Whether every array a query reads is there, one value per row, each code in its
    vocabulary's range (what a half-written or foreign file would get wrong)."""
    for name, vocabulary in expected_arrays(columns.vocabularies):
        array = columns.arrays.get(name)
        if array is None or len(array) != columns.count:
            return False
        if vocabulary is not None and columns.count and int(array.max()) >= len(vocabulary):
            return False
    return True
