"""`modelscout pull` offers what the TUI's `D` offers, and says why it cannot reach the Hub.

Run through `main()` against the Hub look-alike on 127.0.0.1 (HF_ENDPOINT), on the bundled
catalogue, where qwen3-0.6b keeps its GGUF quantisations in a separate repo.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelscout.cli import main
from tests.hub.conftest import model_bytes, small_model_files, subprocess_env
from tests.hub.hubserver import HubServer, unused_port

QWEN = "Qwen/Qwen3-0.6B"
QWEN_GGUF = "Qwen/Qwen3-0.6B-GGUF"
MIB = 1024 * 1024


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """qwen3-0.6b's two repos, as the Hub holds them: weights in one, GGUF files in the other."""
    server = HubServer()
    weights = {k: v for k, v in small_model_files(MIB).items() if "gguf" not in k}
    server.add_repo(QWEN, weights)
    server.add_repo(
        QWEN_GGUF,
        {
            "Qwen3-0.6B-Q8_0.gguf": model_bytes(MIB // 2, "q8"),
            "Qwen3-0.6B-Q4_K_M.gguf": model_bytes(MIB // 4, "q4"),
            "README.md": b"# GGUF\n",
        },
    )
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    try:
        yield server
    finally:
        server.close()


def test_variants_list_the_gguf_repo_quantisations_as_d_offers_them(
    hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pull", "qwen3-0.6b", "--variants", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(v["name"], v["repo_id"]) for v in out["variants"]] == [
        ("safetensors", QWEN),
        ("all", QWEN),
        ("gguf:Q4_K_M", QWEN_GGUF),
        ("gguf:Q8_0", QWEN_GGUF),
    ]
    assert out["default"] == "safetensors" and [r["repo_id"] for r in out["repos"]] == [
        QWEN,
        QWEN_GGUF,
    ]
    sizes = {v["name"]: v["size_bytes"] for v in out["variants"]}
    assert sizes["gguf:Q4_K_M"] == MIB // 4 and sizes["gguf:Q8_0"] == MIB // 2

    assert main(["pull", "qwen3-0.6b", "--variants"]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("gguf:Q4_K_M"))
    assert row.split()[1:3] == ["256.0", "KiB"] and row.endswith(QWEN_GGUF)


def test_an_unknown_variant_names_every_variant_on_offer(
    hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pull", "qwen3-0.6b", "--variant", "Q9_X"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        "modelscout: error: no variant 'Q9_X' for qwen3-0.6b; on offer: safetensors, all, "
        f"gguf:Q4_K_M (from {QWEN_GGUF}), gguf:Q8_0 (from {QWEN_GGUF})"
    )
    assert not [r for r in hub.requests if r.server == "cdn"]  # nothing was downloaded


def test_a_quantisation_of_the_gguf_repo_is_pulled_from_the_listing_the_offer_made(
    hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pull", "qwen3-0.6b", "--variant", "Q8_0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["repo_id"], out["variant"], out["files"]) == (
        QWEN_GGUF,
        "gguf:Q8_0",
        ["Qwen3-0.6B-Q8_0.gguf"],
    )
    listed = [r.path for r in hub.requests if r.path.startswith("/api/models/")]
    assert listed == [f"/api/models/{QWEN}/revision/main", f"/api/models/{QWEN_GGUF}/revision/main"]


def test_an_unreachable_hub_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = unused_port()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert main(["pull", "org/tiny"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(
        f"modelscout: error: cannot reach http://127.0.0.1:{port}: network unreachable"
    )


def test_offline_mode_says_so_and_how_to_leave_it(hub: HubServer, tmp_path: Path) -> None:
    """In a process of its own, so huggingface_hub reads HF_HUB_OFFLINE as it starts."""
    env = subprocess_env(hub, tmp_path / "hf", HF_HUB_OFFLINE="1")
    result = subprocess.run(
        [sys.executable, "-m", "modelscout", "pull", "qwen3-0.6b"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "offline mode is on (HF_HUB_OFFLINE)" in line and "unset HF_HUB_OFFLINE" in line
    assert hub.requests == []


def test_a_gguf_repo_that_cannot_be_listed_is_a_note_not_a_failure(
    hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    del hub.repos[QWEN_GGUF]
    assert main(["pull", "qwen3-0.6b", "--variants", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [v["name"] for v in out["variants"]] == ["safetensors", "all"]
    assert out["notes"] == [
        f"GGUF repo not listed: no repo {QWEN_GGUF} on the Hub: check the id (a private repo "
        "needs a token: log in with `hf auth login` or set HF_TOKEN)"
    ]
