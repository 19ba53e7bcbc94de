"""A catalogue already decoded and checked, kept in the user's cache, so the next run skips both.

Decoding and checking a Hub-sized catalogue file costs more than anything a run does with it: at
15,855 models `list --json` spent two thirds of its time there. The first run that loads a file
writes what the loader made of it (msgpack records, each decodable alone: `catalog.stored`), and,
once asked, each model's `list --json` text; later runs read those instead, a record at a time
as it is drawn (`StoredModels`).

A decoded copy is only ever written from a catalogue `load_catalog` accepted, so it never holds a
value the loader would reject, and it is used only while its key still matches:

- the source file: its resolved path, size, mtime and ctime (ns) and inode, and for a file under
  4 MB (the bundled catalogue, hand-edited ones) a checksum of its bytes, since two edits of equal
  size within one clock tick share an mtime;
- the rules: the schema versions read, msgspec's version and the size and checksum of each of the
  catalogue package's modules (what the loader accepts, how records and rows are laid out), so a
  change to any of them rebuilds the copy.

The checksums are CRC-32 (zlib): they look for an edit, not an adversary (whoever can write the
file can write any catalogue the loader accepts), and importing hashlib, which loads OpenSSL,
cost more than all the rest of finding the copy, on every run.

A file changed in the last two seconds is not copied (it may change again within the same tick),
and a copy that cannot be read or written is simply not used: the file is loaded as before. A
copy found damaged after it was opened (a record that does not decode where its start says, a
file cut short) gives way to the file's own records for the rest of the run.
"""

from __future__ import annotations

import glob
import os
import struct
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import BinaryIO

import msgspec

from modelscout.catalog import load, model, stored
from modelscout.catalog.load import READABLE_SCHEMA_VERSIONS, Catalog, load_catalog
from modelscout.catalog.stored import (
    CopyFile,
    DecodedCopy,
    StoredModels,
    footer,
    read_footer,
    write_copy,
)
from modelscout.errors import CatalogError
from modelscout.files import code_fingerprint, write_atomic

__all__ = ["DecodedCopy", "RowTexts", "StoredModels", "load_decoded", "row_texts"]

_ROWS_MAGIC = b"modelscout catalogue rows 1\n"
_SMALL_FILE_BYTES = 4_000_000  # below this the key includes a digest of the bytes
_SETTLE_S = 2.0  # a file changed more recently than this is not copied
# Copies kept, of the files most recently copied: the catalogues in use (cache, bundled, a few
# --catalog files), not one for every file ever opened (a million models' copy is 1.8 GB).
_KEEP_COPIES = 4
_WRITE_BYTES = 1 << 20
_PAIR = struct.Struct("<2Q")  # a row's start and the next one's
# The code that decides what the loader accepts and how records and rows are laid out: every
# module of this package (a rule may move between them) and the one parse rule for quantities.
_RULE_FILES: tuple[Path, ...] = (
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(__file__).parents[1] / "units.py",
)


class _RowsHeader(msgspec.Struct, frozen=True):
    key: str
    count: int  # rows; their count + 1 offsets (u64) sit just before the header


_rules_digest: str | None = None


def _rules() -> str:
    """What the code whose change must invalidate every copy is, in one string."""
    global _rules_digest
    if _rules_digest is None:
        versions = f"{msgspec.__version__} {READABLE_SCHEMA_VERSIONS!r}"
        _rules_digest = f"{versions} {code_fingerprint(_RULE_FILES)}"
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
            parts.append(f"{zlib.crc32(resolved.read_bytes()):08x}")
    except OSError:
        return None
    settled = time.time() - max(stat.st_mtime, stat.st_ctime) > _SETTLE_S
    return resolved, "\0".join(parts), settled


def _stem(resolved: Path) -> str:
    """A file name for the copies of one source file (two paths sharing one only means that
    each rebuilds what the other wrote: a copy is read only under its own key)."""
    name = str(resolved).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}"


def load_decoded(path: Path, origin: str, directory: Path) -> Catalog:
    """`load_catalog(path, origin)`, read from its decoded copy in `directory` when one matches.

    The catalogue's models are then `StoredModels`, read from the copy as they are drawn; the run
    that writes the copy gets `StoredModels` too, backed by the records it just loaded.
    Raises CatalogError as `load_catalog` does.
    """
    keyed = _key(path)
    if keyed is None:
        return load_catalog(path, origin)  # says why the file cannot be read
    resolved, key, settled = keyed
    copy = DecodedCopy(directory / _stem(resolved), key)

    def reread() -> Sequence[model.Model]:
        """The file's own records, for a copy found damaged after it was opened."""
        return load_catalog(path, origin).models

    mapped = CopyFile.open(copy)
    if mapped is not None:
        header = mapped.header
        models = StoredModels(copy, mapped, None, reread)
        return Catalog(models, path, origin, header.built, header.warnings)
    catalog = load_catalog(path, origin)
    if not settled:
        return catalog
    try:
        write_copy(copy, catalog.models, catalog.built, catalog.warnings)
    except OSError:
        return catalog
    _keep_recent(directory)
    stored = StoredModels(copy, CopyFile.open(copy), catalog.models, reread)
    return Catalog(stored, catalog.path, catalog.origin, catalog.built, catalog.warnings)


