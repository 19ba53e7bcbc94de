"""A Hub look-alike and an empty HF cache for TUI tests that pull, plus waiting on app state."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from modelscout.hub.download.queue import JobStatus
from tests.hub.hubserver import HubServer
from tests.tui.helpers import ids, table

PICO = "acme/Pico-1.7B"  # the repo of the fixture catalogue's pico-1.7b rows


@pytest.fixture(name="hub")
def hub_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """A Hub on 127.0.0.1 as HF_ENDPOINT, and HF_HUB_CACHE in a temp dir (the app reads both when
    it starts)."""
    server = HubServer()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    try:
        yield server
    finally:
        server.close()


async def wait_until(
    pilot: Pilot[object], condition: Callable[[], object], timeout_s: float = 20.0
) -> None:
    """Let the app run until `condition()` holds; fail after `timeout_s` (a safety bound only)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await pilot.pause(0.02)


def select(app: object, model_id: str) -> None:
    """Put the main table's cursor on a model."""
    table(app).move_cursor(ids(app).index(model_id))  # type: ignore[arg-type]


def record_updates(app: object) -> list[JobStatus]:
    """Every job update the app receives, in order."""
    seen: list[JobStatus] = []
    downloads = app.downloads  # type: ignore[attr-defined]
    original = downloads.apply

    def recording(status: JobStatus) -> None:
        seen.append(status)
        original(status)

    downloads.apply = recording
    return seen


def record_notices(app: object) -> list[tuple[str, str]]:
    """Every (severity, message) the app notifies from now on (toasts expire; this list does not)."""
    seen: list[tuple[str, str]] = []
    original = app.notify  # type: ignore[attr-defined]

    def recording(message: str, *args: object, **kwargs: object) -> None:
        seen.append((str(kwargs.get("severity", "information")), message))
        original(message, *args, **kwargs)

    app.notify = recording  # type: ignore[attr-defined]
    return seen
