"""The Hugging Face environment modelscout reads must be the one huggingface_hub itself reads: the
same cache, token file, token, endpoint and offline mode, for every way of setting them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from modelscout.hub.env import HubEnv, hub_cache_dir

CASES = [
    {},
    {"XDG_CACHE_HOME": "/x"},
    {"HF_HOME": "/h", "XDG_CACHE_HOME": "/x"},
    {"HF_HOME": "~/hf"},
    {"HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/h"},
    {"HF_HUB_CACHE": "/c", "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/h"},
    {"HF_HUB_CACHE": "$MODELSCOUT_TEST_ROOT/cache"},
    {"HF_ENDPOINT": "http://mirror.example:8080/hf/"},
    {"HF_HUB_OFFLINE": "yes"},
    {"TRANSFORMERS_OFFLINE": "1"},
    {"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "1"},
    {"HF_TOKEN": " hf_FromTheVariable\n"},
    {"HUGGING_FACE_HUB_TOKEN": "hf_Legacy", "HF_TOKEN": ""},
    {"HF_TOKEN_PATH": "$MODELSCOUT_TEST_ROOT/other-token"},
    {"HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"},
]

# Both sides in one fresh interpreter (huggingface_hub reads its variables as it is imported):
# the same six facts each, as JSON, one line per side.
BOTH_SIDES = """
import json, os
from huggingface_hub import constants as c, get_token
from huggingface_hub.utils._headers import get_token_to_send
from modelscout.hub.env import HubEnv, token_path
print(json.dumps([c.HF_HUB_CACHE, c.HF_TOKEN_PATH, c.ENDPOINT, c.HF_HUB_OFFLINE, get_token(),
                  get_token_to_send(None)]))
e = HubEnv.from_environ()
print(json.dumps([str(e.cache_dir), str(token_path(os.environ, e.home)), e.endpoint, e.offline,
                  e.token, e.token_to_send]))
"""


@pytest.mark.parametrize("settings", CASES, ids=lambda s: ",".join(s) or "none")
def test_the_same_environment_as_huggingface_hub(settings: dict[str, str], tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HF_", "HUGGING", "TRANSFORMERS_", "XDG_CACHE_HOME"))
    }
    env.update(settings, HOME=str(tmp_path), MODELSCOUT_TEST_ROOT=str(tmp_path / "root"))
    # A login file where huggingface_hub looks by default, and another one HF_TOKEN_PATH names.
    (tmp_path / ".cache" / "huggingface").mkdir(parents=True)
    (tmp_path / ".cache" / "huggingface" / "token").write_text(" hf_FromTheFile\n")
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "other-token").write_text("hf_FromTheOtherFile")
    theirs, ours = (json.loads(line) for line in _printed(BOTH_SIDES, env).splitlines())
    assert ours == theirs


def _printed(code: str, env: dict[str, str]) -> str:
    """What `code` prints in a fresh interpreter."""
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


def test_explicit_choices_win_over_the_environment() -> None:
    environ = {"HF_ENDPOINT": "https://a.example", "HF_TOKEN": "hf_a", "HF_HUB_CACHE": "/c"}
    chosen = HubEnv.from_environ(
        environ, endpoint="https://b.example/", token="hf_b", cache_dir=Path("/d"), offline=True
    )
    assert (chosen.endpoint, chosen.token, chosen.cache_dir, chosen.offline) == (
        "https://b.example",
        "hf_b",
        Path("/d"),
        True,
    )
    assert chosen.hub_token_argument == "hf_b"
    assert HubEnv.from_environ({"HF_HOME": "/nowhere"}).hub_token_argument is False


def test_the_repr_shows_neither_the_token_nor_an_endpoint_password() -> None:
    hub_env = HubEnv.from_environ(
        {"HF_ENDPOINT": "https://ada:pa55word@mirror.example/hf", "HF_TOKEN": "hf_SeCrEt0123"}
    )
    shown = repr(hub_env) + str(hub_env) + f"{hub_env!r}"
    assert "hf_SeCrEt0123" not in shown and "pa55word" not in shown
    assert "https://mirror.example/hf" in shown and "token=<set>" in shown
    assert hub_env.endpoint == "https://ada:pa55word@mirror.example/hf"  # still used as given