def _keep_recent(directory: Path) -> None:
    """Remove the copies of all but the `_KEEP_COPIES` files most recently copied, and the files
    kept beside them (row texts, query columns)."""
    try:
        copies = sorted(directory.glob("*.models"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[_KEEP_COPIES:]:
            for sibling in directory.glob(glob.escape(old.stem) + ".*"):
                sibling.unlink(missing_ok=True)
    except OSError:
        return  # another process removed one first, or the folder is not ours to tidy


# -- `list --json` rows ----------------------------------------------------------------------------


def _row_text(record: model.Model) -> bytes:
    """One model as `list --json` writes it inside the array: indented one level."""
    text = msgspec.json.format(
        msgspec.json.encode(load.model_to_dict(record, derived=True)), indent=2
    )
    return b"  " + text.replace(b"\n", b"\n  ")


class RowTexts:
    """Each model's `list --json` text, by catalogue position, read from a file with `os.pread`:
    a memory-mapped page would bring its whole large folio into the process (1.5 MB per row of
    a filtered listing), and a file cut short under a mapping kills the process (SIGBUS)."""

    def __init__(self, handle: BinaryIO, offsets_at: int, start: int, count: int) -> None:
        self._handle = handle  # kept open for its descriptor
        self._fd = handle.fileno()
        self._offsets_at = offsets_at  # count + 1 starts (u64), relative to `start`; a row
        self._start = start  # ends two bytes (",\n") before the next one starts
        self.count = count

    def _read(self, length: int, at: int) -> bytes:
        try:
            data = os.pread(self._fd, length, at)
        except OSError as exc:
            raise CatalogError(f"{self._handle.name}: cannot read: {exc.strerror}") from None
        if len(data) != length:
            raise CatalogError(f"{self._handle.name}: cut short while it was read")
        return data

    def _bounds(self, position: int) -> tuple[int, int]:
        begin, end = _PAIR.unpack(self._read(16, self._offsets_at + 8 * position))
        if not 0 <= begin < end - 1:
            raise CatalogError(f"{self._handle.name}: damaged while it was read")
        return self._start + begin, self._start + end - 2

    def all(self) -> Iterator[bytes]:
        """Every row, in catalogue order, joined as the array holds them, a megabyte at a time,
        so the text never sits in memory whole."""
        end = self._bounds(self.count - 1)[1] if self.count else self._start
        for start in range(self._start, end, _WRITE_BYTES):
            yield self._read(min(end, start + _WRITE_BYTES) - start, start)

    def row(self, position: int) -> bytes:
        begin, end = self._bounds(position)
        return self._read(end - begin, begin)

    def rows(self, positions: Iterable[int]) -> Iterator[bytes]:
        return map(self.row, positions)


def row_texts(catalog: Catalog) -> RowTexts | None:
    """The rows' texts of a catalogue loaded through `load_decoded`, written on first use; None
    for any other catalogue, or where the copy cannot be written."""
    if not isinstance(catalog.models, StoredModels):
        return None
    copy = catalog.models.copy
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
        yield from footer(_RowsHeader(copy.key, len(offsets) - 1))

    try:
        write_atomic(copy.rows_path, parts())
    except OSError:
        return None
    return _open_rows(copy)


def _open_rows(copy: DecodedCopy) -> RowTexts | None:
    try:
        handle = copy.rows_path.open("rb", buffering=0)
    except OSError:
        return None
    try:
        found = _checked_rows(copy, handle)
    except OSError:
        found = None
    if found is None:
        handle.close()
    return found


def _checked_rows(copy: DecodedCopy, handle: BinaryIO) -> RowTexts | None:
    read = read_footer(handle.fileno(), _ROWS_MAGIC, _RowsHeader)
    if read is None or read[0].key != copy.key:
        return None
    header, end = read
    start = end - (header.count + 1) * 8
    if start < len(_ROWS_MAGIC):
        return None
    (first,) = stored.LENGTH.unpack(os.pread(handle.fileno(), 8, start))
    (last,) = stored.LENGTH.unpack(os.pread(handle.fileno(), 8, end - 8))
    if first != 0 or len(_ROWS_MAGIC) + last != start:
        return None
    return RowTexts(handle, start, len(_ROWS_MAGIC), header.count)
