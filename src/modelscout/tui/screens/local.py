"""The local view: models in the Hugging Face cache with their size on disk, and deleting one
(after asking). Scans and deletes run in workers; the main table's "On disk" column follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from modelscout.display import format as fmt
from modelscout.errors import DownloadError
from modelscout.hub.download.cache import LocalRepo
from modelscout.tui.host import host
from modelscout.tui.messages import LocalDeleted, LocalScanned, Notice, WorkerNotice
from modelscout.tui.plain import plain
from modelscout.tui.screens.confirm import ConfirmScreen
from modelscout.tui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from modelscout.tui.downloads import Downloads

COLUMNS = ("Repo", "Catalogue model", "On disk", "Files", "Partial", "Revisions")


def local_cells(repo: LocalRepo, name_of: Callable[[str], str | None]) -> tuple[str, ...]:
    return (
        repo.repo_id,
        name_of(repo.repo_id) or fmt.DASH,
        fmt.size_bytes(repo.size_on_disk_bytes),
        str(repo.files),
        fmt.size_bytes(repo.partial_bytes) if repo.partial_bytes else "",
        str(len(repo.revisions)),
    )


class LocalScreen(ReportsWorkerErrors, Screen[None]):
    HELP_TITLE: ClassVar[str] = "Downloaded models"
    WORKER_TITLES: ClassVar[dict[str, str]] = {"local-delete": "Could not delete"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,l", "back", "Back"),
        Binding("x,delete", "delete", "Delete"),
        Binding("r", "rescan", "Rescan"),
    ]

    def __init__(self, name_of: Callable[[str], str | None] | None = None) -> None:
        """`name_of`: the catalogue's name for a repo id, to say which model a repo is (asked
        only for the repos on disk: the catalogue may hold a million models)."""
        super().__init__()
        self._name_of = name_of or (lambda repo_id: None)
        self.repos: tuple[LocalRepo, ...] = ()
        self.scanned = False

    @property
    def downloads(self) -> Downloads:
        return host(self.app).downloads

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#local-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Label("Downloaded models", id="local-title", markup=False)  # the cache's path
        yield DataTable(id="local-table", cursor_type="row")
        yield Static("", id="local-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.table.add_columns(*COLUMNS)
        self.table.focus()
        self.query_one("#local-title", Label).update(
            f"Downloaded models in {self.downloads.cache_dir}: scanning…"
        )
        self._scan()

    @work(thread=True, exclusive=True, group="local-scan")
    def _scan(self) -> None:
        try:
            repos = self.downloads.scan_local()
        except (DownloadError, OSError) as exc:
            self.post_message(WorkerNotice(Notice(str(exc), severity="error")))
            repos = ()
        self.post_message(LocalScanned(repos))

    def on_local_scanned(self, message: LocalScanned) -> None:
        self._show(message.repos)

    def _show(self, repos: tuple[LocalRepo, ...]) -> None:
        self.repos = repos
        self.scanned = True
        table = self.table
        row = table.cursor_row
        table.clear()
        for repo in repos:
            table.add_row(*plain(local_cells(repo, self._name_of)), key=repo.repo_id)
        if repos:
            table.move_cursor(row=min(max(row, 0), len(repos) - 1), animate=False)
        total = sum(r.size_on_disk_bytes for r in repos)
        self.query_one("#local-title", Label).update(
            f"Downloaded models in {self.downloads.cache_dir}: {len(repos)}, "
            f"{fmt.size_bytes(total)}"
        )
        self._show_detail()

    def selected(self) -> LocalRepo | None:
        if not self.repos:
            return None
        return self.repos[min(max(self.table.cursor_row, 0), len(self.repos) - 1)]

    def _show_detail(self) -> None:
        repo = self.selected()
        text = (
            f"{repo.path}  (x deletes it)"
            if repo
            else "Nothing downloaded yet: press d on a model in the catalogue."
        )
        self.query_one("#local-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_rescan(self) -> None:
        self._scan()

    def action_delete(self) -> None:
        repo = self.selected()
        if repo is None:
            return
        busy = [
            s
            for s in self.downloads.statuses()
            if s.repo_id.lower() == repo.repo_id.lower() and not s.state.finished
        ]
        if busy:
            self.notify(
                f"{repo.repo_id} is downloading: cancel it in the downloads panel (p) first",
                severity="warning",
            )
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete(repo.repo_id)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {repo.repo_id} ({fmt.size_bytes(repo.size_on_disk_bytes)}) from the cache?",
                f"Every revision and partial download under {repo.path} goes; pulling it again "
                "downloads it again.",
            ),
            answer,
        )

    @work(thread=True, group="local-delete", exit_on_error=False)
    def _delete(self, repo_id: str) -> None:
        try:
            freed = self.downloads.delete(repo_id)
        except (DownloadError, OSError) as exc:
            notice = Notice(f"could not delete {repo_id}: {exc}", severity="error")
        else:
            notice = Notice(f"Deleted {repo_id}, freed {fmt.size_bytes(freed)}")
        self.post_message(WorkerNotice(notice))
        self.post_message(LocalDeleted(repo_id))

    def on_local_deleted(self, message: LocalDeleted) -> None:
        self.downloads.rescan()
        self._scan()
