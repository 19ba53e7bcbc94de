"""An exact substring index over the models' search texts: a free-text word in milliseconds at a
million models, where scanning every text takes 60 to 110 ms.

Each text is cut into tokens, its maximal runs of the bytes ``[a-z0-9]``; everything else is a
separator. The distinct tokens form a sorted vocabulary (about 1.2 million at a million models),
and each token lists where it occurs: the row, and how many bytes into the row's text.

- A word of one byte may be in nearly every row, so each byte's rows are kept as a bit mask, as
  are those of frequent short runs of token bytes ("in") and of frequent separator runs ("--").
- A word of ``[a-z0-9]`` only is in a text exactly when it is inside one of the text's tokens
  (a separator on either side would have ended the token). A suffix array over the vocabulary
  finds every token holding the word by binary search, and the rows of those tokens are the answer.
- A word with separators in it ("3.1", "qwen/") starts or ends tokens: each of its token-character
  pieces must be a whole token, a token's start or a token's end. The piece with the fewest
  occurrences gives candidate positions in the joined texts, where the word's bytes are compared.
- A word of separators only ("./", "é") lies inside one run of separators: the distinct runs are
  few, kept apart, each with the rows holding it.

Texts are compared as UTF-8 bytes (a valid UTF-8 pattern only matches at character boundaries),
so every answer is exactly `word in text`. Everything lives in numpy arrays that `arrays` hands out
and `from_arrays` takes back, memory-mapped or not, without a Python loop over the rows.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import count as counter
from itertools import islice, zip_longest
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

BoolMask = npt.NDArray[np.bool_]

# Suffix-array keys hold this many bytes; longer words are narrowed on them, then compared in full.
_KEY_BYTES = 8
# Masks of this many recent words are remembered (packed, 125 KB each at a million rows): typing and
# backing out of a word asks the same words again.
_RECENT_WORDS = 32
# Rows are encoded and tokenized this many at a time, so that building never holds a Python
# object for every token of the catalogue at once.
_CHUNK_ROWS = 65_536
# Words this short may have a precomputed mask; which ones is `_slow_patterns`' estimate.
_MASKED_LENGTH = 3
_NS_PER_HOLDER = 100
_NS_PER_OCCURRENCE = 5
_SLOW_NS = 2_000_000
# Separator runs held by this share of the rows or more get masks, the most held first.
_RUN_SHARE = 0.01
_MASKED_RUNS = 32
# Ends every row's text in the joined buffer, so no token runs from one row into the next.
_ROW_END = b"\x00"
_TOKEN = re.compile(rb"[a-z0-9]+")
# Runs of separators, split at the byte ending each row (and at any other NUL byte).
_SEPARATOR_RUN = re.compile(rb"[^a-z0-9\x00]+")
_TOKEN_BYTES = b"0123456789abcdefghijklmnopqrstuvwxyz"
_IS_TOKEN_BYTE = np.zeros(256, dtype=np.bool_)
_IS_TOKEN_BYTE[np.frombuffer(_TOKEN_BYTES, dtype=np.uint8)] = True

_ARRAY_NAMES = (
    "text",
    "row_starts",
    "vocab",
    "token_starts",
    "suffixes",
    "occurrence_starts",
    "occurrence_rows",
    "occurrence_offsets",
    "bytes_before",
    "bytes_after",
    "byte_counts",
    "run_vocab",
    "run_starts",
    "run_row_starts",
    "run_rows",
    "masked_runs",
    "mask_patterns",
    "masks",
)


class TextIndex:
    """Which rows' texts hold a word, for one list of texts, exactly as `word in text` says.

    Safe to query from several threads at once: queries only read the arrays, and the memory of
    recent words is kept under a lock.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], count: int) -> None:
        missing = [name for name in _ARRAY_NAMES if name not in arrays]
        if missing:
            raise ValueError(f"text index arrays lack {', '.join(missing)}")
        self._arrays = {name: arrays[name] for name in _ARRAY_NAMES}
        self.count = count
        self._text: npt.NDArray[np.uint8] = arrays["text"]
        # Row i's text is text[row_starts[i] : row_starts[i + 1] - 1] (one end byte follows it).
        self._row_starts: npt.NDArray[np.integer] = arrays["row_starts"]
        if len(self._row_starts) != count + 1:
            raise ValueError(f"text index holds {len(self._row_starts) - 1} rows, not {count}")
        # Sorted distinct tokens, each followed by one end byte, and where each starts.
        self._vocab = np.ascontiguousarray(arrays["vocab"], dtype=np.uint8).data.cast("B")
        self._token_starts: npt.NDArray[np.integer] = arrays["token_starts"]
        # Positions in the vocabulary of every token byte, sorted by the bytes that follow them.
        self._suffixes: npt.NDArray[np.integer] = arrays["suffixes"]
        # Token t occurs in occurrence_rows[occurrence_starts[t] : occurrence_starts[t + 1]], so
        # many bytes into each row's text as the occurrence_offsets beside them say.
        self._occurrence_starts: npt.NDArray[np.integer] = arrays["occurrence_starts"]
        self._occurrence_rows: npt.NDArray[np.integer] = arrays["occurrence_rows"]
        self._occurrence_offsets: npt.NDArray[np.integer] = arrays["occurrence_offsets"]
        # The bytes of the joined texts just before and just after each occurrence.
        self._bytes_before: npt.NDArray[np.uint8] = arrays["bytes_before"]
        self._bytes_after: npt.NDArray[np.uint8] = arrays["bytes_after"]
        # masks[i] is the packed mask of the rows holding pattern i (`_pattern_code`): every
        # ASCII byte in the texts and the short runs of token bytes slow to answer from the
        # tokens; the masks of the most frequent separator runs follow.
        self._masks: npt.NDArray[np.uint8] = arrays["masks"].reshape(-1, max((count + 7) // 8, 1))
        self._mask_of = {int(code): i for i, code in enumerate(arrays["mask_patterns"])}
        self._byte_counts: npt.NDArray[np.int64] = arrays["byte_counts"]
        # The distinct separator runs, each followed by a NUL, where each starts, and the rows
        # holding each: listed in run_rows, or, for the most frequent runs, as masks after the
        # patterns' ones.
        self._run_vocab = np.ascontiguousarray(arrays["run_vocab"], dtype=np.uint8).data.cast("B")
        self._run_starts: npt.NDArray[np.integer] = arrays["run_starts"]
        self._run_row_starts: npt.NDArray[np.integer] = arrays["run_row_starts"]
        self._run_rows: npt.NDArray[np.integer] = arrays["run_rows"]
        first = len(arrays["mask_patterns"])
        self._run_mask = {int(run): first + i for i, run in enumerate(arrays["masked_runs"])}
        self._recent: OrderedDict[str, npt.NDArray[np.uint8]] = OrderedDict()
        self._lock = threading.Lock()
        _check_sizes(self._arrays, count)

    # -- building and storing ------------------------------------------------------------------

    @classmethod
    def build(cls, texts: Iterable[str], count: int) -> TextIndex:
        """The index of `count` texts, in order (row i is the i-th text)."""
        return cls(_build_arrays(texts, count), count)

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything the index is made of, for storing; `from_arrays` takes it back."""
        return dict(self._arrays)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], count: int) -> TextIndex:
        """The index `arrays()` described, reading the arrays where they are (a memory-mapped file
        stays mapped): nothing is rebuilt."""
        return cls(arrays, count)

    # -- answering -----------------------------------------------------------------------------

    def matching(self, word: str) -> BoolMask:
        """A new mask of the rows whose text holds `word`: mask[i] == (word in texts[i])."""
        with self._lock:
            packed = self._recent.get(word)
            if packed is not None:
                self._recent.move_to_end(word)
        if packed is not None:
            return np.unpackbits(packed, count=self.count).view(np.bool_)
        mask = self._compute(word.encode("utf-8", "surrogatepass"))
        with self._lock:
            self._recent[word] = np.packbits(mask)
            while len(self._recent) > _RECENT_WORDS:
                self._recent.popitem(last=False)
        return mask

    def _compute(self, word: bytes) -> BoolMask:
        if not word:
            return np.ones(self.count, dtype=np.bool_)
        if len(word) <= _MASKED_LENGTH:
            at = self._mask_of.get(_pattern_code(word))
            if at is not None:
                return np.unpackbits(self._masks[at], count=self.count).view(np.bool_)
            if len(word) == 1:  # an ASCII byte: each one in the texts has a mask
                return np.zeros(self.count, dtype=np.bool_)
        pieces = [match.span() for match in _TOKEN.finditer(word)]
        if not pieces:
            if _ROW_END in word:  # runs stop at NUL bytes
                return self._scanned(word)
            return self._separators(word)
        if pieces[0] == (0, len(word)):
            return self._rows_holding(word)
        return self._anchored(word, pieces)

    def _rows_holding(self, piece: bytes) -> BoolMask:
        """Rows with a token holding `piece`, a run of token bytes."""
        hits = self._suffix_hits(piece)
        tokens = np.searchsorted(self._token_starts, hits, side="right") - 1
        mask = np.zeros(self.count, dtype=np.bool_)
        mask[self._occurrence_rows[_occurrences(self._occurrence_starts, tokens)]] = True
        return mask

    def _suffix_hits(self, pattern: bytes) -> npt.NDArray[np.integer]:
        """Vocabulary positions where `pattern` starts (it holds no end byte, or only last)."""
        key = pattern[:_KEY_BYTES]
        first, last = _run_starting(self._suffixes, self._vocab, key)
        hits = self._suffixes[first:last]
        if len(pattern) > len(key) and len(
            hits
        ):  # the suffixes are ordered on the key's bytes only
            rest = np.frombuffer(pattern[len(key) :], dtype=np.uint8)
            vocab = np.frombuffer(self._vocab, dtype=np.uint8)
            starts = hits.astype(np.int64) + len(key)
            keep = starts + len(rest) <= len(vocab)
            hits, starts = hits[keep], starts[keep]
            for offset, value in enumerate(rest):
                same = vocab[starts + offset] == value
                hits, starts = hits[same], starts[same]
        return hits

    def _anchored(self, word: bytes, pieces: list[tuple[int, int]]) -> BoolMask:
        """Rows holding a word with separators: each occurrence of its rarest token piece, placed
        as the word needs it, is a candidate start, checked byte by byte outwards from the piece."""
        best: tuple[int, tuple[int, int], _Places] | None = None
        for start, end in pieces:
            places = self._places(word[start:end], whole_start=start > 0, whole_end=end < len(word))
            if places.total == 0:
                return np.zeros(self.count, dtype=np.bool_)
            if best is None or places.total < best[0]:
                best = (places.total, (start, end), places)
        assert best is not None
        _, (start, end), places = best
        occurrences, offsets = places.occurrences(self._occurrence_starts), places.offsets
        # The bytes beside the piece first, from arrays in the occurrences' order: they tell most
        # candidates apart, and reading them there is sequential where the joined text is random.
        for beside, offset in ((self._bytes_after, end), (self._bytes_before, start - 1)):
            if 0 <= offset < len(word):
                kept = np.flatnonzero(beside[occurrences] == word[offset])
                occurrences = occurrences[kept]
                offsets = None if offsets is None else offsets[kept]
        rows = self._occurrence_rows[occurrences]
        starts = self._row_starts[rows].astype(np.int64) - start
        starts += self._occurrence_offsets[occurrences]
        if offsets is not None:
            starts += offsets
        inside = (starts >= 0) & (starts + len(word) <= len(self._text))
        starts, rows = starts[inside], rows[inside]
        text = self._text
        before, after = range(start - 2, -1, -1), range(end + 1, len(word))
        for offset in (o for pair in zip_longest(after, before) for o in pair if o is not None):
            same = text[starts + offset] == word[offset]
            starts, rows = starts[same], rows[same]
        if _ROW_END in word:  # only then can the bytes matched run into the row before or after
            wide = rows.astype(np.int64)
            inside = (starts >= self._row_starts[wide]) & (
                starts + len(word) < self._row_starts[wide + 1]
            )
            rows = rows[inside]
        mask = np.zeros(self.count, dtype=np.bool_)
        mask[rows] = True
        return mask

    def _places(self, piece: bytes, *, whole_start: bool, whole_end: bool) -> _Places:
        """Where `piece` may stand: at the start of a token (a separator precedes it in the
        word), at the end of one (one follows), or as a whole token."""
        if whole_start:
            first, last = self._prefix_range(piece)
            if whole_end and first < last:  # the shortest token starting with it comes first
                token_length = int(self._token_starts[first + 1]) - int(self._token_starts[first])
                last = first + 1 if token_length == len(piece) + 1 else first
            starts = self._occurrence_starts
            return _Places(int(starts[last]) - int(starts[first]), first, last, None, None)
        hits = self._suffix_hits(piece + _ROW_END).astype(np.int64)
        tokens = np.searchsorted(self._token_starts, hits, side="right") - 1
        # In token order, the occurrence arrays are read front to back instead of at random.
        order = np.argsort(tokens)
        tokens, hits = tokens[order], hits[order]
        counts = self._occurrence_starts[tokens + 1] - self._occurrence_starts[tokens]
        offsets = np.repeat(hits - self._token_starts[tokens], counts)
        return _Places(int(counts.sum()), 0, 0, tokens, offsets)

    def _prefix_range(self, piece: bytes) -> tuple[int, int]:
        """The tokens (a run of the sorted vocabulary) that start with `piece`."""
        return _run_starting(self._token_starts[:-1], self._vocab, piece)

    def _separators(self, word: bytes) -> BoolMask:
        """Rows holding a word of separators: those of the separator runs holding it."""
        mask = np.zeros(self.count, dtype=np.bool_)
        found = [hit.start() for hit in re.finditer(re.escape(word), self._run_vocab)]
        if not found:
            return mask
        runs = _distinct(np.searchsorted(self._run_starts, found, side="right") - 1)
        for run in runs.tolist():
            at = self._run_mask.get(run)
            if at is not None:
                mask |= np.unpackbits(self._masks[at], count=self.count).view(np.bool_)
        mask[self._run_rows[_occurrences(self._run_row_starts, runs)]] = True
        return mask

    def _scanned(self, word: bytes) -> BoolMask:
        """Rows holding a word without token bytes, found by a pass over the joined texts for
        two of its bytes side by side, its rarest byte one of them."""
        text, span = self._text, len(self._text) - len(word) + 1
        rarest = min(range(len(word)), key=lambda offset: int(self._byte_counts[word[offset]]))
        if span <= 0 or self._byte_counts[word[rarest]] == 0:
            return np.zeros(self.count, dtype=np.bool_)
        first = min(rarest, len(word) - 2) if len(word) > 1 else 0
        compared = word[first : first + 2]
        hit = text[first : first + span] == compared[0]
        if len(compared) > 1:
            hit &= text[first + 1 : first + 1 + span] == compared[1]
        starts = np.flatnonzero(hit)
        del hit
        for offset, value in enumerate(word):
            if not first <= offset < first + len(compared):
                starts = starts[text[starts + offset] == value]
        rows = np.searchsorted(self._row_starts, starts, side="right") - 1
        inside = starts + len(word) < self._row_starts[rows + 1]
        mask = np.zeros(self.count, dtype=np.bool_)
        mask[rows[inside]] = True
        return mask


def _check_sizes(arrays: Mapping[str, np.ndarray], count: int) -> None:
    """Raise ValueError unless the arrays' sizes agree with one another, as those of one index
    do: a few reads, so that a truncated or mixed-up file fails on loading, not in a query."""

    def last(name: str) -> int:
        array = arrays[name]
        return int(array[-1]) if len(array) else -1

    row_bytes = max((count + 7) // 8, 1)
    agree = (
        last("row_starts") == len(arrays["text"])
        and (count > 0 or len(arrays["text"]) == 0)
        and len(arrays["token_starts"]) == len(arrays["occurrence_starts"]) > 0
        and last("token_starts") == len(arrays["vocab"])
        and len(arrays["suffixes"]) <= len(arrays["vocab"])
        and all(
            len(arrays[name]) == last("occurrence_starts")
            for name in ("occurrence_rows", "occurrence_offsets", "bytes_before", "bytes_after")
        )
        and len(arrays["byte_counts"]) == 256
        and len(arrays["run_starts"]) == len(arrays["run_row_starts"]) > 0
        and last("run_starts") == len(arrays["run_vocab"])
        and last("run_row_starts") == len(arrays["run_rows"])
        and len(arrays["masks"])
        == (len(arrays["mask_patterns"]) + len(arrays["masked_runs"])) * row_bytes
    )
    if not agree:
        raise ValueError("text index arrays of different indexes, or cut short")


def _run_starting(positions: np.ndarray, vocab: memoryview, key: bytes) -> tuple[int, int]:
    """The run of `positions` (ordered by the vocabulary's bytes from each) whose bytes start
    with `key`: two binary searches, a few microseconds."""

    def head(at: int) -> bytes:
        return bytes(vocab[at : at + len(key)])

    return bisect_left(positions, key, key=head), bisect_right(positions, key, key=head)


class _Places(NamedTuple):
    """The occurrences of the tokens a word's piece may stand in: tokens first..last-1 (a run of
    the vocabulary, the piece at their start), or the listed tokens with the piece at `offsets`
    (one per occurrence)."""

    total: int
    first: int
    last: int
    tokens: npt.NDArray[np.int64] | None
    offsets: npt.NDArray[np.int64] | None

    def occurrences(self, occurrence_starts: np.ndarray) -> npt.NDArray[np.int64]:
        if self.tokens is not None:
            return _occurrences(occurrence_starts, self.tokens)
        first, last = int(occurrence_starts[self.first]), int(occurrence_starts[self.last])
        return np.arange(first, last, dtype=np.int64)


def _occurrences(
    occurrence_starts: np.ndarray, tokens: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Indexes into the occurrence arrays of every occurrence of these tokens."""
    firsts = occurrence_starts[tokens].astype(np.int64)
    lengths = occurrence_starts[tokens + 1] - firsts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # One arange over all the runs, each run shifted to start at its token's first occurrence.
    shifts = firsts - (np.cumsum(lengths) - lengths)
    return np.arange(total, dtype=np.int64) + np.repeat(shifts, lengths)


# -- building ----------------------------------------------------------------------------------


def _build_arrays(texts: Iterable[str], count: int) -> dict[str, np.ndarray]:
    chunks = _Chunks(count)
    for chunk in _chunks(iter(texts)):
        chunks.add(chunk)
    if chunks.rows != count:
        raise ValueError(f"{chunks.rows} texts for a text index of {count}")
    text = np.frombuffer(b"".join(chunks.texts), dtype=np.uint8)
    chunks.texts.clear()
    row_starts = np.cumsum(chunks.lengths).astype(_offsets_type(len(text)))

    vocab_tokens = sorted(chunks.first_seen)
    rank_of_first = np.zeros(max(chunks.seen, 1), dtype=np.uint32)
    rank_of_first[np.fromiter(map(chunks.first_seen.__getitem__, vocab_tokens), np.int64)] = (
        np.arange(len(vocab_tokens))
    )
    chunks.first_seen.clear()
    token_ids = rank_of_first[_joined(chunks.ids, np.int64)]
    del rank_of_first
    by_token = np.argsort(token_ids, kind="stable")
    occurrence_starts = np.zeros(len(vocab_tokens) + 1, dtype=np.int64)
    np.cumsum(np.bincount(token_ids, minlength=len(vocab_tokens)), out=occurrence_starts[1:])
    del token_ids
    offsets_type = np.uint16 if int(chunks.lengths.max(initial=0)) <= 2**16 else np.uint32

    vocab_bytes = _ROW_END.join(vocab_tokens) + _ROW_END if vocab_tokens else b""
    vocab = np.frombuffer(vocab_bytes, dtype=np.uint8)
    token_starts = np.zeros(len(vocab_tokens) + 1, dtype=np.int64)
    np.cumsum(
        np.fromiter(map(len, vocab_tokens), np.int64, len(vocab_tokens)) + 1, out=token_starts[1:]
    )
    del vocab_tokens
    arrays: dict[str, np.ndarray] = {
        "text": text,
        "row_starts": row_starts,
        "vocab": vocab,
        "token_starts": token_starts.astype(_offsets_type(len(vocab))),
        "suffixes": _suffix_array(vocab),
        "occurrence_starts": occurrence_starts.astype(_offsets_type(len(by_token))),
        "occurrence_rows": _joined(chunks.token_rows, np.uint32)[by_token],
        # Offsets in the row rather than in all texts: two bytes each, not four, for texts this short.
        "occurrence_offsets": _joined(chunks.offsets, np.uint32)[by_token].astype(offsets_type),
        "bytes_before": _joined(chunks.before, np.uint8)[by_token],
        "bytes_after": _joined(chunks.after, np.uint8)[by_token],
    }
    del by_token
    # Without masks an index answers short words from its tokens: the masks are built so.
    arrays["mask_patterns"] = np.zeros(0, dtype=np.int64)
    arrays["masks"] = np.zeros(0, dtype=np.uint8)
    arrays["byte_counts"] = chunks.byte_counts
    separators = {bytes([value]): rows for value, rows in chunks.separator_rows.items()}
    run_masks, run_arrays = chunks.separator_runs()
    arrays.update(run_arrays, masked_runs=np.zeros(0, dtype=np.int64))
    arrays.update(_pattern_masks(TextIndex(arrays, count), separators))
    # The most frequent runs' masks follow the patterns' (their rows are not listed).
    packed = [np.packbits(rows) for rows in run_masks.values()]
    arrays["masks"] = np.concatenate([arrays["masks"], *packed])
    arrays["masked_runs"] = np.array(list(run_masks), dtype=np.int64)
    return arrays


class _Chunks:
    """The texts, tokenized a chunk of rows at a time: each chunk's arrays are small, so building
    at a million rows never holds a temporary the size of all the texts' bytes in int64s."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.rows = 0
        self.lengths = np.zeros(count + 1, dtype=np.int64)  # of each row's bytes and its end byte
        self.texts: list[bytes] = []
        # Each token's id is the number of tokens before its first sighting: dict.setdefault at C
        # speed, the gaps closed once all are seen.
        self.first_seen: dict[bytes, int] = {}
        self.seen = 0
        self.ids: list[np.ndarray] = []
        self.token_rows: list[np.ndarray] = []
        self.offsets: list[np.ndarray] = []  # of each token in its row
        self.before: list[np.ndarray] = []  # the byte before each token, and after it
        self.after: list[np.ndarray] = []
        self.separator_rows: dict[int, BoolMask] = {}  # rows holding each ASCII separator byte
        self.byte_counts = np.zeros(256, dtype=np.int64)  # of each byte value in all the texts
        # Separator runs get ids the way tokens do, and the rows each run is in.
        self.first_run: dict[bytes, int] = {}
        self.runs_seen = 0
        self.run_ids: list[np.ndarray] = []
        self.run_rows: list[np.ndarray] = []

    def add(self, chunk: list[str]) -> None:
        encoded = [text.encode("utf-8", "surrogatepass") for text in chunk]
        first_row = self.rows
        if first_row + len(encoded) > self.count:
            raise ValueError(f"more than {self.count} texts for the text index")
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)) + 1
        self.lengths[first_row + 1 : first_row + 1 + len(encoded)] = lengths
        self.rows += len(encoded)
        joined = _ROW_END.join(encoded) + _ROW_END
        self.texts.append(joined)
        tokens = _TOKEN.findall(joined)
        ids = map(self.first_seen.setdefault, tokens, counter(self.seen))
        self.ids.append(np.fromiter(ids, dtype=np.int64, count=len(tokens)))
        self.seen += len(tokens)

        text = np.frombuffer(joined, dtype=np.uint8)
        row_starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=row_starts[1:])
        is_token = _IS_TOKEN_BYTE[text]
        # Where runs of token bytes begin and end (the last byte, a row's end, is never a token's).
        edges = np.flatnonzero(is_token[1:] != is_token[:-1]) + 1
        if is_token[0]:
            edges = np.concatenate([np.zeros(1, dtype=edges.dtype), edges])
        starts, ends = edges[0::2], edges[1::2]
        rows = np.searchsorted(row_starts, starts, side="right") - 1
        self.token_rows.append((rows + first_row).astype(np.uint32))
        self.offsets.append((starts - row_starts[rows]).astype(np.uint32))
        # A token at the chunk's start reads the chunk's last byte, an end byte as before it.
        self.before.append(text[starts - 1])
        self.after.append(text[ends])

        others = np.flatnonzero(~is_token & (text < 128))
        other_rows = np.searchsorted(row_starts, others, side="right") - 1
        inside = others < row_starts[other_rows + 1] - 1  # not the byte ending the row
        others, other_rows = others[inside], other_rows[inside] + first_row
        values = text[others]
        for value in _distinct(values).tolist():
            if value not in self.separator_rows:
                self.separator_rows[value] = np.zeros(self.count, dtype=np.bool_)
            self.separator_rows[value][other_rows[values == value]] = True
        self.byte_counts += np.bincount(text, minlength=256)
        runs = _SEPARATOR_RUN.findall(joined)
        first_seen = map(self.first_run.setdefault, runs, counter(self.runs_seen))
        run_ids = np.fromiter(first_seen, dtype=np.int64, count=len(runs))
        self.runs_seen += len(runs)
        in_run = ~is_token & (text != 0)
        run_edges = np.flatnonzero(in_run[1:] != in_run[:-1]) + 1
        if in_run[0]:
            run_edges = np.concatenate([np.zeros(1, dtype=run_edges.dtype), run_edges])
        run_rows = np.searchsorted(row_starts, run_edges[0::2], side="right") - 1
        # Each run once per row: rows hold the same few runs many times ("-" between words).
        held = _distinct(run_ids * len(encoded) + run_rows)
        self.run_ids.append(held // len(encoded))
        self.run_rows.append((held % len(encoded) + first_row).astype(np.uint32))

    def separator_runs(self) -> tuple[dict[int, BoolMask], dict[str, np.ndarray]]:
        """The distinct separator runs and the rows holding each: a mask for each of the
        `_MASKED_RUNS` most held of those in `_RUN_SHARE` of the rows or more ("-" may be in
        every row), a list of rows for the others."""
        runs = list(self.first_run)  # in the order first seen, as their gappy ids grow
        rank_of_first = np.zeros(max(self.runs_seen, 1), dtype=np.int64)
        rank_of_first[np.fromiter(self.first_run.values(), np.int64, len(runs))] = np.arange(
            len(runs)
        )
        self.first_run.clear()
        ids, rows = (
            rank_of_first[_joined(self.run_ids, np.int64)],
            _joined(self.run_rows, np.uint32),
        )
        del rank_of_first
        holders = np.bincount(ids, minlength=len(runs))
        frequent = np.flatnonzero(holders >= self.count * _RUN_SHARE)
        frequent = frequent[np.argsort(-holders[frequent], kind="stable")][:_MASKED_RUNS]
        masks: dict[int, BoolMask] = {}
        for run in frequent.tolist():
            masks[run] = np.zeros(self.count, dtype=np.bool_)
            masks[run][rows[ids == run]] = True
        listed = ~np.isin(ids, frequent)
        row_starts = np.zeros(len(runs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(ids[listed], minlength=len(runs)), out=row_starts[1:])
        run_starts = np.zeros(len(runs) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, runs), np.int64, len(runs)) + 1, out=run_starts[1:])
        return masks, {
            "run_vocab": np.frombuffer(b"".join(run + _ROW_END for run in runs), dtype=np.uint8),
            "run_starts": run_starts,
            "run_row_starts": row_starts,
            "run_rows": rows[listed][np.argsort(ids[listed], kind="stable")],  # by run
        }


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted, as np.unique gives them: it hashes (numpy 2.3 on), and on
    these arrays of row-ordered codes that is 50 to 80 times slower than a sort."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]


def _joined(parts: list[np.ndarray], dtype: type[np.generic]) -> np.ndarray:
    """The parts as one array; the list is emptied, so that they are freed as soon as used."""
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
    parts.clear()
    return joined


def _offsets_type(size: int) -> type[np.integer]:
    """Half the bytes of int64 for offsets below 4 Gi (a million rows: 80 MB saved); int64 above,
    since numpy turns uint64 mixed with int64 into floats."""
    return np.uint32 if size < 2**32 else np.int64


def _chunks(texts: Iterator[str]) -> Iterator[list[str]]:
    while chunk := list(islice(texts, _CHUNK_ROWS)):
        yield chunk


def _suffix_array(vocab: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """Every token byte's position in the vocabulary, ordered by the `_KEY_BYTES` bytes from it."""
    positions = np.flatnonzero(_IS_TOKEN_BYTE[vocab]).astype(_offsets_type(len(vocab)))
    padded = np.concatenate([vocab, np.zeros(_KEY_BYTES, dtype=np.uint8)])
    keys = np.zeros(len(positions), dtype=np.uint64)
    for offset in range(_KEY_BYTES):
        keys <<= np.uint64(8)
        keys |= padded[positions + offset]
    return positions[np.argsort(keys, kind="stable")]


def _pattern_code(pattern: bytes) -> int:
    """One int for a pattern of up to seven bytes, unique with its length (a lead 1 byte)."""
    return int.from_bytes(b"\x01" + pattern, "big")


def _pattern_masks(index: TextIndex, separators: dict[bytes, BoolMask]) -> dict[str, np.ndarray]:
    """Packed row masks of the patterns a suffix-array answer would be slow for: each byte in
    the texts (one letter is in most rows), and the runs of two or three token bytes held by many
    tokens or many occurrences ("in" is in 1.4 million occurrences at a million models)."""
    codes = [_pattern_code(pattern) for pattern in separators]
    masks = [np.packbits(rows) for rows in separators.values()]
    for pattern in [bytes([b]) for b in _TOKEN_BYTES] + _slow_patterns(index):
        mask = index._rows_holding(pattern)
        if mask.any():
            codes.append(_pattern_code(pattern))
            masks.append(np.packbits(mask))
    packed = np.concatenate(masks) if masks else np.zeros(0, dtype=np.uint8)
    return {"mask_patterns": np.array(codes, dtype=np.int64), "masks": packed}


def _slow_patterns(index: TextIndex) -> list[bytes]:
    """Runs of two and three token bytes whose answer from the tokens would take over about two
    milliseconds: about 100 ns for each token holding the run and 5 ns for each occurrence of it."""
    suffixes = index._suffixes
    vocab = np.concatenate([np.frombuffer(index._vocab, dtype=np.uint8), np.zeros(2, np.uint8)])
    token_of_byte = np.repeat(
        np.arange(len(index._token_starts) - 1, dtype=np.uint32), np.diff(index._token_starts)
    )
    occurrences = np.diff(index._occurrence_starts)[token_of_byte[suffixes]]
    del token_of_byte
    slot = np.full(256, -1, dtype=np.int32)
    slot[np.frombuffer(_TOKEN_BYTES, dtype=np.uint8)] = np.arange(len(_TOKEN_BYTES))
    code = np.zeros(len(suffixes), dtype=np.int32)  # below 36 ** 3
    valid = np.ones(len(suffixes), dtype=np.bool_)
    slow: list[bytes] = []
    for length in (1, 2, 3):
        at = slot[vocab[suffixes + length - 1]]
        valid &= at >= 0
        code *= len(_TOKEN_BYTES)
        code += at
        if length == 1:
            continue
        bins = len(_TOKEN_BYTES) ** length
        holders = np.bincount(code[valid], minlength=bins)
        total = np.bincount(code[valid], weights=occurrences[valid], minlength=bins)
        cost = holders * _NS_PER_HOLDER + total * _NS_PER_OCCURRENCE
        for found in np.flatnonzero(cost > _SLOW_NS).tolist():
            digits = np.unravel_index(found, (len(_TOKEN_BYTES),) * length)
            slow.append(bytes(_TOKEN_BYTES[int(d)] for d in digits))
    return slow
