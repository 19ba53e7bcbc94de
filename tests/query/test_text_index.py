"""The text index answers exactly what `word in text` says, for any texts and words, built or loaded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.gen_catalog import catalog_document
from modelscout.catalog import parse_catalog
from modelscout.query import text_index
from modelscout.query.engine import compact_search_text, search_text
from modelscout.query.text_index import TextIndex

# Few characters, so that random words are often found; every kind the index treats apart: token
# bytes, separators, the byte that ends rows inside the index, and characters of two to four bytes.
ALPHABET = "ab1-./_\n\x00é€😀"
texts = st.lists(st.text(alphabet=ALPHABET, max_size=14), max_size=12)
words = st.text(alphabet=ALPHABET, max_size=6)


def expected(texts: list[str], word: str) -> list[bool]:
    return [word in text for text in texts]


def test_arrays_are_one_dimensional() -> None:
    """A columns file stores flat arrays."""
    arrays = TextIndex.build(["qwen2.5-7b", "llama"], 2).arrays()
    assert all(array.ndim == 1 for array in arrays.values())


def stored(index: TextIndex) -> TextIndex:
    """The index as a later run loads it: from read-only copies of its arrays."""
    arrays = {}
    for name, array in index.arrays().items():
        copy = np.array(array)
        copy.flags.writeable = False
        arrays[name] = copy
    return TextIndex.from_arrays(arrays, index.count)


@settings(max_examples=150, deadline=None)
@given(texts, st.lists(words, max_size=10))
def test_matching_is_substring_search(texts: list[str], asked: list[str]) -> None:
    index = TextIndex.build(texts, len(texts))
    # Built a few rows at a time, and with lists of rows for the separator runs, not masks.
    with patch.object(text_index, "_CHUNK_ROWS", 2), patch.object(text_index, "_MASKED_RUNS", 0):
        chunked = TextIndex.build(texts, len(texts))
    loaded = stored(index)
    # Each word twice and after the others: answers remembered must be the same answers.
    for word in asked + asked:
        for each in (index, chunked, loaded):
            mask = each.matching(word)
            assert mask.dtype == np.bool_
            assert mask.tolist() == expected(texts, word), word


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abc123-.", min_size=1, max_size=30), min_size=1, max_size=40))
def test_words_cut_from_the_texts_are_found(texts: list[str]) -> None:
    """Words taken from the texts themselves: runs across tokens and separators, whole texts."""
    index = TextIndex.build(texts, len(texts))
    for text in texts[:6]:
        for start in range(0, len(text), 3):
            word = text[start : start + 7]
            assert index.matching(word).tolist() == expected(texts, word)


MODEL_TEXTS = [
    "qwen2.5-coder-7b-instruct\nqwen\nqwen/qwen2.5-coder-7b-instruct",
    "llama-3.1-8b-instruct\nmeta\nmeta-llama/llama-3.1-8b-instruct",
    "mistral-nemo-instruct-2407\nmistral\nmistralai/mistral-nemo-instruct-2407",
    "café-ß-model\nünïcode\n",
    "",
]


@pytest.mark.parametrize(
    "word",
    ["", "i", "in", "instru", "qwen", "qwen/", "/qwen", "3.1", "coder-instruct", "8b", "x",
     "-", "--", "\n", "é", "ß-m", "é-", "\nmeta", "instruct\n", "2407\nmistral", "long" * 40],
)  # fmt: skip
def test_model_like_texts(word: str) -> None:
    index = TextIndex.build(MODEL_TEXTS, len(MODEL_TEXTS))
    assert index.matching(word).tolist() == expected(MODEL_TEXTS, word)


def test_precomputed_masks_agree_with_the_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run of two or three token bytes deemed slow, so each short word has its own mask."""
    monkeypatch.setattr(text_index, "_SLOW_NS", 0)
    texts = [f"model-{i % 97}b-v{i % 13}.{i % 7}\ncreator{i % 5}\n" for i in range(2_000)]
    index = TextIndex.build(texts, len(texts))
    masks = len(index.arrays()["mask_patterns"])
    assert masks > len(set("".join(texts)))  # pairs too, not only bytes
    for word in ["1", "12", "el", "mod", "b-v", "1.2", "r3\n", "del-9"]:
        assert index.matching(word).tolist() == expected(texts, word), word


def test_the_count_must_match_the_texts() -> None:
    with pytest.raises(ValueError, match="texts"):
        TextIndex.build(["a", "b"], 3)
    with pytest.raises(ValueError, match="texts"):
        TextIndex.build(["a", "b"], 1)
    arrays = TextIndex.build(["a", "b"], 2).arrays()
    with pytest.raises(ValueError, match="rows"):
        TextIndex.from_arrays(arrays, 3)


@pytest.mark.parametrize("name", ["text", "vocab", "occurrence_rows", "bytes_after", "run_rows"])
def test_arrays_cut_short_are_refused(name: str) -> None:
    """What a half-written file would give: refused on loading, not wrong answers later."""
    with patch.object(text_index, "_MASKED_RUNS", 0):  # rows listed for "--" and "//"
        arrays = TextIndex.build(["qwen2.5-7b--", "llama-3.1//"], 2).arrays()
    arrays[name] = arrays[name][:-1]
    with pytest.raises(ValueError, match="cut short"):
        TextIndex.from_arrays(arrays, 2)


def test_texts_longer_than_two_byte_offsets() -> None:
    texts = ["x" * 70_000 + "-qwen2.5-coder", "qwen2.5"]
    index = TextIndex.build(texts, len(texts))
    for word in ["-qwen", "2.5-c", "n2.5", "x-q", "xq"]:
        assert index.matching(word).tolist() == expected(texts, word), word


CATALOG = parse_catalog(catalog_document(300, seed=3), "gen")[0]
FULL_TEXTS = [search_text(model) for model in CATALOG]
COMPACT_INDEX = TextIndex.build(map(compact_search_text, CATALOG), len(CATALOG))


@settings(max_examples=80, deadline=None)
@given(st.integers(0, len(CATALOG) - 1), st.integers(0, 60), st.integers(1, 12), words)
def test_compact_texts_answer_query_words_as_the_full_ones(
    row: int, start: int, length: int, noise: str
) -> None:
    """Query words hold no whitespace: for them the compact texts the columns index are exact."""
    for word in (FULL_TEXTS[row][start : start + length], noise):
        word = "".join(word.split())
        assert COMPACT_INDEX.matching(word).tolist() == expected(FULL_TEXTS, word), word


def test_threads_asking_at_once_get_their_own_answers() -> None:
    """The TUI asks from a worker thread and the UI thread: remembered answers must not mix."""
    asked = ["q", "qw", "qwen", "3.1", "-", "--", "instruct", "coder-", "é", "llama"] * 20
    index = TextIndex.build(FULL_TEXTS, len(FULL_TEXTS))
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda word: index.matching(word).tolist(), asked))
    assert answers == [expected(FULL_TEXTS, word) for word in asked]
