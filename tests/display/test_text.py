"""Terminal escape sequences from the catalogue or the Hub never reach the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelscout.catalog import SCHEMA_VERSION
from modelscout.display.text import shown
from tests.catalog.factory import entry

OSC_TITLE = "\x1b]0;owned\x07"  # sets the window title
OSC_CLIPBOARD = "\x1b]52;c;ZWNobyBvd25lZA==\x07"  # writes the clipboard
CSI_8BIT = "\x9b2J"  # clears the screen on terminals that take 8-bit C1 controls
HOSTILE = OSC_TITLE + OSC_CLIPBOARD + CSI_8BIT + "\u202e"


def raw_controls(text: str) -> list[str]:
    return sorted({c for c in text if c not in "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)})


def hostile_catalog(path: Path) -> Path:
    model = entry(
        id="evil-7b",
        name=f"Evil{HOSTILE} 7B",
        creator=f"Evil{OSC_TITLE}Labs",
        repo_id=f"evil/Evil{OSC_CLIPBOARD}-7B",
        license=f"mit{CSI_8BIT}",
        notes=f"line one{OSC_TITLE}\nline two",
        sources=[{"kind": "hub", "ref": f"https://hub{OSC_TITLE}/x", "says": {"license": HOSTILE}}],
    )
    twin = {**model, "id": "evil-8b", "name": f"Evil{OSC_CLIPBOARD} 8B", "repo_id": "evil/Evil-8B"}
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "models": [model, twin]}))
    return path


def test_control_characters_become_visible_escapes() -> None:
    assert shown("Qwen3 8B") == "Qwen3 8B"
    assert shown(OSC_TITLE) == "\\x1b]0;owned\\x07"
    assert shown(CSI_8BIT) == "\\x9b2J"
    assert shown("a\tb\nc") == "a b c"
    assert shown("\u202eevil") == "\\u202eevil"
    assert shown("日本語 · ◆ – é") == "日本語 · ◆ – é"


@given(st.text())
def test_nothing_shown_acts_on_the_terminal(text: str) -> None:
    assert raw_controls(shown(text)) == []


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "evil"], ["show", "evil-7b"], ["compare", "evil-7b", "evil-8b"]],
)
def test_list_and_show_write_no_escape_sequence(tmp_path: Path, argv: list[str]) -> None:
    catalog = hostile_catalog(tmp_path / "evil.json")
    result = subprocess.run(
        [sys.executable, "-m", "modelscout", "--catalog", str(catalog), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout) == [] and raw_controls(result.stderr) == []
    if argv[0] == "show":
        assert "\\x1b]0;owned\\x07" in result.stdout  # shown, not acted on


def test_an_error_quoting_a_hostile_id_writes_no_escape_sequence(tmp_path: Path) -> None:
    catalog = hostile_catalog(tmp_path / "evil.json")
    result = subprocess.run(
        [sys.executable, "-m", "modelscout", "--catalog", str(catalog), "show", f"x{OSC_TITLE}"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert raw_controls(result.stderr) == []
