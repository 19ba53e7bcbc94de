"""One download job: a variant of one Hub repo, file by file, into the HF cache or a plain folder.

The job is UI-agnostic: the CLI drives it with a progress bar, the TUI from a worker through
`modelscout.hub.download.queue`. It reports progress through a callback, can be cancelled from any thread
(it returns within a fraction of a second; the bytes received so far stay on disk and the next attempt
continues from them), retries dropped connections with backoff, refuses to start when the disk cannot
hold the download, and refuses file names that would land outside the target folder.

Where the files land, and the locks that guard them, follow huggingface_hub exactly
(`modelscout.hub.download.placement`), so transformers, vLLM, llama.cpp and ``hf`` find them.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from modelscout.errors import DownloadError
from modelscout.hub.download.placement import Placement, unsafe_path_reason
from modelscout.hub.download.request import DownloadRequest, DownloadResult, Progress
from modelscout.hub.download.transfer import DownloadCancelled, is_git_sha1
from modelscout.hub.download.variants import (
    RepoListing,
    Variant,
    choose_variant,
    default_variant,
    list_repo_files,
    variants_for,
)
from modelscout.hub.env import hub_cache_dir
from modelscout.hub.errors import explain, is_transient

__all__ = [
    "DownloadCancelled",
    "DownloadJob",
    "DownloadRequest",
    "DownloadResult",
    "Progress",
    "free_bytes_at",
    "unsafe_path_reason",
]

T = TypeVar("T")

SPEED_WINDOW_S = 5.0


def free_bytes_at(path: Path) -> int | None:
    """Free space on the disk that holds `path` (or would, once created); None if unknowable."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def _target_dir(request: DownloadRequest) -> Path:
    if request.local_dir is not None:
        return Path(request.local_dir).expanduser()
    return hub_cache_dir(explicit=request.cache_dir)


