"""The layout row of `show` and the detail screen, from the catalogue's architecture."""

from __future__ import annotations

from modelscout.display.describe import field_rows, layout_text
from tests.catalog.factory import model

# Gemma 3 27B's config.json: 62 layers, 5 sliding (window 1,024) per full, 16 KV heads of 128.
GEMMA3_27B = {
    "layers": 62,
    "groups": [
        {"kind": "sliding", "count": 52, "kv_heads": 16, "head_dim": 128, "window_tokens": 1024},
        {"kind": "full", "count": 10, "kv_heads": 16, "head_dim": 128},
    ],
}


def test_a_layout_reads_kind_by_kind() -> None:
    arch = model(architecture=GEMMA3_27B).architecture
    assert arch is not None
    assert layout_text(arch) == (
        "62 layers: 52 sliding window of 1,024 (16 KV heads of 128), "
        "10 full attention (16 KV heads of 128)"
    )


def test_an_unknown_layout_says_why_and_no_architecture_adds_no_row() -> None:
    told = model(architecture={"layers": None, "unknown_reason": "config.json not published"})
    assert ("layout", "unknown: config.json not published") in field_rows(told)
    assert "layout" not in dict(field_rows(model(architecture=None)))
