"""Fixtures for the Hub tests: a Hub look-alike on 127.0.0.1 and an empty HF cache per test."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.hubserver import HubServer


@pytest.fixture
def hub_server() -> Iterator[HubServer]:
    server = HubServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HF_HOME; huggingface_hub reads it at import, so in-process code gets paths passed."""
    home = tmp_path / "hf-home"
    home.mkdir()
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    return home


def model_bytes(size: int, seed: str) -> bytes:
    """Deterministic pseudo-random bytes (incompressible, like real weights)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest() * 64
        counter += 1
    return bytes(out[:size])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def small_model_files(weights_bytes: int = 3 * 1024 * 1024, seed: str = "w") -> dict[str, bytes]:
    """A small transformers-style repo with safetensors weights and two GGUF quantisations."""
    return {
        "config.json": b'{"model_type": "llama", "num_hidden_layers": 2}\n',
        "tokenizer.json": b'{"version": "1.0", "model": {"type": "BPE"}}\n',
        "tokenizer_config.json": b'{"chat_template": "{{ messages }}"}\n',
        "generation_config.json": b'{"do_sample": true}\n',
        "README.md": b"# tiny model\n",
        "model-00001-of-00002.safetensors": model_bytes(weights_bytes, seed + "1"),
        "model-00002-of-00002.safetensors": model_bytes(weights_bytes // 2, seed + "2"),
        "model.safetensors.index.json": b'{"weight_map": {}}\n',
        "gguf/tiny-Q4_K_M.gguf": model_bytes(weights_bytes // 3, seed + "q4"),
        "gguf/tiny-Q8_0.gguf": model_bytes(weights_bytes // 2, seed + "q8"),
    }


def subprocess_env(server: HubServer, hf_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))}
    env.update(
        {
            "HF_ENDPOINT": server.url,
            "HF_HOME": str(hf_home),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_XET": "1",
            "NO_COLOR": "1",
        }
    )
    env.update(extra)
    return env
