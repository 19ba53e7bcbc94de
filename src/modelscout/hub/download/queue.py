"""A queue of download jobs with a bound on how many run at once, shared by the TUI and the CLI.

Usage (from any thread; nothing here touches a UI)::

    queue = DownloadQueue(max_running=2)
    job_id = queue.submit("Qwen/Qwen3-0.6B", "gguf:Q4_K_M", on_update=callback)
    queue.cancel(job_id)            # stops within a fraction of a second, keeps the partial data
    queue.retry(job_id)             # queues it again; it resumes from that partial data
    queue.progress(job_id)          # exact, now: the bytes on disk (updates are throttled)
    for status in queue.jobs():     # frozen JobStatus snapshots, oldest first
        ...

`on_update(status)` is called from a download thread (never the caller's) each time a job changes:
its state, or its progress at most every 0.2 s. A Textual app forwards it with `call_from_thread`.
Jobs move queued -> running -> done | failed | cancelled; a failed or cancelled job can be retried.

What a UI needs around it, all UI-free:

- the variant menu: `variants.list_repo_files(repo_id)` (blocking: call it in a worker), then
  `variants.variants_for(listing)`, `variants.default_variant(variants, free)` with
  `download.free_bytes_at(path)`, and `Variant.fits(free)` for the "fits here" column;
- quitting: when `queue.active()`, ask first, then `queue.cancel_all()` (partial data is kept);
- rows already on disk: `local.downloaded_sizes()`; the local view: `local.scan_local()` and,
  after asking, `local.delete_repo(repo_id)`.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from pathlib import Path

from modelscout.errors import DownloadError
from modelscout.hub.download.job import (
    DownloadCancelled,
    DownloadJob,
    DownloadRequest,
    DownloadResult,
    Progress,
)
from modelscout.hub.download.request import request_in
from modelscout.hub.download.variants import RepoListing
from modelscout.hub.env import HubEnv

DEFAULT_MAX_RUNNING = 2


class JobState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    CANCELLED = "cancelled"
    FAILED = "failed"
    DONE = "done"

    @property
    def finished(self) -> bool:
        return self in (JobState.CANCELLED, JobState.FAILED, JobState.DONE)


@dataclass(frozen=True)
class JobStatus:
    """One job as the downloads panel shows it. `error` is a one-line, actionable message when
    `state` is FAILED; `path` is where the files are once DONE.
    """

    job_id: int
    repo_id: str
    variant: str | None
    state: JobState
    progress: Progress
    error: str | None = None
    path: Path | None = None
    submitted_at: float = 0.0
    finished_at: float | None = None


UpdateCallback = Callable[[JobStatus], None]


class DownloadQueue:
    """Thread-safe job queue; `max_running` jobs download at once, the rest wait in order."""

    def __init__(
        self,
        max_running: int = DEFAULT_MAX_RUNNING,
        *,
        hub_env: HubEnv | None = None,
        progress_interval_s: float = 0.2,
    ) -> None:
        """`hub_env` (default: read from the environment now) is where every job pulls from and to."""
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self.max_running = max_running
        self.hub_env = hub_env or HubEnv.from_environ()
        self._interval_s = progress_interval_s
        self._defaults = request_in(self.hub_env, "")
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._status: dict[int, JobStatus] = {}
        self._requests: dict[int, DownloadRequest] = {}
        self._listings: dict[int, RepoListing] = {}
        self._callbacks: dict[int, UpdateCallback | None] = {}
        self._running: dict[int, DownloadJob] = {}
        self._waiting: list[int] = []
        self._finished = threading.Condition(self._lock)

    def submit(
        self,
        repo_id: str,
        variant: str | None = None,
        on_update: UpdateCallback | None = None,
        *,
        local_dir: Path | None = None,
        revision: str | None = None,
        listing: RepoListing | None = None,
    ) -> int:
        """Queue a download and return its job id; `variant` None means the repo's default.

        `listing` is the repo's file list when the caller has just fetched it (the offer has), so
        the job does not ask the Hub again; a retry lists afresh, since the repo may have moved on.
        """
        request = replace(
            self._defaults,
            repo_id=repo_id,
            variant=variant,
            local_dir=local_dir,
            revision=revision,
        )
        with self._lock:
            job_id = next(self._ids)
            self._requests[job_id] = request
            if listing is not None:
                self._listings[job_id] = listing
            self._callbacks[job_id] = on_update
            self._status[job_id] = JobStatus(
                job_id=job_id,
                repo_id=repo_id,
                variant=variant,
                state=JobState.QUEUED,
                progress=Progress(bytes_done=0, bytes_total=None, files_done=0, files_total=0),
                submitted_at=time.time(),
            )
            self._waiting.append(job_id)
            status = self._status[job_id]
        self._notify(job_id, status)
        self._start_waiting()
        return job_id

    def cancel(self, job_id: int) -> bool:
        """Stop a queued or running job; False when it had already finished or is unknown."""
        with self._lock:
            status = self._status.get(job_id)
            if status is None or status.state.finished:
                return False
            if job_id in self._waiting:
                self._waiting.remove(job_id)
                status = self._set(job_id, state=JobState.CANCELLED, finished_at=time.time())
                self._finished.notify_all()
                job = None
            else:
                job = self._running.get(job_id)
        if job is not None:
            job.cancel()
        else:
            self._notify(job_id, status)
        return True

    def retry(self, job_id: int) -> bool:
        """Queue a failed or cancelled job again; it resumes from the data already on disk."""
        with self._lock:
            status = self._status.get(job_id)
            if status is None or status.state not in (JobState.FAILED, JobState.CANCELLED):
                return False
            status = self._set(job_id, state=JobState.QUEUED, error=None, finished_at=None)
            self._listings.pop(job_id, None)
            self._waiting.append(job_id)
        self._notify(job_id, status)
        self._start_waiting()
        return True

    def jobs(self) -> list[JobStatus]:
        """Every job, oldest first, as frozen snapshots."""
        with self._lock:
            return [self._status[k] for k in sorted(self._status)]

    def get(self, job_id: int) -> JobStatus:
        with self._lock:
            return self._status[job_id]

    def progress(self, job_id: int) -> Progress:
        """A job's progress now, asked of the running job itself rather than taken from its last
        update: updates are throttled and stop while a transfer stalls, and this counts every byte
        already on disk (`DownloadJob.progress`)."""
        with self._lock:
            job = self._running.get(job_id)
            status = self._status[job_id]
        return job.progress() if job is not None else status.progress

    def active(self) -> bool:
        """Whether any job is queued or running (the TUI asks before quitting while this is true)."""
        with self._lock:
            return any(not s.state.finished for s in self._status.values())

    def wait(self, job_id: int, timeout: float | None = None) -> JobStatus:
        """Block until the job has finished (or `timeout` passes) and return its status."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._finished:
            while not self._status[job_id].state.finished:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._finished.wait(remaining)
            return self._status[job_id]

    def cancel_all(self) -> None:
        with self._lock:
            ids = [k for k, s in self._status.items() if not s.state.finished]
        for job_id in ids:
            self.cancel(job_id)

    # -- internals ---------------------------------------------------------------------------

    def _set(self, job_id: int, **changes: object) -> JobStatus:
        status = replace(self._status[job_id], **changes)  # type: ignore[arg-type]
        self._status[job_id] = status
        return status

    def _notify(self, job_id: int, status: JobStatus) -> None:
        callback = self._callbacks.get(job_id)
        if callback is not None:
            callback(status)

    def _start_waiting(self) -> None:
        started: list[tuple[int, DownloadJob, JobStatus]] = []
        with self._lock:
            while self._waiting and len(self._running) < self.max_running:
                job_id = self._waiting.pop(0)
                job = DownloadJob(
                    self._requests[job_id],
                    on_progress=partial(self._progress, job_id),
                    listing=self._listings.pop(job_id, None),
                    progress_interval_s=self._interval_s,
                )
                self._running[job_id] = job
                status = self._set(job_id, state=JobState.RUNNING)
                started.append((job_id, job, status))
        for job_id, job, status in started:
            self._notify(job_id, status)
            thread = threading.Thread(
                target=self._run, args=(job_id, job), name=f"download-{job_id}", daemon=True
            )
            thread.start()

    def _progress(self, job_id: int, progress: Progress) -> None:
        with self._lock:
            if self._status[job_id].state is not JobState.RUNNING:
                return
            status = self._set(job_id, progress=progress)
        self._notify(job_id, status)

    def _run(self, job_id: int, job: DownloadJob) -> None:
        result: DownloadResult | None = None
        error: str | None = None
        state = JobState.DONE
        try:
            result = job.run()
        except DownloadCancelled:
            state = JobState.CANCELLED
        except DownloadError as exc:
            state, error = JobState.FAILED, str(exc)
        except Exception as exc:  # a bug must not leave the job "running" forever
            state, error = JobState.FAILED, f"{type(exc).__name__}: {exc}"
        with self._lock:
            self._running.pop(job_id, None)
            status = self._set(
                job_id,
                state=state,
                error=error,
                progress=job.progress(),
                path=result.path if result is not None else None,
                variant=job.variant.name
                if job.variant is not None
                else self._status[job_id].variant,
                finished_at=time.time(),
            )
            self._finished.notify_all()
        self._notify(job_id, status)
        self._start_waiting()
