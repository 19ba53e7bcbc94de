"""One place where a failed background worker becomes something the user sees.

Workers run with `exit_on_error=False` and simply raise; the node that started them gets Textual's
`Worker.StateChanged` and this mixin turns an error into one notification titled by the worker's
group, or hands it to `worker_failed` where the screen has more to do (the empty table says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from modelscout.tui.messages import WorkerNotice, error_text


class ReportsWorkerErrors:
    """Mixed into a Screen, a Widget or the App (each has `notify`)."""

    # Notification titles by worker group; a group not listed gets "Something failed".
    WORKER_TITLES: ClassVar[dict[str, str]] = {}

    if TYPE_CHECKING:

        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            markup: bool = True,
        ) -> None: ...

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            worker = event.worker
            self.worker_failed(worker.group, error_text(worker.error))

    def worker_failed(self, group: str, message: str) -> None:
        title = self.WORKER_TITLES.get(group, "Something failed")
        self.notify(message, title=title, severity="error", timeout=12)

    def on_worker_notice(self, message: WorkerNotice) -> None:
        notice = message.notice
        self.notify(
            notice.text, title=notice.title, severity=notice.severity, timeout=notice.timeout
        )
