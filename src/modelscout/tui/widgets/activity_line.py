"""One line above the footer saying what runs in the background: downloads and a catalogue
refresh. Hidden while nothing does, so it costs no room when idle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from modelscout.tui.downloads import job_summary
from modelscout.tui.host import host

if TYPE_CHECKING:
    from modelscout.hub.download.queue import JobStatus
    from modelscout.tui.downloads import Downloads


class ActivityLine(Static):
    def __init__(self) -> None:
        super().__init__("", id="activity-line", markup=False)
        self._downloads = ""
        self._refresh = ""

    def on_mount(self) -> None:
        downloads: Downloads | None = getattr(self.app, "downloads", None)
        if downloads is not None:
            downloads.changed.subscribe(self, self._jobs_changed)
            self._downloads = job_summary(downloads.statuses())
        self._show()

    def _jobs_changed(self, status: JobStatus) -> None:
        downloads: Downloads = host(self.app).downloads
        self._downloads = job_summary(downloads.statuses())
        self._show()

    def set_refresh(self, text: str) -> None:
        """What the catalogue refresh is doing; empty once it is over."""
        self._refresh = text
        self._show()

    @property
    def text(self) -> str:
        return "   ".join(part for part in (self._downloads, self._refresh) if part)

    def _show(self) -> None:
        text = self.text
        self.update(text)
        self.display = bool(text)