class _RateMeter:
    """Bytes per second over the last few seconds, so a stall shows up quickly in the speed."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, transferred: int) -> float | None:
        self._samples.append((now, transferred))
        while len(self._samples) > 2 and now - self._samples[0][0] > SPEED_WINDOW_S:
            self._samples.popleft()
        t0, b0 = self._samples[0]
        if now - t0 < 0.2:
            return None
        return (transferred - b0) / (now - t0)


class DownloadJob:
    """Pull one variant of one repo. `run()` blocks (call it from a worker thread); `cancel()` may be
    called from any thread and makes `run()` raise DownloadCancelled promptly.
    """

    def __init__(
        self,
        request: DownloadRequest,
        on_progress: Callable[[Progress], None] | None = None,
        *,
        listing: RepoListing | None = None,
        retries: int = 5,
        backoff_s: float = 0.5,
        progress_interval_s: float = 0.2,
    ) -> None:
        self.request = request
        self._on_progress = on_progress
        self._listing = listing
        self._retries = retries
        self._backoff_s = backoff_s
        self._interval_s = progress_interval_s
        self._cancel = threading.Event()
        self._settled = threading.Event()
        self._outcome: DownloadResult | BaseException | None = None
        self._lock = threading.Lock()
        self._meter = _RateMeter()
        self._bytes_done = 0
        self._bytes_total: int | None = None
        self._transferred = 0
        self._files_done = 0
        self._files_total = 0
        self._current: str | None = None
        self._last_emit = 0.0
        self._speed: float | None = None
        self.variant: Variant | None = None

    # -- control -----------------------------------------------------------------------------

    def cancel(self) -> None:
        self._cancel.set()
        self._settled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> DownloadResult:
        """Download, returning once the files are in place, or raising DownloadError.

        The transfer runs in its own daemon thread so that a cancel returns here at once even while
        a socket read is blocked; that thread stops at its next block and releases its file lock.
        """
        worker = threading.Thread(target=self._work, name="modelscout-download", daemon=True)
        worker.start()
        # Wake up regularly so a Ctrl-C reaches this thread even where a blocking wait would not
        # let the signal handler run.
        while not self._settled.wait(0.2):
            pass
        if self._cancel.is_set():
            worker.join(timeout=1.0)
            if not isinstance(self._outcome, DownloadResult):
                raise DownloadCancelled(
                    f"cancelled {self.request.repo_id}; the partial download is kept and the next "
                    "pull resumes it"
                )
        outcome = self._outcome
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome is not None
        return outcome

    def progress(self) -> Progress:
        """Where the job is at this moment. `on_progress` hears of it at most every interval and not
        at all while a transfer stalls; this is exact: `bytes_done` counts a block only once the
        file on disk holds it, so it is what a cancel leaves for the next attempt to resume from.
        """
        with self._lock:
            return self._snapshot(self._speed)

    # -- the work ------------------------------------------------------------------------------

    def _work(self) -> None:
        try:
            self._outcome = self._download()
        except DownloadCancelled as exc:
            self._outcome = exc
        except DownloadError as exc:
            self._outcome = exc
        except BaseException as exc:  # anything else becomes a readable message
            self._outcome = explain(
                exc, repo_id=self.request.repo_id, endpoint=self.request.endpoint
            )
        finally:
            self._settled.set()

    def _download(self) -> DownloadResult:
        req = self.request
        started = time.monotonic()
        target = _target_dir(req)
        # The revision names a file under refs/, as huggingface_hub records it.
        revision_problem = unsafe_path_reason(req.revision) if req.revision else None
        if revision_problem is not None:
            raise DownloadError(f"--revision {req.revision!r} {revision_problem}")
        listing = self._listing or list_repo_files(
            req.repo_id,
            revision=req.revision,
            token=req.token,
            endpoint=req.endpoint,
            retries=self._retries,
            backoff_s=self._backoff_s,
        )
        self._check_stop()
        variants = variants_for(listing)
        free = free_bytes_at(target)
        variant = (
            choose_variant(variants, req.variant)
            if req.variant
            else default_variant(variants, free)
        )
        self.variant = variant
        for f in variant.files:
            reason = unsafe_path_reason(f.path)
            if reason is not None:
                raise DownloadError(
                    f"refusing to download {req.repo_id}: the Hub lists a file name that {reason} "
                    f"({f.path!r}), which could write outside {target}"
                )
        commit = listing.commit_sha
        if not commit:
            raise DownloadError(f"the Hub did not say which commit {req.repo_id} is at: try again")
        if not is_git_sha1(commit):
            # It names the snapshot folder: anything but 40 hex digits could lead out of the cache.
            raise DownloadError(
                f"refusing to download {req.repo_id}: the Hub gave {commit!r} as its commit, "
                "which is not a git commit hash"
            )
        placer = Placement(req, listing.repo_id, commit, target)
        present = sum(placer.bytes_present(f) for f in variant.files)
        needed = (variant.size_bytes - present) if variant.size_bytes is not None else None
        if needed is not None and free is not None and needed > free:
            from modelscout.display import format as fmt

            raise DownloadError(
                f"{req.repo_id} ({variant.name}) needs {fmt.size_bytes(needed)} more but only "
                f"{fmt.size_bytes(free)} is free at {target}: free some space, pick a smaller "
                "variant (--variant), or pull to another disk with --local-dir"
            )
        with self._lock:
            self._files_total = len(variant.files)
            self._bytes_total = variant.size_bytes
            self._bytes_done = present
        self._emit(force=True)
        for f in variant.files:
            self._check_stop()
            with self._lock:
                self._current = f.path
            fetch = partial(placer.fetch, f, stop=self._cancel.is_set, on_bytes=self._on_bytes)
            self._retrying(fetch, path=f.path)
            with self._lock:
                self._files_done += 1
            self._emit(force=True)
        placer.finish()
        with self._lock:
            self._current = None
        self._emit(force=True)
        return DownloadResult(
            repo_id=listing.repo_id,
            variant=variant.name,
            commit_sha=commit,
            path=placer.root,
            files=tuple(f.path for f in variant.files),
            size_bytes=variant.size_bytes or self._bytes_done,
            transferred_bytes=self._transferred,
            elapsed_s=time.monotonic() - started,
        )

    def _retrying(self, action: Callable[[], T], path: str | None = None) -> T:
        """Run `action`, retrying dropped connections and the Hub's 5xx with exponential backoff;
        every retry of a transfer resumes from the bytes already on disk.
        """
        failures = 0
        while True:
            before = self._transferred
            try:
                return action()
            except DownloadError:
                raise
            except Exception as exc:
                if self._transferred > before:
                    failures = 0  # it made progress: this is a new drop, not the same one again
                failures += 1
                if not is_transient(exc) or failures > self._retries:
                    raise explain(
                        exc, repo_id=self.request.repo_id, endpoint=self.request.endpoint, path=path
                    ) from None
                delay = min(self._backoff_s * 2 ** (failures - 1), 30.0)
                if self._cancel.wait(delay):
                    raise DownloadCancelled("cancelled") from None

    def _check_stop(self) -> None:
        if self._cancel.is_set():
            raise DownloadCancelled("cancelled")

    # -- progress ------------------------------------------------------------------------------

    def _on_bytes(self, count: int) -> None:
        with self._lock:
            self._bytes_done += count
            self._transferred += count
        self._emit()

    def _emit(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_emit < self._interval_s:
            return
        self._last_emit = now
        with self._lock:
            speed = self._meter.add(now, self._transferred)
            if speed is not None:
                self._speed = speed
            snapshot = self._snapshot(self._speed)
        if self._on_progress is not None:
            self._on_progress(snapshot)

    def _snapshot(self, speed: float | None) -> Progress:
        eta = None
        if speed and self._bytes_total is not None:
            eta = max(0.0, (self._bytes_total - self._bytes_done) / speed)
        return Progress(
            bytes_done=self._bytes_done,
            bytes_total=self._bytes_total,
            files_done=self._files_done,
            files_total=self._files_total,
            speed_bytes_per_s=speed,
            eta_s=eta,
            current_file=self._current,
        )
