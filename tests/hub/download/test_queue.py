"""The job queue the TUI and CLI share: states, bounded concurrency, cancel, retry, snapshots."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from modelscout.hub.download.queue import DownloadQueue, JobState, JobStatus
from modelscout.hub.env import HubEnv
from tests.hub.conftest import model_bytes, sha256_file
from tests.hub.hubserver import HubServer

MIB = 1024 * 1024
BIG = "model.safetensors"


def make_queue(server: HubServer, tmp_path: Path, max_running: int = 1) -> DownloadQueue:
    hub_env = HubEnv(endpoint=server.url, cache_dir=tmp_path / "hub")
    return DownloadQueue(max_running, hub_env=hub_env, progress_interval_s=0)


class Recorder:
    """Collects every update a job sends, and lets a test wait for one."""

    def __init__(self) -> None:
        self.updates: list[JobStatus] = []
        self._cond = threading.Condition()

    def __call__(self, status: JobStatus) -> None:
        with self._cond:
            self.updates.append(status)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float = 20.0) -> JobStatus:  # type: ignore[no-untyped-def]
        with self._cond:
            ok = self._cond.wait_for(
                lambda: any(predicate(u) for u in self.updates), timeout=timeout
            )
            assert ok, f"no update matched; states seen: {[u.state for u in self.updates]}"
            return next(u for u in self.updates if predicate(u))

    def states(self) -> list[JobState]:
        out: list[JobState] = []
        for u in self.updates:
            if not out or out[-1] is not u.state:
                out.append(u.state)
        return out


def test_job_runs_queued_running_done_with_progress(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo("org/a", {BIG: model_bytes(2 * MIB, "a"), "config.json": b"{}"})
    queue = make_queue(hub_server, tmp_path)
    seen = Recorder()
    job_id = queue.submit("org/a", on_update=seen)
    final = queue.wait(job_id, timeout=20)
    assert final.state is JobState.DONE and final.error is None
    assert seen.states() == [JobState.QUEUED, JobState.RUNNING, JobState.DONE]
    assert final.progress.bytes_done == final.progress.bytes_total == 2 * MIB + 2
    assert final.progress.files_done == 2 and final.variant == "safetensors"
    assert final.path is not None and sha256_file(final.path / BIG) == repo.files[BIG].etag
    running = [u for u in seen.updates if u.state is JobState.RUNNING and u.progress.bytes_total]
    assert running and running[-1].progress.percent is not None
    assert not queue.active()


def test_concurrency_is_bounded_and_queued_jobs_start_in_order(
    hub_server: HubServer, tmp_path: Path
) -> None:
    for name in ("org/a", "org/b", "org/c"):
        hub_server.add_repo(name, {BIG: model_bytes(2 * MIB, name)})
    release_a = hub_server.stall_after("org/a", BIG, after_bytes=MIB)
    release_b = hub_server.stall_after("org/b", BIG, after_bytes=MIB)
    queue = make_queue(hub_server, tmp_path, max_running=2)
    ids = [queue.submit(name) for name in ("org/a", "org/b", "org/c")]
    hub_server.wait_for(lambda s: s.sent("org/a", BIG) >= MIB and s.sent("org/b", BIG) >= MIB)
    states = [s.state for s in queue.jobs()]
    assert states == [JobState.RUNNING, JobState.RUNNING, JobState.QUEUED]
    assert queue.active()
    release_a.set()
    assert queue.wait(ids[0], timeout=20).state is JobState.DONE
    release_b.set()
    assert [queue.wait(i, timeout=20).state for i in ids] == [JobState.DONE] * 3


def test_cancel_running_job_then_retry_resumes(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo("org/a", {BIG: model_bytes(3 * MIB, "a")})
    release = hub_server.stall_after("org/a", BIG, after_bytes=MIB)
    queue = make_queue(hub_server, tmp_path)
    seen = Recorder()
    job_id = queue.submit("org/a", "safetensors", on_update=seen)
    seen.wait_for(lambda u: u.progress.bytes_done >= MIB)
    assert queue.cancel(job_id)
    status = queue.wait(job_id, timeout=2.0)
    assert status.state is JobState.CANCELLED and status.error is None
    assert not queue.cancel(job_id)  # already finished
    release.set()

    assert queue.retry(job_id)
    final = queue.wait(job_id, timeout=20)
    assert final.state is JobState.DONE
    ranges = [r.range for r in hub_server.file_requests(repo.files[BIG].etag)]
    assert ranges[-1] is not None and int(ranges[-1][6:-1]) >= MIB
    assert sha256_file(final.path / BIG) == repo.files[BIG].etag  # type: ignore[operator]


def test_cancel_queued_job_never_starts_it(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo("org/a", {BIG: model_bytes(2 * MIB, "a")})
    hub_server.add_repo("org/b", {BIG: model_bytes(2 * MIB, "b")})
    release = hub_server.stall_after("org/a", BIG, after_bytes=MIB)
    queue = make_queue(hub_server, tmp_path, max_running=1)
    first, second = queue.submit("org/a"), queue.submit("org/b")
    assert queue.cancel(second)
    assert queue.get(second).state is JobState.CANCELLED
    release.set()
    assert queue.wait(first, timeout=20).state is JobState.DONE
    assert queue.get(second).state is JobState.CANCELLED
    assert not [r for r in hub_server.requests if r.path.startswith("/api/models/org/b")]


def test_failure_carries_the_one_line_reason(hub_server: HubServer, tmp_path: Path) -> None:
    queue = make_queue(hub_server, tmp_path)
    status = queue.wait(queue.submit("org/missing"), timeout=20)
    assert status.state is JobState.FAILED
    assert status.error is not None and "no repo org/missing" in status.error
    assert "\n" not in status.error


def test_statuses_are_frozen_snapshots(hub_server: HubServer, tmp_path: Path) -> None:
    queue = make_queue(hub_server, tmp_path)
    job_id = queue.submit("org/missing")
    snapshot = queue.jobs()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.state = JobState.DONE  # type: ignore[misc]
    queue.wait(job_id, timeout=20)
    assert queue.jobs()[0] is not snapshot


def test_max_running_must_be_positive() -> None:
    with pytest.raises(ValueError):
        DownloadQueue(0)
