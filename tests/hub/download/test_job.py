"""The download job against a Hub look-alike on 127.0.0.1: bytes, resume, cancel, errors, safety."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelscout.errors import DownloadError
from modelscout.hub.download.job import DownloadCancelled, DownloadJob, DownloadRequest, Progress
from tests.hub.conftest import model_bytes, sha256_file, small_model_files
from tests.hub.hubserver import HubServer, unused_port

REPO = "org/tiny"
BIG = "model-00001-of-00002.safetensors"
MIB = 1024 * 1024


def request(server: HubServer, tmp_path: Path, **kw: object) -> DownloadRequest:
    defaults: dict[str, object] = {"cache_dir": tmp_path / "hub", "endpoint": server.url}
    defaults.update(kw)
    repo = str(defaults.pop("repo_id", REPO))
    return DownloadRequest(repo_id=repo, **defaults)  # type: ignore[arg-type]


def job(server: HubServer, tmp_path: Path, on_progress=None, **kw: object) -> DownloadJob:
    return DownloadJob(
        request(server, tmp_path, **kw),
        on_progress=on_progress,
        backoff_s=0.01,
        progress_interval_s=0.0,
    )


def test_full_download_matches_source_byte_for_byte_in_hf_cache_layout(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    updates: list[Progress] = []
    result = job(hub_server, tmp_path, on_progress=updates.append).run()

    snapshot = tmp_path / "hub" / "models--org--tiny" / "snapshots" / repo.commit
    assert result.path == snapshot and result.variant == "safetensors"
    for name in result.files:
        assert sha256_file(snapshot / name) == sha256_file_bytes(repo.files[name].data)
        assert (snapshot / name).is_symlink()  # into blobs/, as huggingface_hub lays it out
    assert "tiny-Q4_K_M.gguf" not in " ".join(result.files)
    assert (tmp_path / "hub" / "models--org--tiny" / "refs" / "main").read_text() == repo.commit
    assert not list((tmp_path / "hub").rglob("*.incomplete"))
    last = updates[-1]
    assert last.files_done == last.files_total == 8
    assert last.bytes_done == last.bytes_total == result.size_bytes
    assert [u.bytes_done for u in updates] == sorted(u.bytes_done for u in updates)


def test_huggingface_hub_finds_the_files_offline(hub_server: HubServer, tmp_path: Path) -> None:
    from huggingface_hub import try_to_load_from_cache

    repo = hub_server.add_repo(REPO, small_model_files())
    job(hub_server, tmp_path).run()
    found = try_to_load_from_cache(REPO, "config.json", cache_dir=tmp_path / "hub")
    assert isinstance(found, str) and Path(found).read_bytes() == repo.files["config.json"].data


def test_second_pull_downloads_nothing(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo(REPO, small_model_files())
    job(hub_server, tmp_path).run()
    gets_before = len(hub_server.file_requests(BIG))
    again = job(hub_server, tmp_path).run()
    assert again.transferred_bytes == 0
    assert len(hub_server.file_requests(BIG)) == gets_before


def test_local_dir_holds_plain_files_and_hf_metadata(hub_server: HubServer, tmp_path: Path) -> None:
    from huggingface_hub._local_folder import read_download_metadata

    repo = hub_server.add_repo(REPO, small_model_files())
    target = tmp_path / "models" / "tiny"
    result = job(hub_server, tmp_path, local_dir=target, variant="gguf:Q4_K_M").run()
    assert result.path == target
    got = target / "gguf" / "tiny-Q4_K_M.gguf"
    assert not got.is_symlink()
    assert got.read_bytes() == repo.files["gguf/tiny-Q4_K_M.gguf"].data
    meta = read_download_metadata(target, "gguf/tiny-Q4_K_M.gguf")
    assert meta is not None and meta.commit_hash == repo.commit
    assert meta.etag == repo.files["gguf/tiny-Q4_K_M.gguf"].etag
    assert not (tmp_path / "hub").exists()


def test_dropped_connection_is_resumed_not_restarted(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    hub_server.drop_after(REPO, BIG, after_bytes=MIB)  # offsets are positions in the file
    hub_server.drop_after(REPO, BIG, after_bytes=2 * MIB)
    result = job(hub_server, tmp_path).run()

    assert sha256_file(result.path / BIG) == repo.files[BIG].etag
    ranges = [r.range for r in hub_server.file_requests(repo.files[BIG].etag)]
    assert ranges[0] is None and ranges[1] == f"bytes={MIB}-" and ranges[2] == f"bytes={2 * MIB}-"
    assert hub_server.sent(REPO, BIG) == repo.files[BIG].size  # no byte was sent twice


def test_failed_attempt_leaves_partial_data_that_the_next_pull_resumes(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, {BIG: model_bytes(3 * MIB, "x")})
    # 1 MiB arrives, then the connection drops; both retries drop again at that point.
    hub_server.drop_after(REPO, BIG, after_bytes=MIB, times=3)
    first = DownloadJob(
        request(hub_server, tmp_path), retries=2, backoff_s=0.01, progress_interval_s=0
    )
    with pytest.raises(DownloadError, match="resume"):
        first.run()
    partial = (
        tmp_path / "hub" / "models--org--tiny" / "blobs" / f"{repo.files[BIG].etag}.incomplete"
    )
    assert partial.stat().st_size == MIB
    assert not (tmp_path / "hub" / "models--org--tiny" / "snapshots").exists() or not list(
        (tmp_path / "hub" / "models--org--tiny" / "snapshots").rglob(BIG)
    )

    result = job(hub_server, tmp_path).run()
    assert hub_server.file_requests(repo.files[BIG].etag)[-1].range == f"bytes={MIB}-"
    assert result.transferred_bytes == 2 * MIB
    assert sha256_file(result.path / BIG) == repo.files[BIG].etag


def test_cancel_stops_within_two_seconds_and_the_next_attempt_resumes(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, {BIG: model_bytes(4 * MIB, "c"), "config.json": b"{}"})
    release = hub_server.stall_after(REPO, BIG, after_bytes=2 * MIB)
    got_data = threading.Event()

    def watch(p: Progress) -> None:
        if p.bytes_done >= 2 * MIB:
            got_data.set()

    running = job(hub_server, tmp_path, on_progress=watch)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _capture(running.run, outcome))
    worker.start()
    assert got_data.wait(20), "the download never reached the stall point"
    cancelled_at = time.monotonic()
    running.cancel()
    worker.join(10)
    assert (
        time.monotonic() - cancelled_at < 2.0
    )  # the socket is still stalled: cancel must not wait
    assert len(outcome) == 1 and isinstance(outcome[0], DownloadCancelled)
    release.set()  # the stalled transfer wakes, sees the cancel and lets go of the file lock

    blobs = tmp_path / "hub" / "models--org--tiny" / "blobs"
    assert not (blobs / repo.files[BIG].etag).exists()  # nothing half-written under the real name
    result = job(hub_server, tmp_path).run()
    resumed_from = int(hub_server.file_requests(repo.files[BIG].etag)[-1].range[6:-1])
    assert resumed_from >= 2 * MIB
    assert result.transferred_bytes == 4 * MIB - resumed_from
    assert sha256_file(result.path / BIG) == repo.files[BIG].etag


def _capture(fn, sink: list[BaseException]) -> None:  # type: ignore[no-untyped-def]
    try:
        fn()
    except BaseException as exc:
        sink.append(exc)


def test_gated_repo_without_token_explains_licence_and_login(
    hub_server: HubServer, tmp_path: Path
) -> None:
    hub_server.add_repo("meta/gated", small_model_files(), gated=True)
    with pytest.raises(DownloadError) as err:
        job(hub_server, tmp_path, repo_id="meta/gated", token=False).run()
    message = str(err.value)
    assert "gated" in message and f"{hub_server.url}/meta/gated" in message
    assert "hf auth login" in message and "HF_TOKEN" in message
    assert "\n" not in message


def test_gated_repo_with_token_not_granted_is_refused(
    hub_server: HubServer, tmp_path: Path
) -> None:
    hub_server.valid_tokens.add("hf_notgranted")
    hub_server.add_repo("meta/gated", small_model_files(), gated=True)
    with pytest.raises(DownloadError, match="gated: accept its licence"):
        job(hub_server, tmp_path, repo_id="meta/gated", token="hf_notgranted").run()


def test_gated_repo_with_granted_token_downloads_and_token_stays_on_the_hub(
    hub_server: HubServer, tmp_path: Path
) -> None:
    secret = "hf_granted_secret_value"
    hub_server.valid_tokens.add(secret)
    repo = hub_server.add_repo(
        "meta/gated", small_model_files(), gated=True, granted_tokens={secret}
    )
    result = job(hub_server, tmp_path, repo_id="meta/gated", token=secret).run()
    assert sha256_file(result.path / BIG) == repo.files[BIG].etag
    cdn = [r for r in hub_server.requests if r.server == "cdn"]
    hub = [r for r in hub_server.requests if r.server == "hub"]
    assert cdn and not any(r.authorized for r in cdn)  # signed CDN URLs never see the token
    assert all(r.authorized for r in hub)
    for path in (tmp_path / "hub").rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert secret.encode() not in path.read_bytes()


def test_rejected_token_says_so_without_showing_it(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo(REPO, small_model_files())
    with pytest.raises(DownloadError) as err:
        job(hub_server, tmp_path, token="hf_revoked_token_1234").run()
    assert "token was rejected" in str(err.value)
    assert "hf_revoked_token_1234" not in str(err.value)


def test_missing_repo(hub_server: HubServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="no repo org/absent on the Hub: check the id"):
        job(hub_server, tmp_path, repo_id="org/absent").run()


def test_missing_variant_names_the_offer(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo(REPO, small_model_files())
    with pytest.raises(DownloadError, match="no variant 'Q3_K_S'.*gguf:Q8_0"):
        job(hub_server, tmp_path, variant="Q3_K_S").run()


def test_refuses_when_the_disk_cannot_hold_it_before_fetching_anything(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    repo.files[BIG].listed_size = 2**60  # an exabyte: no test machine has that much free
    with pytest.raises(
        DownloadError, match=r"needs [\d.]+ TiB more but only .* free at .*--local-dir"
    ):
        job(hub_server, tmp_path, variant="safetensors").run()
    assert not [r for r in hub_server.requests if "/resolve/" in r.path or r.server == "cdn"]


def test_one_key_default_falls_back_to_a_variant_that_fits(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    repo.files[BIG].listed_size = 2**60
    result = job(hub_server, tmp_path).run()
    assert result.variant == "gguf:Q4_K_M"


def test_server_listing_a_parent_path_is_refused(hub_server: HubServer, tmp_path: Path) -> None:
    hub_server.add_repo(REPO, small_model_files(), listed_only=("../../evil.safetensors",))
    target = tmp_path / "deep" / "dir"
    with pytest.raises(DownloadError, match=r"contains '\.\.'.*evil"):
        job(hub_server, tmp_path, local_dir=target).run()
    assert not [r for r in hub_server.requests if "/resolve/" in r.path]
    assert not list(tmp_path.rglob("evil*"))


def test_corrupt_data_is_discarded_never_published(hub_server: HubServer, tmp_path: Path) -> None:
    repo = hub_server.add_repo(REPO, {BIG: model_bytes(MIB, "ok")})
    repo.files[BIG].data = model_bytes(MIB, "tampered")  # same size, same ETag, other bytes
    with pytest.raises(DownloadError, match="does not match the Hub's checksum"):
        job(hub_server, tmp_path).run()
    storage = tmp_path / "hub" / "models--org--tiny"
    assert not list(storage.rglob(BIG)) and not list((storage / "blobs").iterdir())


def sha256_file_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_hub_errors_and_drops_while_listing_are_retried(
    hub_server: HubServer, tmp_path: Path
) -> None:
    repo = hub_server.add_repo(REPO, small_model_files())
    info = "/api/models/org/tiny/revision/main"
    hub_server.fail_next(info, status=503, times=2)
    result = job(hub_server, tmp_path, variant="Q4_K_M").run()
    assert result.commit_sha == repo.commit
    statuses = [r.status for r in hub_server.requests if r.path == info]
    assert statuses == [503, 503, 200]


def test_unreachable_hub_says_what_to_check(tmp_path: Path) -> None:
    port = unused_port()
    request = DownloadRequest(REPO, cache_dir=tmp_path, endpoint=f"http://127.0.0.1:{port}")
    with pytest.raises(
        DownloadError, match=r"cannot reach http://127\.0\.0\.1:\d+: network unreachable"
    ):
        DownloadJob(request, retries=1, backoff_s=0.01).run()


def test_malformed_repo_id_is_explained(hub_server: HubServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="not a Hub repo id: write it as org/name"):
        job(hub_server, tmp_path, repo_id="org/na me/x").run()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MiB filesystem (tmpfs), where the machine lets us mount one."""
    import subprocess

    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_disk_filling_up_mid_download_is_explained_and_resumable(
    hub_server: HubServer, tmp_path: Path, small_disk: Path
) -> None:
    repo = hub_server.add_repo(REPO, {BIG: model_bytes(3 * MIB, "d")})
    release = hub_server.stall_after(REPO, BIG, after_bytes=MIB)
    got_data = threading.Event()
    running = job(
        hub_server,
        tmp_path,
        local_dir=small_disk,
        on_progress=lambda p: got_data.set() if p.bytes_done >= MIB else None,
    )
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _capture(running.run, outcome))
    worker.start()
    assert got_data.wait(20)
    filler = small_disk / "other-program-output.bin"
    filler.write_bytes(b"\0" * (int(2.5 * MIB)))  # someone else takes most of the space
    release.set()
    worker.join(20)
    assert len(outcome) == 1 and isinstance(outcome[0], DownloadError)
    assert "disk filled up" in str(outcome[0]) and "resumes" in str(outcome[0])
    assert not (small_disk / BIG).exists()  # nothing under the real name

    filler.unlink()
    result = job(hub_server, tmp_path, local_dir=small_disk).run()
    assert sha256_file(result.path / BIG) == repo.files[BIG].etag
    assert hub_server.file_requests(repo.files[BIG].etag)[-1].range is not None
