"""The download queue seen from the UI: job updates as Textual messages, the pull behind `d`, and
what is already on disk.

`modelscout.hub.download.queue.DownloadQueue` runs each job on its own thread and calls back from there.
`Downloads` posts every update to the app as a `JobUpdated` message (thread-safe and never blocking
a download); the app hands it to `apply` on the UI thread, which keeps the latest status of each job,
announces state changes as notifications and publishes `changed` for what shows jobs.
Its workers (listing a pull's repos, scanning the cache) report the same way, by the messages of
`modelscout.tui.messages`, which the app hands back to `listed`, `not_listed` and `set_on_disk`.
`on_disk` holds the size of every repo in the Hugging Face cache and `disk_changed` tells the main
table to redraw its "On disk" column.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.signal import Signal

from modelscout.catalog.model import Model
from modelscout.display import format as fmt
from modelscout.errors import DownloadError
from modelscout.hub.env import HubEnv
from modelscout.tui.messages import (
    CacheScanned,
    JobUpdated,
    Notice,
    PullListed,
    PullNotListed,
    WorkerNotice,
)

if TYPE_CHECKING:
    # At run time each is imported where it is used: the download modules bring the whole
    # transfer stack (hashing, the job threads' queue, file placement), about a twentieth of the
    # work before the TUI's first frame, which never needs them.
    from textual.app import App

    from modelscout.fit.context import FitContext
    from modelscout.hub.download.cache import LocalRepo
    from modelscout.hub.download.offer import Choice, Offer
    from modelscout.hub.download.queue import DownloadQueue, JobStatus
    from modelscout.hub.download.variants import RepoListing, Variant

# The main screen's keys that reach the Hub; they get their own section in the help screen.
DOWNLOAD_BINDINGS: list[BindingType] = [
    Binding("d", "pull", "Pull", show=False, tooltip="Download the model (its default variant)"),
    Binding(
        "D",
        "pull_variant",
        "Pull variant",
        show=False,
        tooltip="Download the model: choose the variant (safetensors or a GGUF quantisation)",
    ),
    Binding("p", "downloads", "Downloads", show=False, tooltip="Show downloads: progress, cancel"),
    Binding("l", "local", "Local", show=False, tooltip="Show downloaded models; delete them"),
    Binding(
        "ctrl+r",
        "refresh_catalog",
        "Refresh catalogue",
        show=False,
        tooltip="Refresh catalogue from the Hub",
    ),
]


def runs_here(model: Model, fit: FitContext | None, variant: Variant) -> str | None:
    """The fit engine's verdict for the precision a variant holds ("GPU", "CPU", "no"), when the fit
    offers per-quantisation rows (`modelscout.fit.estimate.FitContext.model_fit`)."""
    from modelscout.hub.download.variants import ALL, GGUF_PREFIX

    if fit is None or variant.name == ALL:
        return None
    rows = fit.model_fit(model).rows
    if variant.name.startswith(GGUF_PREFIX):
        quant = variant.name.removeprefix(GGUF_PREFIX).removeprefix("UD-")
        if quant in ("BF16", "F16"):
            quant = "F16/BF16"
        row = next((r for r in rows if r.quant == quant), None)
    else:
        row = rows[0] if rows else None  # safetensors: the weights at their native precision
    return None if row is None else str(row.verdict.short)


def job_summary(jobs: Sequence[JobStatus]) -> str:
    """One line for the main screen: the running jobs with their percent and speed, then counts."""
    if not jobs:
        return ""
    from modelscout.hub.download.queue import JobState

    parts = []
    for job in jobs:
        if job.state is not JobState.RUNNING:
            continue
        name = job.repo_id.rsplit("/", 1)[-1]
        percent = job.progress.percent
        text = f"{name} {percent:.0f}%" if percent is not None else f"{name} starting"
        if job.progress.speed_bytes_per_s:
            text += f" {fmt.size_bytes(int(job.progress.speed_bytes_per_s))}/s"
        parts.append(text)
    queued = sum(1 for j in jobs if j.state is JobState.QUEUED)
    if queued:
        parts.append(f"{queued} queued")
    if not parts:
        return ""
    return "↓ " + " · ".join(parts) + "   (p: downloads)"


class Downloads:
    """The app's download queue, seen from the UI thread; see the module docstring."""

    def __init__(
        self,
        app: App[Any],
        *,
        hub_env: HubEnv | None = None,
        max_running: int | None = None,  # DownloadQueue's default
    ) -> None:
        self.app = app
        self.hub_env = hub_env or HubEnv.from_environ()
        self.cache_dir = self.hub_env.cache_dir
        self._max_running = max_running
        self._queue: DownloadQueue | None = None
        self.jobs: dict[int, JobStatus] = {}
        # Pulls whose listing failed stay in the panel under ids of their own (below zero, so
        # they never meet a queue job's), with what `r` runs to try again.
        self._entry_ids = itertools.count(-1, -1)
        self._prepare_again: dict[int, Callable[[], None]] = {}
        self.on_disk: dict[str, int] = {}  # lower-case repo id -> bytes, partial files included
        self.partial: frozenset[str] = frozenset()  # repos holding an unfinished download
        self.changed: Signal[JobStatus] = Signal(app, "downloads-changed")
        self.disk_changed: Signal[None] = Signal(app, "downloads-disk-changed")

    # -- jobs --------------------------------------------------------------------------------

    @property
    def queue(self) -> DownloadQueue:
        """The queue, made on first use (from the UI thread, as every caller here is)."""
        if self._queue is None:
            from modelscout.hub.download.queue import DEFAULT_MAX_RUNNING, DownloadQueue

            running = DEFAULT_MAX_RUNNING if self._max_running is None else self._max_running
            self._queue = DownloadQueue(running, hub_env=self.hub_env)
        return self._queue

    def statuses(self) -> list[JobStatus]:
        """Every job, and every pull whose preparation failed, oldest first."""
        return sorted(self.jobs.values(), key=lambda s: (s.submitted_at, s.job_id))

    def active(self) -> bool:
        return self._queue is not None and self._queue.active()

    def cancel(self, job_id: int) -> bool:
        return self.queue.cancel(job_id)

    def retry(self, job_id: int) -> bool:
        """Queue a failed or cancelled job again, or prepare a pull again whose listing failed."""
        again = self._prepare_again.pop(job_id, None)
        if again is None:
            return self.queue.retry(job_id)
        from modelscout.hub.download.queue import JobState

        status = replace(self.jobs[job_id], state=JobState.QUEUED, error=None, finished_at=None)
        self.jobs[job_id] = status
        self.changed.publish(status)
        again()
        return True

    def cancel_all(self) -> None:
        if self._queue is not None:
            self._queue.cancel_all()

    def submit(
        self, repo_id: str, variant: str | None, listing: RepoListing | None = None
    ) -> int | None:
        """Queue a pull, unless the same one is already queued or running; `listing` is the
        repo's file list when the offer has just fetched it (the job then lists nothing)."""
        for status in self.jobs.values():
            same = status.repo_id.lower() == repo_id.lower() and status.variant == variant
            if same and not status.state.finished:
                self.app.notify(f"{repo_id} is already downloading (p shows it)")
                return None
        return self.queue.submit(repo_id, variant, on_update=self._forward, listing=listing)

    def _forward(self, status: JobStatus) -> None:
        """Called on a download thread: hand the update to the UI thread without waiting for it."""
        self._post(JobUpdated(status))

    def _post(self, message: Message) -> None:
        """Send the app a message from another thread; it never waits for the UI thread."""
        with suppress(RuntimeError):  # the app has closed
            self.app.post_message(message)

    def apply(self, status: JobStatus) -> None:
        """Take a job update on the UI thread (the app's `JobUpdated` handler calls this)."""
        from modelscout.hub.download.queue import JobState

        previous = self.jobs.get(status.job_id)
        if previous is not None and previous.state.finished and status.state is JobState.RUNNING:
            return  # a progress report that raced the cancel; a retry goes through QUEUED first
        self.jobs[status.job_id] = status
        if previous is None or previous.state is not status.state:
            self._announce(status)
        self.changed.publish(status)

    def _announce(self, status: JobStatus) -> None:
        from modelscout.hub.download.queue import JobState

        name = status.repo_id
        if status.state is JobState.DONE:
            size = fmt.size_bytes(status.progress.bytes_total or status.progress.bytes_done)
            self.app.notify(f"{name} ({status.variant}, {size}) is downloaded", title="Downloaded")
        elif status.state is JobState.FAILED:
            self.app.notify(
                status.error or "unknown error",
                title=f"Download of {name} failed",
                severity="error",
                timeout=12,
            )
        elif status.state is JobState.CANCELLED:
            self.app.notify(f"Cancelled {name}; the partial download is kept and r resumes it")
        if status.state.finished:
            self.rescan()

    # -- pulling a model ---------------------------------------------------------------------

    def pull(
        self,
        model: Model | None,
        *,
        fit: FitContext | None = None,
        pick: Callable[[Offer], None] | None = None,
        entry: int | None = None,
    ) -> None:
        """Start pulling `model`: list its repos in a worker, then submit the default variant, or
        hand the offer to `pick` (the variant picker), which submits with `start`. `entry` is the
        panel entry of an earlier attempt whose preparation failed (`r` tries again)."""
        if model is None:
            return
        repo = model.repo_id or model.gguf_repo_id
        if repo is None:
            self.app.notify(
                f"{model.name} cannot be pulled: the catalogue has no Hugging Face repo for it",
                severity="warning",
            )
            return
        self.app.notify(f"Listing {repo} on the Hub…", timeout=2)
        self.app.run_worker(
            partial(self._prepare, model, fit, pick, entry),
            thread=True,
            group="pull",
            name=f"list {repo}",
            exit_on_error=False,
        )

    def offer_for(self, model: Model, fit: FitContext | None) -> Offer:
        """List the model's repos and what the cache holds of them (blocking: call from a worker)."""
        from modelscout.hub.download.offer import fetch_offer

        repo = model.repo_id or model.gguf_repo_id
        assert repo is not None
        gguf_repo = model.gguf_repo_id if model.repo_id else None
        return fetch_offer(
            model.name, repo, gguf_repo, self.hub_env, runs_here=partial(runs_here, model, fit)
        )

    def _prepare(
        self,
        model: Model,
        fit: FitContext | None,
        pick: Callable[[Offer], None] | None,
        entry: int | None,
    ) -> None:
        try:
            offer = self.offer_for(model, fit)
        except DownloadError as exc:
            self._post(PullNotListed(model, fit, pick, entry, str(exc)))
            return
        self._post(PullListed(offer, pick, entry))

    def listed(self, message: PullListed) -> None:
        """Start the listed pull, or let the picker choose (UI thread: the app's handler)."""
        offer, entry = message.offer, message.entry
        gone = self.jobs.pop(entry, None) if entry is not None else None
        if gone is not None:  # the real job takes the entry's place in the panel
            self.changed.publish(gone)
        if message.pick is not None:
            message.pick(offer)
        else:
            self.start(offer, offer.default)

    def not_listed(self, message: PullNotListed) -> None:
        """Say why the pull could not start, and keep it in the panel, where `r` tries again (UI
        thread: the app's handler)."""
        from modelscout.hub.download.queue import JobState, JobStatus
        from modelscout.hub.download.request import Progress

        model, pick = message.model, message.pick
        self.app.notify(message.error, title="Cannot pull", severity="error", timeout=12)
        job_id = message.entry if message.entry is not None else next(self._entry_ids)
        earlier = self.jobs.get(job_id)
        now = time.time()
        status = JobStatus(
            job_id=job_id,
            repo_id=model.repo_id or model.gguf_repo_id or model.name,
            variant=None if pick is None else "to choose",
            state=JobState.FAILED,
            progress=Progress(bytes_done=0, bytes_total=None, files_done=0, files_total=0),
            error=message.error,
            submitted_at=earlier.submitted_at if earlier is not None else now,
            finished_at=now,
        )
        self.jobs[job_id] = status
        self._prepare_again[job_id] = partial(
            self.pull, model, fit=message.fit, pick=pick, entry=job_id
        )
        self.changed.publish(status)

    def start(self, offer: Offer, choice: Choice) -> int | None:
        """Submit `choice` unless the disk cannot hold it (UI thread)."""
        refusal = offer.refusal(choice)
        if refusal is not None:
            self.app.notify(refusal, title="Not enough disk space", severity="error", timeout=12)
            return None
        job_id = self.submit(choice.repo_id, choice.variant.name, offer.listing_for(choice))
        if job_id is not None:
            size = fmt.size_bytes(choice.variant.size_bytes)
            self.app.notify(f"Pulling {choice.repo_id} ({choice.variant.name}, {size}); p shows it")
        return job_id

    # -- what is on disk ---------------------------------------------------------------------

    def scan_local(self) -> tuple[LocalRepo, ...]:
        """The cache's model repos (blocking: call from a worker)."""
        if not self.cache_dir.is_dir():  # nothing downloaded yet: no need to load the Hub client
            return ()
        from modelscout.hub.download.cache import scan_local

        return scan_local(self.cache_dir)

    def delete(self, repo_id: str) -> int:
        """Delete a repo from the cache and return the bytes freed (blocking: call from a worker)."""
        from modelscout.hub.download.cache import delete_repo

        return delete_repo(repo_id, self.cache_dir)

    def rescan(self) -> None:
        """Refresh `on_disk` in a worker, then publish `disk_changed`."""
        self.app.run_worker(self._rescan, thread=True, group="disk-scan", exclusive=True)

    def _rescan(self) -> None:
        try:
            repos = [r for r in self.scan_local() if r.files or r.partial_bytes]
        except (DownloadError, OSError) as exc:
            notice = Notice(f"cannot scan the download cache: {exc}", severity="warning")
            self._post(WorkerNotice(notice))
            return
        sizes = {r.repo_id.lower(): r.size_on_disk_bytes + r.partial_bytes for r in repos}
        partial = frozenset(r.repo_id.lower() for r in repos if r.partial_bytes)
        self._post(CacheScanned(sizes, partial))

    def set_on_disk(self, sizes: dict[str, int], partial: frozenset[str]) -> None:
        """Take a scan of the cache (UI thread: the app's handler); redraw only what changed."""
        if (sizes, partial) != (self.on_disk, self.partial):
            self.on_disk = sizes
            self.partial = partial
            self.disk_changed.publish(None)
