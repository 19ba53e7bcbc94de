"""`modelscout list --json` is the scripting path: it must start without the TUI's heavy modules."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "rich", "huggingface_hub")
# Nor what a listing of the bundled catalogue has no use for: each was once imported by every
# run (numpy is for the query index at a million models; platformdirs and hashlib cost a tenth
# of the run between them before the cache folder and the copy's key did without them).
UNUSED = ("numpy", "httpx", "psutil", "pynvml", "platformdirs", "hashlib")

SCRIPT = """
import io, sys
from contextlib import redirect_stdout
from modelscout.cli import main
out = io.StringIO()
with redirect_stdout(out):
    status = main(sys.argv[1:])
loaded = sorted(sys.modules)  # before this script's own json
import json
print(json.dumps({"status": status, "rows": len(json.loads(out.getvalue())), "loaded": loaded}))
"""


def loaded_by(*argv: str) -> tuple[int, set[str]]:
    """The rows printed and the modules imported by one `modelscout ARGV` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["status"] == 0
    return report["rows"], set(report["loaded"])


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_list_json_never_imports_textual_rich_or_the_hub_client() -> None:
    rows, loaded = loaded_by("list", "--json", "tier:tiny", "sort:-intelligence")
    assert rows > 0
    assert "modelscout" in packages(loaded)
    assert [name for name in HEAVY if name in packages(loaded)] == []


def test_list_json_of_the_bundled_catalogue_imports_only_what_it_uses() -> None:
    # The second run reads the decoded copy the first wrote (the tests' own cache folder).
    loaded_by("list", "--json")
    rows, loaded = loaded_by("list", "--json")
    assert rows > 80
    assert [name for name in (*HEAVY, *UNUSED) if name in packages(loaded)] == []
    # Written from the copy's texts: nothing to parse, answer or decode as JSON.
    assert [name for name in ("modelscout.query", "json") if name in loaded] == []
