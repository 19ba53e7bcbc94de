"""The cache folder modelscout uses must be the one huggingface_hub itself would use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from modelscout.hub.api import hub_token
from modelscout.hub.env import hub_cache_dir

HUB_VARIABLES = (
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "HF_HOME",
    "XDG_CACHE_HOME",
    "HF_TOKEN_PATH",
)

CASES = [
    {},
    {"XDG_CACHE_HOME": "/x"},
    {"HF_HOME": "/h", "XDG_CACHE_HOME": "/x"},
    {"HF_HOME": "~/hf"},
    {"HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/h"},
    {"HF_HUB_CACHE": "/c", "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/h"},
    {"HF_HUB_CACHE": "$MODELSCOUT_TEST_ROOT/cache"},
]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: ",".join(s) or "none")
def test_the_same_folder_as_huggingface_hub(settings: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in HUB_VARIABLES}
    env.update(settings, HOME=str(tmp_path), MODELSCOUT_TEST_ROOT="/root-from-env")
    theirs = _printed(
        "from huggingface_hub import constants as c; print(c.HF_HUB_CACHE); print(c.HF_TOKEN_PATH)",
        env,
    )
    ours = _printed(
        "from modelscout.hub.env import hf_home, hub_cache_dir; print(hub_cache_dir());"
        " print(hf_home() / 'token')",
        env,
    )
    assert ours == theirs  # the cache, and the token file `hf auth login` writes


def _printed(code: str, env: dict[str, str]) -> str:
    """What `code` prints in a fresh interpreter: huggingface_hub reads its variables at import."""
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return run.stdout.strip()


def test_an_explicit_folder_wins_and_a_mapping_stands_in_for_the_environment() -> None:
    assert hub_cache_dir({"HF_HUB_CACHE": "/c"}, explicit=Path("/mine")) == Path("/mine")
    assert hub_cache_dir({"HF_HUB_CACHE": "/c", "HF_HOME": "/h"}) == Path("/c")
    assert hub_cache_dir({"HF_HOME": "/h", "XDG_CACHE_HOME": "/x"}) == Path("/h/hub")
    assert hub_cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/huggingface/hub")
    assert hub_cache_dir({"HF_HUB_CACHE": "", "HF_HOME": "/h"}) == Path("/h/hub")


def test_the_token_is_read_from_hf_home_as_huggingface_hub_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("HF_HOME", "~/hf")  # huggingface_hub expands it
    (tmp_path / "hf").mkdir()
    (tmp_path / "hf" / "token").write_text("hf_FromTheTokenFile\n")
    assert hub_token() == "hf_FromTheTokenFile"
