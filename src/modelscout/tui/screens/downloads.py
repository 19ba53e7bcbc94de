"""The downloads panel: every job of this session with its progress, and keys to cancel or retry.

Rows follow `Downloads.changed` (published on every job update, at most five times a second per
running job); the line under the table tells the highlighted job's error, destination or current file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from modelscout.display import format as fmt
from modelscout.hub.download.queue import JobState, JobStatus
from modelscout.tui.host import host
from modelscout.tui.plain import plain

if TYPE_CHECKING:
    from modelscout.tui.downloads import Downloads

BAR_CELLS = 12
STATE_STYLES: dict[JobState, str] = {
    JobState.QUEUED: "dim",
    JobState.RUNNING: "bold",
    JobState.DONE: "green",
    JobState.FAILED: "red",
    JobState.CANCELLED: "yellow",
}
COLUMNS = ("Model", "Variant", "State", "Progress", "Files", "Bytes", "Speed", "ETA")


def duration(seconds: float | None) -> str:
    """'42s', '3m05s', '1h12m'; a dash when unknown."""
    if seconds is None:
        return fmt.DASH
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def progress_bar(percent: float | None, cells: int = BAR_CELLS) -> str:
    if percent is None:
        return "░" * cells + "    " + fmt.DASH
    filled = int(percent / 100 * cells)
    return "█" * filled + "░" * (cells - filled) + f" {percent:3.0f}%"


def job_cells(status: JobStatus) -> tuple[str | Text, ...]:
    """The row of one job, as the table shows it."""
    p = status.progress
    running = status.state is JobState.RUNNING
    total = fmt.size_bytes(p.bytes_total) if p.bytes_total is not None else "?"
    files = f"{p.files_done}/{p.files_total}" if p.files_total else fmt.DASH
    speed = fmt.DASH
    if running and p.speed_bytes_per_s is not None:
        speed = f"{fmt.size_bytes(int(p.speed_bytes_per_s))}/s"
    return (
        status.repo_id,
        status.variant or "default",
        Text(status.state.value, style=STATE_STYLES[status.state]),
        progress_bar(p.percent),
        files,
        f"{fmt.size_bytes(p.bytes_done)} / {total}",
        speed,
        duration(p.eta_s) if running else fmt.DASH,
    )


def job_detail(status: JobStatus | None) -> str:
    """The line under the table for the highlighted job."""
    if status is None:
        return "No downloads yet: press d on a model in the catalogue to pull it."
    if status.state is JobState.FAILED:
        return f"failed: {status.error}  (r retries; it resumes)"
    if status.state is JobState.CANCELLED:
        return "cancelled; the partial download is kept: r resumes it"
    if status.state is JobState.DONE:
        return f"in {status.path}" if status.path else "done"
    if status.state is JobState.RUNNING and status.progress.current_file:
        return f"fetching {status.progress.current_file}  (c cancels)"
    return "waiting for a free slot  (c cancels)" if status.state is JobState.QUEUED else ""


class DownloadsScreen(Screen[None]):
    HELP_TITLE: ClassVar[str] = "Downloads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p", "back", "Back"),
        Binding("c,x", "cancel_job", "Cancel"),
        Binding("r", "retry_job", "Retry"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("Downloads", id="downloads-title")
        yield DataTable(id="downloads-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="downloads-detail", markup=False)
        yield Footer()

    @property
    def downloads(self) -> Downloads:
        return host(self.app).downloads

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#downloads-table", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns(*COLUMNS)
        self.downloads.changed.subscribe(self, lambda _status: self.show_jobs())
        self.show_jobs()
        self.table.focus()

    def show_jobs(self) -> None:
        table = self.table
        statuses = self.downloads.statuses()
        row = table.cursor_row
        table.clear()
        for status in statuses:
            table.add_row(*plain(job_cells(status)), key=str(status.job_id))
        if statuses:
            table.move_cursor(row=min(max(row, 0), len(statuses) - 1), animate=False)
        running = sum(1 for s in statuses if s.state is JobState.RUNNING)
        queued = sum(1 for s in statuses if s.state is JobState.QUEUED)
        self.query_one("#downloads-title", Label).update(
            f"Downloads: {running} running, {queued} queued, {len(statuses)} in all"
        )
        self._show_detail()

    def selected(self) -> JobStatus | None:
        statuses = self.downloads.statuses()
        if not statuses:
            return None
        return statuses[min(max(self.table.cursor_row, 0), len(statuses) - 1)]

    def _show_detail(self) -> None:
        self.query_one("#downloads-detail", Static).update(job_detail(self.selected()))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cancel_job(self) -> None:
        status = self.selected()
        if status is None or status.state.finished:
            self.notify("Nothing to cancel: this download has finished", severity="warning")
            return
        self.downloads.cancel(status.job_id)

    def action_retry_job(self) -> None:
        status = self.selected()
        if status is None or status.state not in (JobState.FAILED, JobState.CANCELLED):
            self.notify("Only a failed or cancelled download can be retried", severity="warning")
            return
        self.downloads.retry(status.job_id)
