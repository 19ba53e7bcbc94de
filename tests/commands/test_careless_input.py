"""What a careless user types or runs gets one line and an exit status, never a traceback or a
process that hangs: absurd numbers, a catalogue that never ends, an empty model, no terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from modelscout.catalog import SCHEMA_VERSION
from tests.catalog.factory import entry


def modelscout(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modelscout", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,  # a bound: the old behaviour of some of these was never to end
    )


def assert_one_line(result: subprocess.CompletedProcess[str], status: int, *needles: str) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("command", ["list", "show qwen3-8b"])
@pytest.mark.parametrize(
    "ctx", ["1e400", "inf", "nan", "1" + "0" * 400], ids=["1e400", "inf", "nan", "400-digits"]
)
def test_an_absurd_context_is_a_usage_error(command: str, ctx: str) -> None:
    assert_one_line(modelscout(*command.split(), "--ctx", ctx), 2, "--ctx")


def test_a_catalogue_that_never_ends_is_refused_at_once() -> None:
    assert_one_line(modelscout("--catalog", "/dev/zero", "list", timeout=20), 1, "/dev/zero")


def test_pulling_an_empty_model_name_is_a_usage_error(tmp_path: Path) -> None:
    # a catalogue row without a repo id, which "" used to match
    catalog = tmp_path / "catalog.json"
    rows = [entry(id="closed-1", repo_id=None, weights_available=False)]
    catalog.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "models": rows}))
    assert_one_line(modelscout("--catalog", str(catalog), "pull", ""), 2, "pull needs a model")
    assert_one_line(modelscout("--catalog", str(catalog), "pull", "  "), 2, "pull needs a model")


def test_the_tui_without_a_terminal_says_so_instead_of_running_invisibly() -> None:
    assert_one_line(modelscout(timeout=20), 2, "needs a terminal", "modelscout list")
