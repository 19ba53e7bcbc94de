"""A catalogue already decoded and checked, kept in the user's cache, so the next run skips both.

Decoding and checking a Hub-sized catalogue file costs more than anything a run does with it: at
15,855 models `list --json` spent two thirds of its time there. The first run that loads a file
writes what the loader made of it (msgpack, in chunks, read back memory-mapped), and, once asked,
each model's `list --json` text; later runs read those instead.

A decoded copy is only ever written from a catalogue `load_catalog` accepted, so it never holds a
value the loader would reject, and it is used only while its key still matches:

- the source file: its resolved path, size, mtime and ctime (ns) and inode, and for a file under
  4 MB (the bundled catalogue, hand-edited ones) a digest of its bytes, since two edits of equal
  size within one clock tick share an mtime;
- the rules: the schema versions read, msgspec's version and a digest of the catalogue package's
  modules (what the loader accepts, how records and rows are laid out), so a change to any of
  them rebuilds the copy.

A file changed in the last two seconds is not copied (it may change again within the same tick),
and a copy that cannot be read or written is simply not used: the file is loaded as before.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

import msgspec

from modelscout.catalog import load, model
from modelscout.catalog.load import READABLE_SCHEMA_VERSIONS, Catalog, load_catalog
from modelscout.files import write_atomic

_MODELS_MAGIC = b"modelscout decoded catalogue 1\n"
_ROWS_MAGIC = b"modelscout catalogue rows 1\n"
_LENGTH = struct.Struct("<Q")
_CHUNK_MODELS = 8192  # decoded, then their pages handed back, a chunk at a time
_SMALL_FILE_BYTES = 4_000_000  # below this the key includes a digest of the bytes
_SETTLE_S = 2.0  # a file changed more recently than this is not copied
# Copies kept, of the files most recently copied: the catalogues in use (cache, bundled, a few
# --catalog files), not one for every file ever opened (a million models' copy is 1.8 GB).
_KEEP_COPIES = 4
_WRITE_BYTES = 1 << 20
# The code that decides what the loader accepts and how records and rows are laid out: every
# module of this package (a rule may move between them) and the one parse rule for quantities.
_RULE_FILES: tuple[Path, ...] = (
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(__file__).parents[1] / "units.py",
)


class _Header(msgspec.Struct, frozen=True):
    key: str
    built: str | None
    warnings: tuple[str, ...]
    chunks: tuple[int, ...]  # byte length of each chunk of models, in order


class _RowsHeader(msgspec.Struct, frozen=True):
    key: str
    count: int  # rows; their count + 1 offsets (u64) sit just before the header


@dataclass(frozen=True)
class DecodedCopy:
    """Where a catalogue's decoded copy lives (one per source file: a newer copy replaces the
    older) and the key it was made under."""

    stem: Path
    key: str

    @property
    def models_path(self) -> Path:
        return self.stem.with_suffix(".models")

    @property
    def rows_path(self) -> Path:
        return self.stem.with_suffix(".rows")


_rules_digest: str | None = None


def _rules() -> str:
    """A digest of the code whose change must invalidate every copy."""
    global _rules_digest
    if _rules_digest is None:
        digest = hashlib.sha256(msgspec.__version__.encode())
        digest.update(repr(READABLE_SCHEMA_VERSIONS).encode())
        for path in _RULE_FILES:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        _rules_digest = digest.hexdigest()
    return _rules_digest


def _key(path: Path) -> tuple[Path, str, bool] | None:
    """The file resolved, the copy's key for it and whether the file has settled; None where it
    cannot be read."""
    try:
        resolved = path.resolve()
        stat = resolved.stat()
        if not S_ISREG(stat.st_mode):  # a FIFO would never end: the loader says what it is
            return None
        parts = [
            str(resolved),
            str(stat.st_size),
            str(stat.st_mtime_ns),
            str(stat.st_ctime_ns),
            str(stat.st_ino),
            _rules(),
        ]
        if stat.st_size < _SMALL_FILE_BYTES:
            parts.append(hashlib.sha256(resolved.read_bytes()).hexdigest())
    except OSError:
        return None
    settled = time.time() - max(stat.st_mtime, stat.st_ctime) > _SETTLE_S
    return resolved, hashlib.sha256("\0".join(parts).encode()).hexdigest(), settled


def load_decoded(path: Path, origin: str, directory: Path) -> Catalog:
    """`load_catalog(path, origin)`, read from its decoded copy in `directory` when one matches.

    Raises CatalogError as `load_catalog` does.
    """
    keyed = _key(path)
    if keyed is None:
        return load_catalog(path, origin)  # says why the file cannot be read
    resolved, key, settled = keyed
    stem = directory / hashlib.sha256(str(resolved).encode()).hexdigest()[:32]
    copy = DecodedCopy(stem, key)
    found = _read_models(copy, path, origin)
    if found is not None:
        return found
    catalog = load_catalog(path, origin)
    if settled:
        try:
            _write_models(copy, catalog)
        except OSError:
            return catalog
        _keep_recent(directory)
    return Catalog(
        models=catalog.models,
        path=catalog.path,
        origin=catalog.origin,
        built=catalog.built,
        warnings=catalog.warnings,
        decoded=(copy.stem, copy.key) if settled else None,
    )


def _keep_recent(directory: Path) -> None:
    """Remove the copies of all but the `_KEEP_COPIES` files most recently copied."""
    try:
        copies = sorted(directory.glob("*.models"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[_KEEP_COPIES:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".rows").unlink(missing_ok=True)
    except OSError:
        return  # another process removed one first, or the folder is not ours to tidy


def _write_models(copy: DecodedCopy, catalog: Catalog) -> None:
    """Chunk by chunk, the header last (it lists the chunks' lengths): a million models' bytes
    never sit in memory at once."""
    encode = msgspec.msgpack.Encoder().encode
    models = catalog.models
    lengths: list[int] = []

    def parts() -> Iterator[bytes]:
        yield _MODELS_MAGIC
        for start in range(0, len(models), _CHUNK_MODELS):
            chunk = encode(models[start : start + _CHUNK_MODELS])
            lengths.append(len(chunk))
            yield chunk
        header = _Header(copy.key, catalog.built, catalog.warnings, tuple(lengths))
        yield from _footer(header)

    write_atomic(copy.models_path, parts())


def _footer(header: msgspec.Struct) -> tuple[bytes, bytes]:
    encoded = msgspec.msgpack.encode(header)
    return encoded, _LENGTH.pack(len(encoded))


def _read_header(mapped: mmap.mmap, magic: bytes, kind: type[Any]) -> tuple[Any, int] | None:
    """The header at the end of a copy, and where it starts; None for anything else."""
    size = len(mapped)
    if size < len(magic) + _LENGTH.size or mapped[: len(magic)] != magic:
        return None
    (length,) = _LENGTH.unpack_from(mapped, size - _LENGTH.size)
    start = size - _LENGTH.size - length
    if start < len(magic):
        return None
    try:
        return msgspec.msgpack.decode(mapped[start : size - _LENGTH.size], type=kind), start
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def _read_models(copy: DecodedCopy, path: Path, origin: str) -> Catalog | None:
    """The catalogue in a copy made under this key, its records read when first asked for."""
    try:
        with copy.models_path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, empty (mmap of 0 bytes)
        return None
    read = _read_header(mapped, _MODELS_MAGIC, _Header)
    if (
        read is None
        or read[0].key != copy.key
        or len(_MODELS_MAGIC) + sum(read[0].chunks) != read[1]
    ):
        mapped.close()
        return None
    header, offset = read[0], len(_MODELS_MAGIC)

    def models() -> tuple[model.Model, ...]:
        try:
            found = _decode_chunks(mapped, offset, header.chunks)
        finally:
            mapped.close()
        if found is None:  # changed under us after the header was read: read the file itself
            return load_catalog(path, origin).models
        return found

    return Catalog(
        models=models,
        path=path,
        origin=origin,
        built=header.built,
        warnings=header.warnings,
        decoded=(copy.stem, copy.key),
    )


_models_decoder: Any = None


def _decode_chunks(
    mapped: mmap.mmap, offset: int, chunks: Sequence[int]
) -> tuple[model.Model, ...] | None:
    global _models_decoder
    if _models_decoder is None:
        _models_decoder = msgspec.msgpack.Decoder(list[model.Model])
    import gc

    release = getattr(mmap, "MADV_DONTNEED", None)
    models: list[model.Model] = []
    collecting = gc.isenabled()
    gc.disable()  # as in load_catalog: a million records made at once, none in a cycle
    try:
        with memoryview(mapped) as view:
            for length in chunks:
                if offset + length > len(mapped):
                    return None
                models += _models_decoder.decode(view[offset : offset + length])
                if release is not None and offset >= mmap.PAGESIZE:
                    upto = offset - offset % mmap.PAGESIZE
                    mapped.madvise(release, 0, upto)
                offset += length
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return tuple(models)


# -- `list --json` rows ----------------------------------------------------------------------------


def _row_text(record: model.Model) -> bytes:
    """One model as `list --json` writes it inside the array: indented one level."""
    text = msgspec.json.format(
        msgspec.json.encode(load.model_to_dict(record, derived=True)), indent=2
    )
    return b"  " + text.replace(b"\n", b"\n  ")


class RowTexts:
    """Each model's `list --json` text, by catalogue position, read from a memory-mapped file."""

    def __init__(self, mapped: mmap.mmap, offsets: memoryview, start: int, count: int) -> None:
        self._mapped = mapped
        self._offsets = offsets  # count + 1 starts; a row ends two bytes (",\n") before the next
        self._start = start
        self.count = count

    def all(self) -> Iterator[memoryview]:
        """Every row, in catalogue order, joined as the array holds them, a megabyte at a time;
        the pages already written are handed back, so the text never sits in memory whole."""
        release = getattr(mmap, "MADV_DONTNEED", None)
        end = self._start + self._offsets[self.count] - 2
        with memoryview(self._mapped) as view:
            for start in range(self._start, end, _WRITE_BYTES):
                yield view[start : min(end, start + _WRITE_BYTES)]
                if release is not None and start >= mmap.PAGESIZE:
                    self._mapped.madvise(release, 0, start - start % mmap.PAGESIZE)

    def row(self, position: int) -> bytes:
        offsets, start = self._offsets, self._start
        return self._mapped[start + offsets[position] : start + offsets[position + 1] - 2]

    def rows(self, positions: Iterable[int]) -> Iterator[bytes]:
        return map(self.row, positions)


def row_texts(catalog: Catalog) -> RowTexts | None:
    """The rows' texts of a catalogue loaded through `load_decoded`, written on first use; None
    for any other catalogue, or where the copy cannot be written."""
    if catalog.decoded is None:
        return None
    copy = DecodedCopy(*catalog.decoded)
    found = _open_rows(copy)
    if found is not None:
        return found
    offsets = array("Q", [0])

    def parts() -> Iterator[bytes]:
        yield _ROWS_MAGIC
        for record in catalog.models:
            text = _row_text(record) + b",\n"
            offsets.append(offsets[-1] + len(text))
            yield text
        yield offsets.tobytes()
        yield from _footer(_RowsHeader(copy.key, len(offsets) - 1))

    try:
        write_atomic(copy.rows_path, parts())
    except OSError:
        return None
    return _open_rows(copy)


def _open_rows(copy: DecodedCopy) -> RowTexts | None:
    try:
        with copy.rows_path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    read = _read_header(mapped, _ROWS_MAGIC, _RowsHeader)
    if read is None or read[0].key != copy.key:
        mapped.close()
        return None
    header, end = read
    start = end - (header.count + 1) * 8
    if start < len(_ROWS_MAGIC):
        mapped.close()
        return None
    offsets = memoryview(mapped)[start:end].cast("Q")
    if offsets[0] != 0 or len(_ROWS_MAGIC) + offsets[header.count] != start:
        offsets.release()
        mapped.close()
        return None
    return RowTexts(mapped, offsets, len(_ROWS_MAGIC), header.count)
