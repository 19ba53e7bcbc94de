"""The TUI's first frame waits only for what it draws: the rest is imported after it, or never."""

from __future__ import annotations

import json
import subprocess
import sys

# What the first screen has no use for: the Hub client and its HTTP stack (a pull, the disk scan),
# hardware probes (detected after the first frame), numpy (the query index at a million models),
# the charts (textual-plot brings numpy), the detail view's syntax highlighting, and our own
# download machinery (the queue, jobs and transfers: made when the first pull starts).
NOT_BEFORE_THE_FIRST_FRAME = (
    "huggingface_hub",
    "httpx",
    "psutil",
    "pynvml",
    "numpy",
    "textual_plot",
    "pygments",
)
OURS_NOT_BEFORE_THE_FIRST_FRAME = ("modelscout.hub.download", "modelscout.hardware")

SCRIPT = """
import asyncio, json, sys
from modelscout.query import parse_query
from modelscout.tui.app import ModelscoutApp
from modelscout.tui.settings import Settings

app = ModelscoutApp(query=parse_query(""), settings=Settings(query=""))  # detects hardware
seen = []
display = app._display

def first_frame(screen, renderable):
    if renderable is not None and not seen:
        seen.append(sorted(sys.modules))
        app.exit()
    display(screen, renderable)

app._display = first_frame

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        while not seen:
            await asyncio.sleep(0.01)

asyncio.run(main())
print(json.dumps(seen[0]))
"""


def test_the_first_frame_imports_neither_downloads_nor_hardware_probes_nor_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    modules = json.loads(done.stdout.splitlines()[-1])
    loaded = {name.split(".")[0] for name in modules}
    assert "textual" in loaded
    assert [name for name in NOT_BEFORE_THE_FIRST_FRAME if name in loaded] == []
    ours = [name for name in modules if name.startswith(OURS_NOT_BEFORE_THE_FIRST_FRAME)]
    assert ours == []
