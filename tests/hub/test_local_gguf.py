"""Finding the downloaded GGUF file the fit chose, for the run commands."""

from __future__ import annotations

from pathlib import Path

from modelscout.hub.download.cache import local_gguf
from tests.tui.test_fit_integration import _cached_gguf


def test_the_file_with_the_tag_is_found_and_others_are_not(tmp_path: Path) -> None:
    path = _cached_gguf(tmp_path, "acme/Pico-GGUF", "Pico-Q4_K_M.gguf")
    assert local_gguf("acme/pico-gguf", "Q4_K_M", tmp_path) == path
    assert local_gguf("acme/Pico-GGUF", "Q8_0", tmp_path) is None
    assert local_gguf("acme/Other-GGUF", "Q4_K_M", tmp_path) is None
    assert local_gguf("acme/Pico-GGUF", "Q4_K_M", tmp_path / "absent") is None


def test_a_split_file_is_run_from_its_first_part(tmp_path: Path) -> None:
    first = _cached_gguf(tmp_path, "acme/Big-GGUF", "Big-Q4_K_M-00001-of-00002.gguf")
    (first.parent / "Big-Q4_K_M-00002-of-00002.gguf").symlink_to(first.resolve())
    assert local_gguf("acme/Big-GGUF", "Q4_K_M", tmp_path) == first
