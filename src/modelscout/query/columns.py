"""Every column a query reads, as numpy arrays by catalogue position, built in one pass.

At a million models a query that calls a lambda per model per filter costs a second; as arrays it
is a few vectorised passes of a few milliseconds. Built once per catalogue:

- each filter's value as small integer codes into a vocabulary of the distinct values: a filter
  tests the vocabulary (a few hundred creators), then looks its answer up for every row;
- each numeric field as float64, NaN for unknown (NaN compares false, as ``value is not None and
  value <op> bound`` does for None);
- each sort key's dense rank and order, both directions, so a sort is a pass along an order;
- the search text's `TextIndex`.

Records may be read on demand from the decoded copy (a million records decoded is seconds), so
they are read once, a chunk at a time. The columns of a catalogue with a decoded copy are stored
beside it (`columns_file.py`) and read back memory-mapped.
"""

from __future__ import annotations

import contextlib
import mmap
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import count as numbering
from itertools import islice
from operator import attrgetter
from typing import Any

import numpy as np

from modelscout.catalog.model import Model
from modelscout.query.engine import compact_search_text
from modelscout.query.filters import FILTERS, Filter
from modelscout.query.language import NUMERIC_FIELDS, SORT_KEYS
from modelscout.query.sort_orders import (
    RANK,
    ascending_order,
    dense_rank,
    descending,
    numeric_rank,
)
from modelscout.query.text_index import TextIndex

# Records read, and their columns made, at a time: large enough for C-speed passes, small enough
# that a chunk's records never add up to much memory.
_CHUNK = 32_768
NUMBER_ATTRIBUTES: tuple[str, ...] = tuple(dict.fromkeys(NUMERIC_FIELDS.values()))
_TEXT = "text:"


def filter_name(field: str) -> str:
    return f"filter:{field}"


def number_name(attribute: str) -> str:
    return f"number:{attribute}"


def order_name(key: str, descending: bool) -> str:
    return f"order:{'-' if descending else ''}{key}"


def rank_name(key: str, descending: bool) -> str:
    return f"rank:{'-' if descending else ''}{key}"


class Columns:
    """A catalogue's query columns: named arrays, the filters' vocabularies and the text index.

    The arrays may be read-only views of a memory-mapped file: nothing writes into them.
    """

    def __init__(
        self,
        count: int,
        arrays: Mapping[str, np.ndarray],
        vocabularies: Mapping[str, Sequence[Any]],
        text: TextIndex,
    ) -> None:
        self.count = count
        self.arrays = arrays
        self.vocabularies = vocabularies
        self.text = text
        self._allowed: dict[tuple[str, Any], np.ndarray] = {}

    def filter_mask(self, spec: Filter, value: Any) -> np.ndarray:
        """The rows `spec` keeps with `value`: the vocabulary tested once, then looked up per row."""
        allowed = self._allowed.get((spec.field, value))
        if allowed is None:
            vocabulary = self.vocabularies[spec.field]
            accepts = spec.accepts(value)
            allowed = np.fromiter(map(accepts, vocabulary), dtype=bool, count=len(vocabulary))
            if len(self._allowed) > 64:  # a session's filters, not every one ever typed
                self._allowed.clear()
            self._allowed[(spec.field, value)] = allowed
        return allowed.take(self.arrays[filter_name(spec.field)])

    def number(self, attribute: str) -> np.ndarray:
        return self.arrays[number_name(attribute)]

    def order(self, key: str, descending: bool) -> np.ndarray:
        return self.arrays[order_name(key, descending)]

    def rank(self, key: str, descending: bool) -> np.ndarray:
        return self.arrays[rank_name(key, descending)]

    def touch(self, sort_keys: Iterable[tuple[str, bool]]) -> None:
        """Read the filters' columns and these sort keys' orders and ranks once, a byte a page:
        columns mapped from their file are otherwise read from disk by the first key that needs
        them (a million rows' order is a thousand pages), in the middle of someone's typing."""
        names = [filter_name(spec.field) for spec in FILTERS]
        for key, down in sort_keys:
            names += [order_name(key, down), rank_name(key, down)]
        for name in names:
            array = self.arrays[name]
            if array.size:
                np.add.reduce(array.view(np.uint8)[:: mmap.PAGESIZE], dtype=np.uint64)

    def text_arrays(self) -> dict[str, np.ndarray]:
        return {_TEXT + name: array for name, array in self.text.arrays().items()}


def expected_arrays(
    vocabularies: Mapping[str, Sequence[Any]],
) -> Iterator[tuple[str, Sequence[Any] | None]]:
    """The name of every per-row array a query reads, with the vocabulary its codes index."""
    for spec in FILTERS:
        yield filter_name(spec.field), vocabularies.get(spec.field, ())
    for attribute in NUMBER_ATTRIBUTES:
        yield number_name(attribute), None
    for key in SORT_KEYS:
        for down in (False, True):
            yield order_name(key, down), None
            yield rank_name(key, down), None


