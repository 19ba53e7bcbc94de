"""A value asked for by several threads at once is built once; the others wait for it."""

from __future__ import annotations

import threading

from modelscout.query.build_once import BuildOnce


def test_threads_asking_together_share_one_build() -> None:
    values: BuildOnce[list[int]] = BuildOnce()
    builds: list[int] = []
    building = threading.Event()
    release = threading.Event()
    ready = threading.Barrier(8 + 1)
    got: list[list[int]] = []

    def build() -> list[int]:
        builds.append(1)
        building.set()
        release.wait(timeout=10)  # hold the build until every thread has asked
        return [1, 2, 3]

    def ask() -> None:
        ready.wait(timeout=10)
        got.append(values.get("text", build))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=10)
    building.wait(timeout=10)  # the first build has begun; the rest are at the lock or past it
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(builds) == 1
    assert len(got) == 8 and all(value is got[0] for value in got)
    assert "text" in values and "other" not in values


def test_other_keys_build_side_by_side() -> None:
    values: BuildOnce[str] = BuildOnce()
    inside = threading.Event()
    release = threading.Event()

    def slow() -> str:
        inside.set()
        release.wait(timeout=10)
        return "slow"

    worker = threading.Thread(target=lambda: values.get("a", slow))
    worker.start()
    inside.wait(timeout=10)
    assert values.get("b", lambda: "quick") == "quick"  # not held up by the build of "a"
    release.set()
    worker.join(timeout=10)
    assert values.get("a", lambda: "again") == "slow"
