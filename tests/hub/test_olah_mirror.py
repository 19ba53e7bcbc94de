"""Interoperability with a Hub mirror we did not write: olah serving a local git repo offline.

olah (PyPI) is not a project dependency: it pins versions the app's own dependencies outgrow
(psutil < 6), so it lives in a virtual environment of its own. MODELSCOUT_OLAH_CLI names its
olah-cli (CI's .ci/run installs one); without it the first test to need olah creates
`.venv-olah/` at the repository root and installs it there once (about 30 s), so the README's one
test command runs these everywhere. They are never skipped.

olah lists files without sizes in model info and ignores Range on local mirrors, so these also
check the size fallback and a resume against a Range-ignoring server; the mirror holds an empty
file, which every pull of such a repo used to fail on.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelscout.hub.download.job import DownloadJob, DownloadRequest
from tests.hub.conftest import model_bytes, sha256_file

REPO_ROOT = Path(__file__).resolve().parents[2]
OLAH_VENV = REPO_ROOT / ".venv-olah"
OLAH_VERSION = "0.5.4"  # the release these tests were written against

WEIGHTS = model_bytes(3 * 1024 * 1024, "olah")
WEIGHTS_SHA = hashlib.sha256(WEIGHTS).hexdigest()


def make_mirror(root: Path) -> None:
    """A git repo as olah expects under mirrors/models/org/tiny, weights stored as a git-lfs object."""
    repo = root / "mirrors" / "models" / "org" / "tiny"
    repo.mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    (repo / "config.json").write_text('{"model_type": "llama"}\n')
    (repo / "empty.json").write_text("")
    (repo / "model.safetensors").write_text(
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{WEIGHTS_SHA}\nsize {len(WEIGHTS)}\n"
    )
    objects = repo / ".git" / "lfs" / "objects" / WEIGHTS_SHA[:2] / WEIGHTS_SHA[2:4]
    objects.mkdir(parents=True)
    (objects / WEIGHTS_SHA).write_bytes(WEIGHTS)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "weights"], check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def olah_cli() -> str:
    """MODELSCOUT_OLAH_CLI, else the olah-cli of `.venv-olah/`, made on first use."""
    explicit = os.environ.get("MODELSCOUT_OLAH_CLI")
    if explicit:
        return explicit
    assert shutil.which("git"), "the olah mirror tests need git"
    cli = OLAH_VENV / "bin" / "olah-cli"
    if not cli.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(OLAH_VENV)], check=True)
        pip = [str(OLAH_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        installed = subprocess.run(
            [*pip, f"olah=={OLAH_VERSION}"], capture_output=True, text=True, timeout=600
        )
        assert installed.returncode == 0, f"could not install olah:\n{installed.stderr[-2000:]}"
    return str(cli)


@pytest.fixture
def olah(tmp_path: Path, olah_cli: str) -> Iterator[str]:
    root = tmp_path / "olah"
    make_mirror(root)
    port = free_port()
    (root / "config.toml").write_text(
        f"""[basic]
host = "127.0.0.1"
port = {port}
mirror-netloc = "127.0.0.1:{port}"
mirror-lfs-netloc = "127.0.0.1:{port}"
repos-path = "{root / "repos"}"
mirrors-path = ["{root / "mirrors"}"]

[accessibility]
offline = true
"""
    )
    server = subprocess.Popen(
        [olah_cli, "-c", "config.toml"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the port to accept connections (olah imports FastAPI first)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "olah exited at start-up"
                assert time.monotonic() < deadline, "olah never started listening"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pull_from_olah_matches_the_mirror(olah: str, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    result = DownloadJob(DownloadRequest("org/tiny", cache_dir=cache, endpoint=olah)).run()
    assert result.files == ("config.json", "empty.json", "model.safetensors")
    assert result.size_bytes == len(WEIGHTS) + len('{"model_type": "llama"}\n')
    assert sha256_file(result.path / "model.safetensors") == WEIGHTS_SHA
    assert (result.path / "empty.json").read_bytes() == b""


def test_resume_against_a_server_that_ignores_range_restarts_cleanly(
    olah: str, tmp_path: Path
) -> None:
    cache = tmp_path / "hub"
    blobs = cache / "models--org--tiny" / "blobs"
    blobs.mkdir(parents=True)
    (blobs / f"{WEIGHTS_SHA}.incomplete").write_bytes(b"\xff" * 1024 * 1024)  # not the real prefix
    result = DownloadJob(DownloadRequest("org/tiny", cache_dir=cache, endpoint=olah)).run()
    assert sha256_file(result.path / "model.safetensors") == WEIGHTS_SHA
    assert not list(blobs.glob("*.incomplete"))
