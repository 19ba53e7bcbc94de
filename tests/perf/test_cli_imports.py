"""`modelscout list --json` is the scripting path: it must start without the TUI's heavy modules."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "rich", "huggingface_hub")

SCRIPT = """
import io, json, sys
from contextlib import redirect_stdout
from modelscout.cli import main
out = io.StringIO()
with redirect_stdout(out):
    status = main(["list", "--json", "tier:tiny", "sort:-intelligence"])
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"status": status, "rows": len(json.loads(out.getvalue())), "loaded": loaded}))
"""


def test_list_json_never_imports_textual_rich_or_the_hub_client() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["status"] == 0 and report["rows"] > 0
    assert "modelscout" in report["loaded"]
    assert [name for name in HEAVY if name in report["loaded"]] == []