def text_from(arrays: Mapping[str, np.ndarray], count: int) -> TextIndex:
    """The text index of stored columns, from the arrays `Columns.text_arrays` named."""
    own = {n.removeprefix(_TEXT): a for n, a in arrays.items() if n.startswith(_TEXT)}
    return TextIndex.from_arrays(own, count)


def chunks(models: Sequence[Model]) -> Iterator[list[Model]]:
    """The records a chunk at a time, streamed (a stored catalogue decodes as it goes)."""
    iterator = iter(models)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


class _Coder:
    """Codes for values as they come, chunk by chunk: equal values share one code."""

    def __init__(self) -> None:
        self.codes: dict[Any, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, values: list[Any]) -> None:
        codes = self.codes
        fresh = dict.fromkeys(values).keys() - codes.keys()  # values not seen before, in C
        codes.update(zip(fresh, numbering(len(codes))))
        self.parts.append(np.fromiter(map(codes.__getitem__, values), RANK, count=len(values)))

    @property
    def vocabulary(self) -> list[Any]:
        return list(self.codes)

    def joined(self) -> np.ndarray:
        joined = np.concatenate(self.parts) if self.parts else np.zeros(0, RANK)
        return joined.astype(_code_type(len(self.codes)))


class _SortValues:
    """A sort key's values, chunk by chunk: numbers as float64 (ranked by numpy; the loader keeps
    them within 1e15, where float64 holds every integer), anything else as they are, ranked at
    the end (`dense_rank`)."""

    def __init__(self) -> None:
        self.numbers: list[np.ndarray] = []
        self.others: list[Any] = []

    def add(self, values: list[Any]) -> None:
        if not self.others and set(map(type, values)) <= _NUMBER_TYPES:
            self.numbers.append(np.array(values, dtype=np.float64))
            return
        for part in self.numbers:  # chunks of only unknowns, before the first text
            if not np.isnan(part).all():
                raise TypeError("a sort key's values mix numbers and other values")
            self.others += [None] * len(part)
        self.numbers = []
        self.others += values

    def ranks(self) -> tuple[np.ndarray, int]:
        if self.others:
            return dense_rank(self.others)
        return numeric_rank(joined(self.numbers, np.float64))


_NUMBER_TYPES = frozenset({int, float, type(None)})


def _code_type(size: int) -> type[np.unsignedinteger[Any]]:
    if size <= 1 << 8:
        return np.uint8
    if size <= 1 << 16:
        return np.uint16
    return np.uint32


def build_columns(models: Sequence[Model]) -> Columns:
    """Every column of `models`, reading each record once."""
    count = len(models)
    filters = {spec.field: _Coder() for spec in FILTERS}
    sorts = {key: _SortValues() for key in SORT_KEYS}
    numbers: dict[str, list[np.ndarray]] = {a: [] for a in NUMBER_ATTRIBUTES}
    getters: dict[str, Callable[[Model], Any]] = {a: attrgetter(a) for a in NUMBER_ATTRIBUTES}
    seen = 0

    def texts() -> Iterable[str]:
        nonlocal seen
        for chunk in chunks(models):
            seen += len(chunk)
            for spec in FILTERS:
                filters[spec.field].add(list(map(spec.column, chunk)))
            for key, value_of in SORT_KEYS.items():
                sorts[key].add(list(map(value_of, chunk)))
            for attribute, getter in getters.items():
                # None becomes NaN: unknown compares false, as the reference engine's test does.
                numbers[attribute].append(np.array(list(map(getter, chunk)), dtype=np.float64))
            yield from map(compact_search_text, chunk)

    text = TextIndex.build(texts(), count)
    if seen != count:
        raise ValueError(f"the catalogue gave {seen} records, not the {count} it has")
    arrays: dict[str, np.ndarray] = {}
    vocabularies: dict[str, list[Any]] = {}
    for field, coder in filters.items():
        arrays[filter_name(field)] = coder.joined()
        vocabularies[field] = coder.vocabulary
    for attribute, parts in numbers.items():
        arrays[number_name(attribute)] = joined(parts, np.float64)
    for key, values in sorts.items():
        ranks, unknown = values.ranks()
        order = ascending_order(ranks, unknown)
        ranks_down, order_down = descending(ranks, order, unknown)
        narrow = _code_type(unknown + 1)  # most keys have a few hundred values: a byte or two
        arrays[rank_name(key, False)] = ranks.astype(narrow)
        arrays[rank_name(key, True)] = ranks_down.astype(narrow)
        arrays[order_name(key, False)], arrays[order_name(key, True)] = order, order_down
    columns = Columns(count, arrays, vocabularies, text)
    arrays.update(columns.text_arrays())
    return columns


def joined(parts: list[np.ndarray], dtype: type[np.generic]) -> np.ndarray:
    """A column made a chunk at a time, as one array (of `dtype` where there are no rows)."""
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


def release_freed_memory() -> None:
    """Hand the memory a build over every record freed back to the system.

    A million models' build frees some 600 MB of small blocks (values, codes, the text index's
    pieces) that the C allocator keeps for the process: glibc's `malloc_trim` returns them (RSS
    820 MB to 210 MB after a first build). Elsewhere there is nothing to call.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        # OSError, AttributeError: another C library (musl has no malloc_trim).
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
