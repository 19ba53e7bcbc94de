"""A decoded copy's records, laid out so that one of them decodes alone, and read only when drawn.

Decoding every record of a million-model copy takes 4.7 s of CPU and a gigabyte before the first
row can show, while a table draws 40 rows. The copy keeps each record's msgpack encoding, in
chunks that are each a msgpack array (an array header, then the records' own encodings: msgspec
encodes a list as exactly that), with the start of every record beside them. So one record
decodes alone from a positioned read of its bytes in a few microseconds, and a full pass still decodes
a chunk of 8,192 at a time at msgspec's list speed.

Four tables, sorted, list the records by id, by lower-case name, by lower-case repo id and by
lower-case GGUF repo id, so that finding a model by what a person typed, or by a repo on disk,
reads a few dozen records rather than all of them.

    magic | chunk... | padding to 8 | starts u64[count] | by id u32[count] | by name u32[count]
          | by repo u32[…] | by GGUF repo u32[…] | header (msgpack) | header length u64

A copy whose tables do not match their checksum, or one of whose records cannot be decoded where
the starts say it is, is damaged: the records are then read from the catalogue file itself.
"""

from __future__ import annotations

import bisect
import gc
import operator
import os
import struct
import threading
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count
from pathlib import Path
from typing import BinaryIO, SupportsIndex, TypeVar, overload

import msgspec

from modelscout.catalog.model import Model
from modelscout.errors import CatalogError
from modelscout.files import write_atomic

MODELS_MAGIC = b"modelscout decoded catalogue 2\n"
LENGTH = struct.Struct("<Q")
CHUNK_MODELS = 8192  # decoded, then their pages handed back, a chunk at a time
# Up to this many records a catalogue is decoded whole on first use and held: the bundled one and
# llmfit-sized ones are read many times over by the query index, and all of them fit in 16 MB.
HOLD_MAX = 2 * CHUNK_MODELS
# Single records kept once read: a table redraws the same screenful every frame.
CACHE_RECORDS = 1024

# What each lookup table sorts by, and what `find_model` compares; None keeps a record out.
LOOKUPS: dict[str, Callable[[Model], str | None]] = {
    "id": lambda m: m.id,
    "name": lambda m: m.name.lower(),
    "repo": lambda m: m.repo_id.lower() if m.repo_id else None,
    "gguf": lambda m: m.gguf_repo_id.lower() if m.gguf_repo_id else None,
}


@dataclass(frozen=True)
class DecodedCopy:
    """Where a catalogue's decoded copy lives (one per source file: a newer copy replaces the
    older) and the key it was made under; sibling files of the copy go beside `stem`."""

    stem: Path
    key: str

    @property
    def models_path(self) -> Path:
        return self.stem.with_suffix(".models")

    @property
    def rows_path(self) -> Path:
        return self.stem.with_suffix(".rows")


class CopyHeader(msgspec.Struct, frozen=True):
    key: str
    built: str | None
    warnings: tuple[str, ...]
    chunks: tuple[int, ...]  # byte length of each chunk of records, in order
    count: int
    entries: tuple[int, ...]  # entries of each lookup table, in LOOKUPS order
    tables_crc: int  # crc32 of the starts and the lookup tables


class _Damaged(Exception):
    """The copy does not hold what its header says."""


def _array_header(length: int) -> bytes:
    """msgpack's array header for this many items, as msgspec writes it."""
    if length < 16:
        return bytes((0x90 | length,))
    if length < 1 << 16:
        return b"\xdc" + length.to_bytes(2, "big")
    return b"\xdd" + length.to_bytes(4, "big")


def footer(header: msgspec.Struct) -> tuple[bytes, bytes]:
    encoded = msgspec.msgpack.encode(header)
    return encoded, LENGTH.pack(len(encoded))


def _sorted_positions(models: Sequence[Model], lookup: str) -> array[int]:
    """The positions of the records that have a `lookup` key, in the order of their keys."""
    keyed = [(k, p) for p, k in enumerate(map(LOOKUPS[lookup], models)) if k is not None]
    keyed.sort()
    return array("I", (p for _, p in keyed))


