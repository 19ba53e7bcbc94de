"""`modelscout pull` and `modelscout local` as a user runs them: separate processes, HF_ENDPOINT set."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from modelscout.catalog.location import resolve_catalog
from tests.hub.conftest import sha256_file, small_model_files, subprocess_env
from tests.hub.hubserver import HubServer

BIG = "model-00001-of-00002.safetensors"


def modelscout(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modelscout", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _terminal_sigint() -> None:
    """Give the child the SIGINT a terminal's foreground process has. A shell that starts the
    suite in the background has its children ignore SIGINT (POSIX), and Python then installs no
    KeyboardInterrupt handler at all: a Ctrl-C test would wait on a signal nobody can deliver.
    (Runs between fork and exec: it takes no lock another thread could have held.)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "modelscout", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_terminal_sigint,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition only the client process can make true (it writes to disk, we watch)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.01)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_pull_json_into_hf_home(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo("org/tiny", small_model_files())
    env = subprocess_env(hub_server, tmp_path / "hf")
    result = modelscout("pull", "org/tiny", "--json", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] is True and out["variant"] == "safetensors" and out["commit"] == repo.commit
    snapshot = Path(out["path"])
    assert snapshot == tmp_path / "hf" / "hub" / "models--org--tiny" / "snapshots" / repo.commit
    assert sha256_file(snapshot / BIG) == repo.files[BIG].etag
    assert (
        out["size_bytes"]
        == out["transferred_bytes"]
        == sum(repo.files[name].size for name in out["files"])
    )

    listed = json.loads(modelscout("local", "--json", env=env).stdout)
    assert [r["repo_id"] for r in listed] == ["org/tiny"]
    assert listed[0]["size_on_disk_bytes"] == out["size_bytes"]


def test_pull_to_local_dir_with_progress_bar(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo("org/tiny", small_model_files())
    env = subprocess_env(hub_server, tmp_path / "hf")
    target = tmp_path / "weights"
    result = modelscout(
        "pull", "org/tiny", "--variant", "Q8_0", "--local-dir", str(target), "--progress", env=env
    )
    assert result.returncode == 0, result.stderr
    assert (target / "gguf" / "tiny-Q8_0.gguf").read_bytes() == repo.files[
        "gguf/tiny-Q8_0.gguf"
    ].data
    assert "1/1 files" in result.stderr and "100%" in result.stderr
    assert "pulled org/tiny (gguf:Q8_0, 1 files" in result.stdout


def test_variants_listing_offers_sizes_fit_and_default(
    hub_server: HubServer, tmp_path: Path
) -> None:
    hub_server.add_repo("org/tiny", small_model_files())
    env = subprocess_env(hub_server, tmp_path / "hf")
    out = json.loads(modelscout("pull", "org/tiny", "--variants", "--json", env=env).stdout)
    assert out["default"] == "safetensors"
    by_name = {v["name"]: v for v in out["variants"]}
    assert set(by_name) == {"safetensors", "gguf:Q4_K_M", "gguf:Q8_0", "all"}
    assert by_name["gguf:Q4_K_M"]["size_bytes"] == 1048576 and by_name["gguf:Q4_K_M"]["fits"]
    assert not list((tmp_path / "hf").rglob("*.gguf"))  # listing downloads nothing


def test_two_processes_pulling_the_same_repo_fetch_each_file_once(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo("org/tiny", small_model_files())
    release = hub_server.stall_after("org/tiny", BIG, after_bytes=1024 * 1024)
    env = subprocess_env(hub_server, tmp_path / "hf")
    first = start("pull", "org/tiny", "--json", env=env)
    second = start("pull", "org/tiny", "--json", env=env)
    try:
        # Both processes have reached the big file: one streams it (held), the other waits its turn.
        hub_server.wait_for(lambda s: len(s.file_requests(BIG, method="HEAD")) >= 2, timeout=60)
    finally:
        release.set()
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    paths = {json.loads(stdout)["path"] for stdout, _ in outs}
    assert len(paths) == 1
    assert sha256_file(Path(paths.pop()) / BIG) == repo.files[BIG].etag
    assert hub_server.sent("org/tiny", BIG) == repo.files[BIG].size


def test_gated_repo_exit_1_with_licence_url_and_login_hint(
    hub_server: HubServer, tmp_path: Path
) -> None:
    hub_server.add_repo("meta/gated", small_model_files(), gated=True)
    result = modelscout("pull", "meta/gated", env=subprocess_env(hub_server, tmp_path / "hf"))
    assert_one_line_error(result, "gated", f"{hub_server.url}/meta/gated", "hf auth login")


def test_token_from_hf_token_is_used_but_never_shown_or_written(
    hub_server: HubServer, tmp_path: Path
) -> None:
    secret = "hf_SeCrEt0123456789abcdef"
    hub_server.valid_tokens.add(secret)
    hub_server.add_repo("meta/gated", small_model_files(), gated=True, granted_tokens={secret})
    env = subprocess_env(hub_server, tmp_path / "hf", HF_TOKEN=secret)
    ok = modelscout("pull", "meta/gated", "--json", "--progress", env=env)
    assert ok.returncode == 0, ok.stderr
    hub_server.valid_tokens.discard(secret)  # now revoked
    revoked = modelscout("pull", "meta/gated", "--variant", "Q8_0", env=env)
    assert_one_line_error(revoked, "token was rejected")
    for output in (ok.stdout, ok.stderr, revoked.stdout, revoked.stderr):
        assert secret not in output
    for path in (tmp_path / "hf").rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert secret.encode() not in path.read_bytes(), path


def test_missing_repo_exit_1(hub_server: HubServer, tmp_path: Path) -> None:
    result = modelscout("pull", "org/absent", env=subprocess_env(hub_server, tmp_path / "hf"))
    assert_one_line_error(result, "no repo org/absent")


def test_missing_repo_json(hub_server: HubServer, tmp_path: Path) -> None:
    env = subprocess_env(hub_server, tmp_path / "hf")
    result = modelscout("pull", "org/absent", "--json", env=env)
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["ok"] is False and "no repo org/absent" in out["error"]


def test_parent_path_in_listing_is_refused(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo("org/evil", small_model_files(), listed_only=("../../../owned.json",))
    target = tmp_path / "a" / "b" / "c"
    result = modelscout(
        "pull",
        "org/evil",
        "--local-dir",
        str(target),
        env=subprocess_env(hub_server, tmp_path / "hf"),
    )
    assert_one_line_error(result, "refusing", "'..'")
    assert not list(tmp_path.rglob("owned.json"))


def test_disk_space_refusal(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo("org/huge", small_model_files())
    repo.files[BIG].listed_size = 2**60
    env = subprocess_env(hub_server, tmp_path / "hf")
    result = modelscout("pull", "org/huge", "--variant", "safetensors", env=env)
    assert_one_line_error(result, "needs", "free at")
    assert not [r for r in hub_server.requests if r.server == "cdn"]


def test_catalogue_id_pulls_its_repo_and_gguf_goes_to_its_gguf_repo(
    hub_server: HubServer, tmp_path: Path
) -> None:
    models = resolve_catalog().models
    model = next((m for m in models if m.repo_id and m.gguf_repo_id), None)
    if model is None:
        pytest.skip("the bundled catalogue names no model with a separate GGUF repo")
    assert model.repo_id and model.gguf_repo_id
    files = small_model_files()
    hub_server.add_repo(model.repo_id, {k: v for k, v in files.items() if "gguf" not in k})
    hub_server.add_repo(model.gguf_repo_id, {"m-Q4_K_M.gguf": files["gguf/tiny-Q4_K_M.gguf"]})
    env = subprocess_env(hub_server, tmp_path / "hf")
    weights = json.loads(modelscout("pull", model.id, "--json", env=env).stdout)
    assert weights["repo_id"] == model.repo_id and weights["variant"] == "safetensors"
    by_repo = json.loads(modelscout("pull", model.repo_id, "--json", env=env).stdout)
    assert by_repo["path"] == weights["path"] and by_repo["transferred_bytes"] == 0
    gguf = json.loads(modelscout("pull", model.id, "--variant", "gguf", "--json", env=env).stdout)
    assert gguf["repo_id"] == model.gguf_repo_id and gguf["variant"] == "gguf:Q4_K_M"


def test_local_delete_needs_confirmation_without_a_terminal(
    hub_server: HubServer, tmp_path: Path
) -> None:
    hub_server.add_repo("org/tiny", small_model_files())
    env = subprocess_env(hub_server, tmp_path / "hf")
    assert modelscout("pull", "org/tiny", "--variant", "Q4_K_M", env=env).returncode == 0
    refused = modelscout("local", "--delete", "org/tiny", env=env)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    deleted = modelscout("local", "--delete", "org/tiny", "--yes", env=env)
    assert deleted.returncode == 0 and "freed 1.0 MiB" in deleted.stdout
    assert json.loads(modelscout("local", "--json", env=env).stdout) == []


def test_ctrl_c_stops_at_once_keeps_the_data_and_the_next_pull_resumes(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo("org/tiny", small_model_files())
    release = hub_server.stall_after("org/tiny", BIG, after_bytes=1024 * 1024)
    env = subprocess_env(hub_server, tmp_path / "hf")
    running = start("pull", "org/tiny", env=env)
    try:
        hub_server.wait_for(lambda s: s.sent("org/tiny", BIG) >= 1024 * 1024, timeout=60)
        wait_until(lambda: any(p.stat().st_size for p in (tmp_path / "hf").rglob("*.incomplete")))
        interrupted_at = time.monotonic()
        running.send_signal(signal.SIGINT)
        _, stderr = running.communicate(timeout=30)
        assert time.monotonic() - interrupted_at < 2.0  # while the connection is still stalled
    finally:
        release.set()
    assert running.returncode == 130
    assert "Traceback" not in stderr and "run the same pull again to resume" in stderr
    partial = next((tmp_path / "hf" / "hub").rglob("*.incomplete"))
    kept = partial.stat().st_size
    assert kept > 0

    again = modelscout("pull", "org/tiny", "--json", env=env)
    assert again.returncode == 0, again.stderr
    assert hub_server.file_requests(repo.files[BIG].etag)[-1].range == f"bytes={kept}-"
    assert sha256_file(Path(json.loads(again.stdout)["path"]) / BIG) == repo.files[BIG].etag


def test_huggingface_hub_reuses_what_modelscout_pulled(
    hub_server: HubServer, tmp_path: Path
) -> None:
    """The cache layout is huggingface_hub's own: offline loads find the files, and `hf download`
    of the same files downloads nothing again."""
    repo = hub_server.add_repo("org/tiny", small_model_files())
    env = subprocess_env(hub_server, tmp_path / "hf")
    pulled = json.loads(modelscout("pull", "org/tiny", "--json", env=env).stdout)
    script = (
        "import sys; from huggingface_hub import hf_hub_download as get; "
        "print('\\n'.join(get('org/tiny', name) for name in sys.argv[1:]))"
    )
    offline = subprocess.run(
        [sys.executable, "-c", script, *pulled["files"]],
        env={**env, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.split() == [str(Path(pulled["path"]) / f) for f in pulled["files"]]

    gets_before = len([r for r in hub_server.requests if r.method == "GET" and r.server == "cdn"])
    hf = Path(sys.executable).parent / "hf"
    again = subprocess.run(
        [str(hf), "download", "org/tiny", *pulled["files"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert repo.commit in again.stdout
    gets_after = len([r for r in hub_server.requests if r.method == "GET" and r.server == "cdn"])
    assert gets_after == gets_before


@pytest.mark.parametrize("json_flag", [False, True], ids=["text", "json"])
def test_a_password_in_hf_endpoint_is_never_printed(
    hub_server: HubServer, tmp_path: Path, json_flag: bool
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: the error names the endpoint
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = subprocess_env(hub_server, tmp_path / "hf")
    env["HF_ENDPOINT"] = f"http://user:s3cret-pw@127.0.0.1:{port}"
    result = modelscout("pull", "org/tiny", *(["--json"] if json_flag else []), env=env)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "s3cret-pw" not in out and "user:" not in out
    assert f"127.0.0.1:{port}" in out  # the address is still said, without its credentials