def write_copy(
    copy: DecodedCopy, models: Sequence[Model], built: str | None, warnings: tuple[str, ...]
) -> None:
    """Chunk by chunk, the tables and the header last: the records' bytes never sit in memory
    all at once."""
    encode = msgspec.msgpack.Encoder().encode
    starts = array("Q")
    lengths: list[int] = []

    def parts() -> Iterator[bytes]:
        offset = len(MODELS_MAGIC)
        yield MODELS_MAGIC
        for first in range(0, len(models), CHUNK_MODELS):
            chunk = models[first : first + CHUNK_MODELS]
            encoded = [_array_header(len(chunk))]
            at = offset + len(encoded[0])
            for record in chunk:
                data = encode(record)
                starts.append(at)
                at += len(data)
                encoded.append(data)
            lengths.append(at - offset)
            offset = at
            yield b"".join(encoded)
        yield bytes(-offset % 8)
        tables = [
            starts.tobytes(),
            *(_sorted_positions(models, name).tobytes() for name in LOOKUPS),
        ]
        crc = 0
        for table in tables:
            crc = zlib.crc32(table, crc)
            yield table
        entries = tuple(len(table) // 4 for table in tables[1:])
        yield from footer(
            CopyHeader(copy.key, built, warnings, tuple(lengths), len(models), entries, crc)
        )

    write_atomic(copy.models_path, parts())


_H = TypeVar("_H", bound=msgspec.Struct)


def read_footer(fd: int, magic: bytes, kind: type[_H]) -> tuple[_H, int] | None:
    """The header at the end of a copy file, and where it starts; None for anything else."""
    size = os.fstat(fd).st_size
    if size < len(magic) + LENGTH.size or os.pread(fd, len(magic), 0) != magic:
        return None
    (length,) = LENGTH.unpack(os.pread(fd, LENGTH.size, size - LENGTH.size))
    start = size - LENGTH.size - length
    if start < len(magic):
        return None
    try:
        return msgspec.msgpack.decode(os.pread(fd, length, start), type=kind), start
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


_CHECK_BYTES = 1 << 20  # the tables are read for their checksum a megabyte at a time
_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")


class CopyFile:
    """A copy file's records and tables, read with `os.pread` where they are needed: positioned
    reads share one descriptor safely between threads, and, unlike a memory-mapped file (whose
    every touched page the kernel maps in as part of a large folio, 1.5 MB a record), what they
    read stays out of the process's memory once decoded."""

    def __init__(self, handle: BinaryIO, header: CopyHeader, tables: int) -> None:
        self._handle = handle  # kept open, for its descriptor, as long as the records are read
        self._fd = handle.fileno()
        self.header = header
        self.count = header.count
        bounds: list[tuple[int, int]] = []
        offset = len(MODELS_MAGIC)
        for length in header.chunks:
            bounds.append((offset, offset + length))
            offset += length
        self._bounds = bounds  # each chunk's first and past-the-last byte
        self._starts = tables
        self._tables: dict[str, tuple[int, int]] = {}  # where each lookup table starts, entries
        at = tables + 8 * self.count
        for name, entries in zip(LOOKUPS, header.entries, strict=True):
            self._tables[name] = (at, entries)
            at += 4 * entries
        self._one = msgspec.msgpack.Decoder(Model).decode
        self._chunk = msgspec.msgpack.Decoder(list[Model]).decode

    @classmethod
    def open(cls, copy: DecodedCopy) -> CopyFile | None:
        """The copy of this key, or None where there is none or it is damaged."""
        try:
            handle = copy.models_path.open("rb", buffering=0)
        except OSError:
            return None
        try:
            found = cls._checked(handle, copy)
        except OSError:
            found = None
        if found is None:
            handle.close()
        return found

    @classmethod
    def _checked(cls, handle: BinaryIO, copy: DecodedCopy) -> CopyFile | None:
        fd = handle.fileno()
        read = read_footer(fd, MODELS_MAGIC, CopyHeader)
        if read is None:
            return None
        header, header_start = read
        records_end = len(MODELS_MAGIC) + sum(header.chunks)
        tables = records_end + -records_end % 8
        expected = 8 * header.count + 4 * sum(header.entries)
        if (
            header.key != copy.key
            or len(header.chunks) != -(-header.count // CHUNK_MODELS)
            or min(header.chunks, default=1) <= 0
            or len(header.entries) != len(LOOKUPS)
            or not all(0 <= entries <= header.count for entries in header.entries)
            or header_start - tables != expected
        ):
            return None
        crc = 0
        for at in range(tables, header_start, _CHECK_BYTES):
            crc = zlib.crc32(os.pread(fd, min(_CHECK_BYTES, header_start - at), at), crc)
        if crc != header.tables_crc:
            return None
        return cls(handle, header, tables)

    def _read(self, length: int, at: int) -> bytes:
        try:
            data = os.pread(self._fd, length, at)
        except OSError:
            raise _Damaged from None
        if len(data) != length:  # cut short since it was opened
            raise _Damaged
        return data

    def one(self, position: int) -> Model:
        """The record at this position (0 <= position < count), decoded alone."""
        chunk, place = divmod(position, CHUNK_MODELS)
        begin, end = self._bounds[chunk]
        if place + 1 < CHUNK_MODELS and position + 1 < self.count:  # else it ends its chunk
            start, end = struct.unpack("<2Q", self._read(16, self._starts + 8 * position))
        else:
            (start,) = _U64.unpack(self._read(8, self._starts + 8 * position))
        if not begin < start < end <= self._bounds[chunk][1]:
            raise _Damaged
        try:
            return self._one(self._read(end - start, start))  # type: ignore[no-any-return]
        except (msgspec.ValidationError, msgspec.DecodeError):
            raise _Damaged from None

    def table_entry(self, lookup: str, place: int) -> int:
        """The position that comes `place`-th in the order of `lookup`'s keys."""
        at, _ = self._tables[lookup]
        return int(_U32.unpack(self._read(4, at + 4 * place))[0])

    def table_length(self, lookup: str) -> int:
        return self._tables[lookup][1]

    def chunks(self) -> Iterator[list[Model]]:
        """Every record, a chunk at a time."""
        for chunk, (begin, end) in enumerate(self._bounds):
            expected = min(CHUNK_MODELS, self.count - chunk * CHUNK_MODELS)
            data = self._read(end - begin, begin)
            collecting = gc.isenabled()
            gc.disable()  # 8,192 records made at once, none in a cycle: nothing to collect
            try:
                records = self._chunk(data)
            except (msgspec.ValidationError, msgspec.DecodeError):
                raise _Damaged from None
            finally:
                if collecting:
                    gc.enable()
            del data
            if len(records) != expected:
                raise _Damaged
            yield records


class StoredModels(Sequence[Model]):
    """A catalogue's records as a sequence, read from its decoded copy only when asked for.

    Two reads of one position may give two equal objects, not the same one: code keeps a
    catalogue position, never a record's identity. Safe to share between threads (the TUI reads
    from a worker and from the UI thread).
    """

    def __init__(
        self,
        copy: DecodedCopy,
        copy_file: CopyFile | None,
        held: Sequence[Model] | None,
        reread: Callable[[], Sequence[Model]],
    ) -> None:
        """`held`: the records themselves where they are in memory already (the run that wrote
        the copy); `reread`: the catalogue file's records, for a copy found damaged in use."""
        if held is not None:
            self._count = len(held)
        elif copy_file is not None:
            self._count = copy_file.count
        else:
            raise ValueError("stored models need their records or their copy")
        self.copy = copy
        self._file = copy_file
        self._held = held
        self._reread = reread
        self._cache: OrderedDict[int, Model] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"StoredModels({self._count} models, {self.copy.models_path.name})"

    @overload
    def __getitem__(self, index: SupportsIndex) -> Model: ...

    @overload
    def __getitem__(self, index: slice) -> list[Model]: ...

    def __getitem__(self, index: SupportsIndex | slice) -> Model | list[Model]:
        if isinstance(index, slice):
            return [self._read(p, cache=False) for p in range(*index.indices(self._count))]
        position = operator.index(index)
        if position < 0:
            position += self._count
        if not 0 <= position < self._count:
            raise IndexError(f"model {operator.index(index)} of {self._count}")
        return self._read(position, cache=True)

    def __iter__(self) -> Iterator[Model]:
        """Every record in order, a chunk decoded at a time and none kept once passed."""
        held = self._records()
        if held is not None:
            yield from held
            return
        copy_file = self._file
        done = 0
        try:
            for records in copy_file.chunks():  # type: ignore[union-attr]
                done += len(records)
                yield from records
        except _Damaged:
            yield from self._fall_back()[done:]

    def _records(self) -> Sequence[Model] | None:
        """The records in memory, decoding a small catalogue whole on first use."""
        if self._held is None and self._count <= HOLD_MAX:
            with self._lock:
                if self._held is None:
                    self._held = self._decode_all()
        return self._held

    def _decode_all(self) -> Sequence[Model]:
        # As in load_catalog: thousands of records made at once, none in a cycle.
        collecting = gc.isenabled()
        gc.disable()
        try:
            held = tuple(r for chunk in self._file.chunks() for r in chunk)  # type: ignore[union-attr]
        except _Damaged:
            return self._fall_back_locked()
        finally:
            if collecting:
                gc.enable()
        gc.freeze()
        return held

    def _read(self, position: int, cache: bool) -> Model:
        held = self._records()
        if held is not None:
            return held[position]
        with self._lock:
            found = self._cache.get(position)
            if found is not None:
                self._cache.move_to_end(position)
                return found
            if self._held is not None:  # found damaged by another thread meanwhile
                return self._held[position]
            try:
                record = self._file.one(position)  # type: ignore[union-attr]
            except _Damaged:
                return self._fall_back_locked()[position]
            if cache:
                self._cache[position] = record
                if len(self._cache) > CACHE_RECORDS:
                    self._cache.popitem(last=False)
            return record

    def _fall_back(self) -> Sequence[Model]:
        with self._lock:
            return self._fall_back_locked()

    def _fall_back_locked(self) -> Sequence[Model]:
        """The records in memory, or else the catalogue file's own, for good: the copy cannot
        be trusted any more."""
        self._file = None
        self._cache.clear()
        if self._held is None:
            self._held = self._reread_checked()
        return self._held

    def _reread_checked(self) -> Sequence[Model]:
        records = self._reread()
        if len(records) != self._count:
            raise CatalogError(
                f"the catalogue changed while it was read ({self._count} models, now "
                f"{len(records)}): open it again"
            )
        return records

    # -- lookups ------------------------------------------------------------------------------

    def positions_of(self, lookup: str, text: str, prefix: bool = False) -> list[int]:
        """Catalogue positions, ascending, of the records whose `LOOKUPS[lookup]` key is `text`
        (or starts with it): from the copy's sorted table, reading a few records, where the copy
        has one; else by reading every record."""
        copy_file = self._file
        if copy_file is not None:
            try:
                return self._table_positions(copy_file, lookup, text, prefix)
            except _Damaged:
                self._fall_back()
        return scan_positions(self, lookup, text, prefix)

    def _table_positions(
        self, copy_file: CopyFile, lookup: str, text: str, prefix: bool
    ) -> list[int]:
        key, records, held = LOOKUPS[lookup], self._count, self._held
        table = _Table(copy_file, lookup)

        def key_at(position: int) -> str:
            if position >= records:
                raise _Damaged
            found = key(copy_file.one(position) if held is None else held[position])
            if found is None:
                raise _Damaged
            return found

        matches = str.startswith if prefix else str.__eq__
        found: list[int] = []
        for place in range(bisect.bisect_left(table, text, key=key_at), len(table)):
            position = table[place]
            if not matches(key_at(position), text):
                break
            found.append(position)
        return sorted(found)


class _Table(Sequence[int]):
    """A lookup table of a copy file as a sequence, for `bisect`: each entry read when probed."""

    def __init__(self, copy: CopyFile, lookup: str) -> None:
        self._copy, self._lookup = copy, lookup
        self._length = copy.table_length(lookup)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, place: int) -> int: ...

    @overload
    def __getitem__(self, place: slice) -> list[int]: ...

    def __getitem__(self, place: int | slice) -> int | list[int]:
        if isinstance(place, slice):
            return [self[i] for i in range(*place.indices(self._length))]
        if not 0 <= place < self._length:
            raise IndexError(place)
        return self._copy.table_entry(self._lookup, place)


def scan_positions(
    models: Sequence[Model], lookup: str, text: str, prefix: bool = False
) -> list[int]:
    """`StoredModels.positions_of` for any sequence, reading every record."""
    keys = map(LOOKUPS[lookup], models)
    if prefix:
        return list(compress(count(), (k is not None and k.startswith(text) for k in keys)))
    return list(compress(count(), (k == text for k in keys)))
