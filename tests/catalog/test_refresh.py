"""Catalogue refresh against a Hub API look-alike on 127.0.0.1 answering with recorded JSON."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelscout.catalog import Model, load_catalog
from modelscout.catalog import refresh as hub_refresh
from modelscout.catalog.location import cached_catalog_path, write_catalog
from modelscout.catalog.refresh import (
    RefreshProgress,
    carry_over,
    catalog_age,
    catalog_document,
    refresh_catalog,
    save_refreshed,
)
from modelscout.cli import main
from modelscout.hub.api import MODEL_EXPAND, ClientSettings, DiscoverQuery
from modelscout.hub.env import HubEnv, display_endpoint
from tests.catalog.factory import document, entry, model
from tests.hub.apiserver import HubApiServer

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "hf_TestTokenThatMustNeverLeak0123456789"


class Sleeps:
    """Records backoff waits instead of waiting, so retry tests take no wall-clock time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubApiServer]:
    server = HubApiServer()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(Path(os.devnull).with_name("no-such-token-file")))
    try:
        yield server
    finally:
        server.close()


def hub(**explicit: Any) -> HubEnv:
    """The environment the `api` fixture set up, with explicit choices (as flags make them)."""
    return HubEnv.from_environ(**explicit)


def catalogue_entries() -> list[dict[str, object]]:
    table = [{"kind": "table", "ref": "001_c06a5ca59f3b9756.txt", "detail": "row"}]
    return [
        entry(
            id="qwen3-8b-reasoning",
            name="Qwen3 8B (Reasoning)",
            repo_id="Qwen/Qwen3-8B",
            total_params_b=8.2,
            intelligence_index=25,
            reasoning=True,
            license=None,
            gated=None,
            sources=table,
        ),
        entry(
            id="qwen3-8b",
            name="Qwen3 8B",
            repo_id="Qwen/Qwen3-8B",
            total_params_b=8.2,
            intelligence_index=18,
            license=None,
            gated=None,
            sources=table,
        ),
        entry(
            id="llama-3.1-8b",
            name="Llama 3.1 8B",
            repo_id="meta-llama/Llama-3.1-8B-Instruct",
            total_params_b=8.0,
            license=None,
            gated=None,
        ),
        entry(
            id="gemma-3-4b", name="Gemma 3 4B", repo_id="google/gemma-3-4b-it", total_params_b=4.3
        ),
        entry(id="phi-4-mini", name="Phi 4 Mini", repo_id="microsoft/Phi-4-mini-instruct"),
        entry(id="gone-7b", name="Gone 7B", repo_id="demo/Gone-7B", downloads=12, likes=3),
        entry(id="closed-1", name="Closed 1", repo_id=None, weights_available=False),
    ]


def catalogue() -> tuple[Model, ...]:
    return tuple(model(**e) for e in catalogue_entries())


def quick(**overrides: object) -> ClientSettings:
    # A loopback answer takes milliseconds; 5 s leaves room for a loaded test machine.
    base: dict[str, object] = {"timeout_s": 5.0, "max_retries": 2, "sleep": Sleeps()}
    base.update(overrides)
    return ClientSettings(**base)  # type: ignore[arg-type]


def by_id(models: tuple[Model, ...]) -> dict[str, Model]:
    return {m.id: m for m in models}


def outcome(result: hub_refresh.RefreshResult, repo_id: str) -> hub_refresh.EntryOutcome:
    return next(o for o in result.outcomes if o.repo_id == repo_id)


# --- a normal refresh ------------------------------------------------------------------------


def test_refresh_fills_hub_fields_and_keeps_curated_facts(api: HubApiServer) -> None:
    events: list[RefreshProgress] = []
    result = refresh_catalog(catalogue(), progress=events.append, settings=quick())
    models = by_id(result.models)

    qwen = models["qwen3-8b-reasoning"]
    assert (qwen.downloads, qwen.likes) == (1824357, 742)
    assert qwen.last_modified == "2025-07-26T03:49:13.000Z"
    assert qwen.license == "apache-2.0" and qwen.gated is False
    assert qwen.pipeline_tag == "text-generation"
    assert qwen.hub_params_b == pytest.approx(8.19073536)
    assert qwen.total_params_b == 8.2  # the table's number stays
    assert qwen.intelligence_index == 25
    assert qwen.refreshed_at == result.refreshed_at
    assert qwen.gguf_repos == (
        "unsloth/Qwen3-8B-GGUF",
        "Qwen/Qwen3-8B-GGUF",
        "bartowski/Qwen_Qwen3-8B-GGUF",
        "lmstudio-community/Qwen3-8B-GGUF",
        "mradermacher/Qwen3-8B-GGUF",
    )
    assert [s.kind for s in qwen.sources] == ["table", "hub"]
    hub_source = qwen.sources[-1]
    assert hub_source.ref == f"{api.url}/Qwen/Qwen3-8B"
    assert hub_source.says["hub_params_b"] == pytest.approx(8.19073536)
    # The reasoning twin shares the repo and gets the same Hub data from a single request.
    assert models["qwen3-8b"].downloads == 1824357
    assert models["qwen3-8b"].intelligence_index == 18
    assert len(api.requests_for("/api/models/Qwen/Qwen3-8B")) == 1

    llama = models["llama-3.1-8b"]
    assert llama.license == "llama3.1" and llama.gated is True  # "manual" approval
    assert llama.gguf_repos is not None and llama.gguf_repos[0].startswith("bartowski/")
    gemma = models["gemma-3-4b"]
    assert gemma.pipeline_tag == "image-text-to-text" and gemma.gated is True
    assert models["phi-4-mini"].gguf_repos == ()  # asked, and the Hub knows none

    assert [o.status for o in result.outcomes].count("refreshed") == 4
    assert result.no_repo == 1
    assert models["closed-1"] == catalogue()[-1]
    assert [e.done for e in events] == list(range(1, 6))
    assert {e.total for e in events} == {5}


def test_requests_ask_for_exactly_the_expanded_fields(api: HubApiServer) -> None:
    refresh_catalog(catalogue(), settings=quick())
    info = api.requests_for("/api/models/microsoft/Phi-4-mini-instruct")[0]
    assert info.values("expand") == list(MODEL_EXPAND)
    lookups = [r for r in api.requests_for("/api/models") if r.values("filter")]
    assert {tuple(r.values("filter")) for r in lookups} >= {
        ("base_model:quantized:Qwen/Qwen3-8B", "gguf")
    }
    assert all(r.values("sort") == ["downloads"] for r in lookups)
    assert all("authorization" not in r.headers for r in api.requests)


def test_refreshed_catalogue_round_trips_through_the_loader(
    api: HubApiServer, tmp_path: Path
) -> None:
    result = refresh_catalog(catalogue(), settings=quick())
    path = save_refreshed(result, tmp_path / "catalog.json")
    loaded = load_catalog(path)
    assert loaded.models == result.models
    assert loaded.warnings == ()
    assert loaded.built == result.refreshed_at[:10]  # type: ignore[index]


# --- failures: each entry on its own ------------------------------------------------------------


def test_model_gone_from_the_hub_is_kept_and_reported(api: HubApiServer) -> None:
    result = refresh_catalog(catalogue(), settings=quick())
    gone = outcome(result, "demo/Gone-7B")
    assert gone.status == "missing" and gone.model_ids == ("gone-7b",)
    assert "not on the Hub" in (gone.message or "")
    kept = by_id(result.models)["gone-7b"]
    assert (kept.downloads, kept.likes, kept.refreshed_at) == (12, 3, None)
    assert len(api.requests_for("/api/models/demo/Gone-7B")) == 1  # a 404 is not retried
    assert "1 gone from the Hub" in result.summary()


def test_timeout_fails_one_entry_after_retries_and_the_rest_refresh(api: HubApiServer) -> None:
    api.script("model:google/gemma-3-4b-it", "hang", "hang", "hang")
    sleeps = Sleeps()
    try:
        settings = quick(sleep=sleeps, max_retries=2, timeout_s=0.2)
        result = refresh_catalog(catalogue(), settings=settings)
    finally:
        api.release()
    failed = outcome(result, "google/gemma-3-4b-it")
    assert failed.status == "failed"
    assert failed.message == "timed out after 0.2 s (3 attempts)"
    assert by_id(result.models)["gemma-3-4b"] == by_id(catalogue())["gemma-3-4b"]
    assert outcome(result, "Qwen/Qwen3-8B").status == "refreshed"
    assert sleeps.waits == [0.5, 1.0]  # exponential backoff between the three attempts


def test_429_waits_as_long_as_retry_after_says(api: HubApiServer) -> None:
    api.script("model:Qwen/Qwen3-8B", "429:7")
    sleeps = Sleeps()
    result = refresh_catalog(catalogue(), settings=quick(sleep=sleeps, concurrency=1))
    assert outcome(result, "Qwen/Qwen3-8B").status == "refreshed"
    assert len(api.requests_for("/api/models/Qwen/Qwen3-8B")) == 2
    assert sleeps.waits[0] == 7.0
    # The pause holds every request, not only the one that was told to wait.
    assert len(sleeps.waits) > 1 and all(0 < w <= 7.0 for w in sleeps.waits)


def test_429_wait_is_capped(api: HubApiServer) -> None:
    api.script("model:Qwen/Qwen3-8B", "429:86400")
    sleeps = Sleeps()
    settings = quick(sleep=sleeps, max_retry_after_s=30.0, concurrency=1)
    result = refresh_catalog(catalogue(), settings=settings)
    assert outcome(result, "Qwen/Qwen3-8B").status == "refreshed"
    assert sleeps.waits[0] == 30.0 and max(sleeps.waits) == 30.0


def test_429_with_only_the_hubs_ratelimit_header_waits_for_its_reset(api: HubApiServer) -> None:
    api.script("model:microsoft/Phi-4-mini-instruct", "ratelimit:55")
    sleeps = Sleeps()
    result = refresh_catalog(catalogue(), settings=quick(sleep=sleeps, concurrency=1))
    assert outcome(result, "microsoft/Phi-4-mini-instruct").status == "refreshed"
    assert 55.0 in sleeps.waits


def test_429_until_retries_run_out_fails_the_entry(api: HubApiServer) -> None:
    api.script("model:Qwen/Qwen3-8B", "429:1", "429:1", "429:1")
    result = refresh_catalog(catalogue(), settings=quick(max_retries=2))
    failed = outcome(result, "Qwen/Qwen3-8B")
    assert (failed.status, failed.model_ids) == ("failed", ("qwen3-8b-reasoning", "qwen3-8b"))
    assert failed.message == "rate limited by the Hub (HTTP 429) (3 attempts)"


def test_500_is_retried_then_succeeds(api: HubApiServer) -> None:
    api.script("model:meta-llama/Llama-3.1-8B-Instruct", "500", "500")
    sleeps = Sleeps()
    result = refresh_catalog(catalogue(), settings=quick(sleep=sleeps, max_retries=2))
    assert outcome(result, "meta-llama/Llama-3.1-8B-Instruct").status == "refreshed"
    assert sleeps.waits == [0.5, 1.0]


def test_500_every_time_fails_the_entry_only(api: HubApiServer) -> None:
    api.script("model:meta-llama/Llama-3.1-8B-Instruct", "500", "500", "500")
    result = refresh_catalog(catalogue(), settings=quick(max_retries=2))
    failed = outcome(result, "meta-llama/Llama-3.1-8B-Instruct")
    assert failed.message == "the Hub answered HTTP 500 (3 attempts)"
    assert result.changed  # the other entries refreshed
    assert "1 failed" in result.summary()


def test_malformed_json_fails_the_entry_without_retry(api: HubApiServer) -> None:
    api.script("model:microsoft/Phi-4-mini-instruct", "malformed")
    result = refresh_catalog(catalogue(), settings=quick())
    failed = outcome(result, "microsoft/Phi-4-mini-instruct")
    assert (failed.status, failed.message) == ("failed", "the Hub's answer is not valid JSON")
    assert len(api.requests_for("/api/models/microsoft/Phi-4-mini-instruct")) == 1
    assert by_id(result.models)["phi-4-mini"].refreshed_at is None


def test_failed_gguf_lookup_keeps_the_entry_refreshed_and_notes_it(api: HubApiServer) -> None:
    api.script("gguf:Qwen/Qwen3-8B", "malformed")
    result = refresh_catalog(catalogue(), settings=quick())
    assert outcome(result, "Qwen/Qwen3-8B").status == "refreshed"
    assert by_id(result.models)["qwen3-8b"].gguf_repos is None
    assert result.notes == (
        "Qwen/Qwen3-8B: GGUF lookup failed: the Hub's answer is not valid JSON",
    )


def test_rejected_token_is_a_failure_not_a_missing_model(api: HubApiServer) -> None:
    api.script("model:Qwen/Qwen3-8B", "401")
    result = refresh_catalog(catalogue(), hub(token="hf_wrong"), settings=quick())
    assert outcome(result, "Qwen/Qwen3-8B").status == "failed"
    assert "HF_TOKEN" in (outcome(result, "Qwen/Qwen3-8B").message or "")


def test_unreachable_hub_fails_every_entry_and_changes_nothing(api: HubApiServer) -> None:
    url = api.url
    api.close()  # nothing listens there any more
    result = refresh_catalog(catalogue(), hub(endpoint=url), settings=quick(max_retries=0))
    assert {o.status for o in result.outcomes} == {"failed"}
    assert all(
        f"cannot reach {url}: network unreachable" in (o.message or "") for o in result.outcomes
    )
    assert not result.changed
    assert result.models == catalogue()


# --- concurrency ------------------------------------------------------------------------------


def test_requests_run_concurrently_up_to_the_bound(api: HubApiServer) -> None:
    import threading

    api.barrier = threading.Barrier(4)  # passes only if four requests are in flight together
    result = refresh_catalog(catalogue(), settings=quick(concurrency=4, timeout_s=5.0))
    assert not api.barrier.broken
    assert api.max_in_flight == 4
    assert outcome(result, "Qwen/Qwen3-8B").status == "refreshed"


def test_concurrency_of_one_sends_one_request_at_a_time(api: HubApiServer) -> None:
    refresh_catalog(catalogue(), settings=quick(concurrency=1))
    assert api.max_in_flight == 1


# --- discovery ---------------------------------------------------------------------------------


def test_discovery_adds_uncurated_models_within_the_size_bound(api: HubApiServer) -> None:
    query = DiscoverQuery(max_params_b=40.0, limit=5)
    result = refresh_catalog(catalogue(), discover=query, settings=quick())
    # Most downloaded first, 70B filtered out by the Hub, the two already curated skipped.
    assert result.discovered == (
        "openai/gpt-oss-20b",
        "Qwen/Qwen2.5-7B-Instruct",
        "Qwen/Qwen3-30B-A3B",
    )
    models = by_id(result.models)
    gpt = models["openai/gpt-oss-20b"]
    assert gpt.curated is False and gpt.intelligence_index is None
    assert gpt.total_params_b == pytest.approx(21.511953984) and gpt.moe is True
    assert gpt.license == "apache-2.0" and gpt.gated is False and gpt.release == "2025-08"
    assert gpt.downloads == 4820113 and gpt.reasoning is None
    assert models["Qwen/Qwen3-30B-A3B"].moe is True
    assert models["Qwen/Qwen2.5-7B-Instruct"].moe is False
    sent = next(r for r in api.requests_for("/api/models") if r.values("pipeline_tag"))
    assert sent.values("num_parameters") == ["max:40B"]
    assert sent.values("sort") == ["downloads"] and sent.values("limit") == ["5"]
    assert "3 models discovered" in result.summary()


def test_discovery_keeps_the_size_bound_when_the_hub_ignores_it(api: HubApiServer) -> None:
    api.honour_num_parameters = False
    result = refresh_catalog(catalogue(), discover=DiscoverQuery(limit=20), settings=quick())
    assert "meta-llama/Llama-3.3-70B-Instruct" not in result.discovered
    assert "meta-llama/Llama-3.2-1B-Instruct" in result.discovered
    # A repo without safetensors metadata has no exact size: it is not added.
    assert "TheBloke/Mistral-7B-Instruct-v0.2-GGUF" not in result.discovered


def test_failed_discovery_leaves_the_refresh_itself_intact(api: HubApiServer) -> None:
    api.script("discover", "500", "500", "500")
    result = refresh_catalog(catalogue(), discover=DiscoverQuery(), settings=quick())
    assert result.discovered == ()
    assert result.discover_error == "the Hub answered HTTP 500 (3 attempts)"
    assert outcome(result, "Qwen/Qwen3-8B").status == "refreshed"


# --- offline, endpoint and token ----------------------------------------------------------------


def test_offline_flag_makes_no_request(api: HubApiServer) -> None:
    result = refresh_catalog(catalogue(), hub(offline=True))
    assert result.offline and result.models == catalogue() and not result.changed
    assert api.requests == []


def test_hf_hub_offline_makes_no_request(
    api: HubApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = refresh_catalog(catalogue())
    assert result.offline and api.requests == []


def test_token_from_the_login_file_is_sent(
    api: HubApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    monkeypatch.setenv("HF_TOKEN_PATH", str(token_file))
    refresh_catalog(catalogue(), settings=quick())
    assert {r.headers.get("authorization") for r in api.requests} == {f"Bearer {TOKEN}"}


def test_token_is_sent_but_never_printed_logged_or_stored(
    api: HubApiServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    api.script("model:google/gemma-3-4b-it", "401")
    api.script("model:microsoft/Phi-4-mini-instruct", "malformed")
    base = tmp_path / "base.json"
    write_catalog(base, document(*catalogue_entries()))
    caplog.set_level(logging.DEBUG)
    assert main(["catalog", "refresh", "--catalog", str(base)]) == 0
    assert main(["catalog", "refresh", "--catalog", str(base), "--json"]) == 0
    out, err = capsys.readouterr()
    assert {r.headers.get("authorization") for r in api.requests} == {f"Bearer {TOKEN}"}
    assert "gemma-3-4b-it: the Hub refused the request (HTTP 401); check HF_TOKEN" in err
    for text in (out, err, caplog.text, cached_catalog_path().read_text()):
        assert TOKEN not in text and TOKEN[3:15] not in text


# --- the cache: written whole or not at all ----------------------------------------------------


def old_cache() -> bytes:
    path = cached_catalog_path()
    write_catalog(path, document(entry(id="old-model", repo_id="old/Old-7B", downloads=1)))
    return path.read_bytes()


def test_cli_refresh_writes_the_cache_and_prints_a_summary(
    api: HubApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    write_catalog(base, document(*catalogue_entries()))
    assert main(["catalog", "refresh", "--catalog", str(base), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["refreshed"] == [
        "Qwen/Qwen3-8B",
        "meta-llama/Llama-3.1-8B-Instruct",
        "google/gemma-3-4b-it",
        "microsoft/Phi-4-mini-instruct",
    ]
    assert summary["missing"] == [
        {
            "repo_id": "demo/Gone-7B",
            "model_ids": ["gone-7b"],
            "message": summary["missing"][0]["message"],
        }
    ]
    assert summary["written"] == str(cached_catalog_path())
    cached = load_catalog(cached_catalog_path())
    assert by_id(cached.models)["qwen3-8b"].downloads == 1824357
    assert by_id(cached.models)["gone-7b"].downloads == 12  # kept as it was


def test_nothing_refreshed_exits_1_and_leaves_the_cache(
    api: HubApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = old_cache()
    base = tmp_path / "base.json"
    write_catalog(base, document(entry(id="gone-7b", repo_id="demo/Gone-7B")))
    assert main(["catalog", "refresh", "--catalog", str(base)]) == 1
    out, err = capsys.readouterr()
    assert "refreshed 0 of 1 repos, 1 gone from the Hub" in out
    assert "demo/Gone-7B: not on the Hub" in err
    assert cached_catalog_path().read_bytes() == before


def test_cli_offline_exits_1_without_a_request(
    api: HubApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = old_cache()
    assert main(["catalog", "refresh", "--offline"]) == 1
    assert "offline mode" in capsys.readouterr().err
    assert main(["catalog", "refresh", "--offline", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["offline"] is True
    assert api.requests == [] and cached_catalog_path().read_bytes() == before


def test_failure_while_writing_leaves_the_old_cache_whole(
    api: HubApiServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = old_cache()
    base = tmp_path / "base.json"
    write_catalog(base, document(*catalogue_entries()))

    def disk_full(fd: int) -> None:  # the new file is half on disk when the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("modelscout.catalog.location.os.fsync", disk_full)
    assert main(["catalog", "refresh", "--catalog", str(base)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert cached_catalog_path().read_bytes() == before
    assert sorted(p.name for p in cached_catalog_path().parent.iterdir()) == ["catalog.json"]


def test_crash_while_writing_leaves_the_old_cache_whole(
    api: HubApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = old_cache()
    result = refresh_catalog(catalogue(), settings=quick())

    def crash(src: object, dst: object) -> None:
        raise KeyboardInterrupt  # the user pressed ^C just before the rename

    monkeypatch.setattr("modelscout.catalog.location.os.replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save_refreshed(result)
    assert cached_catalog_path().read_bytes() == before
    assert sorted(p.name for p in cached_catalog_path().parent.iterdir()) == ["catalog.json"]


def test_killed_refresh_process_leaves_the_old_cache_whole(
    api: HubApiServer, tmp_path: Path
) -> None:
    before = old_cache()
    base = tmp_path / "base.json"
    write_catalog(base, document(*catalogue_entries()))
    api.script("model:microsoft/Phi-4-mini-instruct", "hang")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "modelscout", "catalog", "refresh", "--catalog", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert api.arrived.wait(30), "the refresh never reached the Hub"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        api.release()
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert cached_catalog_path().read_bytes() == before
    assert load_catalog(cached_catalog_path()).models[0].id == "old-model"


# --- merging with an earlier refresh, and the age shown ----------------------------------------


def test_carry_over_keeps_earlier_hub_data_and_newer_curated_facts(api: HubApiServer) -> None:
    earlier = refresh_catalog(catalogue(), settings=quick())
    bundled = tuple(
        model(**{**e, "intelligence_index": 30}) if e["id"] == "qwen3-8b" else model(**e)
        for e in catalogue_entries()
    )
    found = model(id="found/Model-1B", repo_id="found/Model-1B", curated=False)
    rows = by_id(carry_over(bundled, (*earlier.models, found)))
    assert rows["qwen3-8b"].intelligence_index == 30  # the newer curated fact wins
    assert rows["qwen3-8b"].downloads == 1824357  # last refresh's numbers stay
    assert rows["qwen3-8b"].license == "apache-2.0"
    assert [s.kind for s in rows["qwen3-8b"].sources] == ["table", "hub"]
    assert "found/Model-1B" in rows  # earlier discoveries are kept

    api.script("model:Qwen/Qwen3-8B", "500", "500", "500")
    again = refresh_catalog(tuple(rows.values()), settings=quick())
    assert by_id(again.models)["qwen3-8b"].downloads == 1824357


def test_catalog_age_reads_dates_and_times() -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    assert catalog_age("2026-11-22", now) == "3 days ago"
    assert catalog_age("2026-11-25", now) == "today"
    assert catalog_age("2026-11-24", now) == "1 day ago"
    assert catalog_age("2026-11-25T11:00:00Z", now) == "1 hour ago"
    assert catalog_age("2026-11-25T11:59:30Z", now) == "just now"
    assert catalog_age(None, now) == "unknown"
    assert catalog_age("yesterday", now) == "unknown"


def test_catalog_info_shows_origin_and_age(
    api: HubApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    result = refresh_catalog(catalogue(), settings=quick())
    write_catalog(cached_catalog_path(), catalog_document(result.models, result.refreshed_at))
    assert main(["catalog", "info", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["origin"] == "cache" and facts["cache_present"] is True
    assert facts["refreshed_at"] == result.refreshed_at and facts["refreshed_age"] == "just now"
    assert (facts["models"], facts["curated"], facts["with_repo_id"]) == (7, 7, 6)
    assert main(["catalog", "info"]) == 0
    assert "(cache)" in capsys.readouterr().out


# --- where and as whom ---------------------------------------------------------------------


def test_endpoint_and_offline_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "https://mirror.example/hf/")
    assert HubEnv.from_environ().endpoint == "https://mirror.example/hf"
    assert HubEnv.from_environ(endpoint="http://127.0.0.1:9").endpoint == "http://127.0.0.1:9"
    assert display_endpoint("https://user:secret@mirror.example/hf") == "https://mirror.example/hf"
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    assert not HubEnv.from_environ().offline
    monkeypatch.setenv("HF_HUB_OFFLINE", "true")
    assert HubEnv.from_environ().offline
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert not HubEnv.from_environ().offline and HubEnv.from_environ(offline=True).offline


def test_endpoint_that_is_not_http_is_refused(api: HubApiServer) -> None:
    with pytest.raises(hub_refresh.RefreshError, match="http"):
        refresh_catalog(catalogue(), hub(endpoint="ftp://example"), settings=quick())


def test_unreadable_cache_is_replaced_by_a_refresh(
    api: HubApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = cached_catalog_path()
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text('{"schema_version": 1, "models": [')
    base = tmp_path / "base.json"
    write_catalog(base, document(*catalogue_entries()))
    assert main(["catalog", "refresh", "--catalog", str(base)]) == 0
    assert "cached catalogue is unreadable and will be replaced" in capsys.readouterr().err
    assert len(load_catalog(cache).models) == len(catalogue_entries())


def test_many_failures_with_one_cause_are_said_once(
    api: HubApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    repos = [f"demo/Model-{i}" for i in range(6)]
    write_catalog(base, document(*(entry(id=r, repo_id=r) for r in repos)))
    for repo in repos[:5]:
        api.script(f"model:{repo}", "malformed")
    assert main(["catalog", "refresh", "--catalog", str(base)]) == 1
    err = capsys.readouterr().err
    assert "  5 repos (demo/Model-0, demo/Model-1, demo/Model-2, ...): the Hub's answer" in err
    assert "  demo/Model-5: not on the Hub" in err


def test_a_hub_that_never_answers_is_given_up_after_one_entry(api: HubApiServer) -> None:
    for entry_ in catalogue_entries():
        if entry_["repo_id"]:
            api.script(f"model:{entry_['repo_id']}", "hang", "hang", "hang")
    try:
        settings = quick(concurrency=1, max_retries=2, timeout_s=0.2)
        result = refresh_catalog(catalogue(), settings=settings)
    finally:
        api.release()
    assert {o.message for o in result.outcomes} == {
        "timed out after 0.2 s (3 attempts, no answer yet)"
    }
    assert len(api.requests) == 3  # as many as one entry may make; the rest were not sent


def test_a_tiny_discovered_model_keeps_its_exact_size_and_reloads(tmp_path: Path) -> None:
    from modelscout.catalog.hub_answers import discovered_model

    info = {
        "id": "tiny/Model-135K",
        "safetensors": {"parameters": {"F32": 135_000}, "total": 135_000},
        "tags": ["llama"],
        "pipeline_tag": "text-generation",
    }
    found = discovered_model(info, "https://huggingface.co", "2026-11-25T00:00:00Z")
    assert found is not None and found.total_params_b == pytest.approx(0.000135)
    assert found.downloads is None and found.license is None  # the Hub did not say
    path = tmp_path / "c.json"
    write_catalog(path, catalog_document([found]))
    assert load_catalog(path).models == (found,)


def test_counters_the_hub_leaves_out_keep_their_old_values() -> None:
    from modelscout.catalog.hub_answers import apply_hub_info

    before = model(downloads=10, likes=2, license="mit")
    after = apply_hub_info(
        before, {"id": "demo/Demo-7B"}, None, "https://hf.co", "2026-11-25T00:00:00Z"
    )
    assert (after.downloads, after.likes, after.license) == (10, 2, "mit")
    assert after.refreshed_at == "2026-11-25T00:00:00Z"


# --- a hostile Hub: answers that would crash the refresh or poison the cache ----------------------

ESC_ID = "evil/\x1b]0;owned\x07x"


def test_hostile_answers_never_crash_the_refresh_nor_reach_the_cache(api: HubApiServer) -> None:
    """Each would crash the refresh or make it write a cache its own loader rejects."""
    api.answers["model:Qwen/Qwen3-8B"] = {"id": "Qwen/Qwen3-8B", "safetensors": {"total": 10**400}}
    api.answers["model:google/gemma-3-4b-it"] = {
        "id": "google/gemma-3-4b-it",
        "safetensors": {"total": -5},
        "downloads": -3,
        "likes": 10**30,
    }
    api.answers["gguf:meta-llama/Llama-3.1-8B-Instruct"] = [{"id": "no-slash"}, {"id": "a/b"}]
    api.answers["discover"] = [
        {"id": "org/fine", "safetensors": {"total": 7_000_000_000}, "tags": 5},
        {"id": "a/", "safetensors": {"total": 1_000_000_000}},
        {"id": ESC_ID, "safetensors": {"total": 1_000_000_000}},
        {"id": "org/negative", "safetensors": {"total": -1}},
        {"id": "org/huge", "safetensors": {"total": 10**400}},
        "not an object",
    ]
    result = refresh_catalog(catalogue(), discover=DiscoverQuery(limit=10), settings=quick())
    models = by_id(result.models)
    assert result.discovered == ("org/fine",)
    assert models["qwen3-8b"].hub_params_b is None  # a 400-digit count is no count
    assert models["gemma-3-4b"].hub_params_b is None and models["gemma-3-4b"].downloads is None
    assert models["llama-3.1-8b"].gguf_repos == ("a/b",)
    saved = save_refreshed(result)
    assert {m.id for m in load_catalog(saved).models} == set(models)


def test_a_result_the_loader_would_refuse_is_never_written(api: HubApiServer) -> None:
    old = old_cache()
    bad = hub_refresh.RefreshResult(models=(model(), model()))  # the same id twice
    with pytest.raises(hub_refresh.RefreshError, match="not written.*duplicate id"):
        save_refreshed(bad)
    assert cached_catalog_path().read_bytes() == old


def test_a_hub_dripping_its_answers_is_given_up_on_at_the_deadline(api: HubApiServer) -> None:
    """One byte at a time never trips a read timeout; the per-request and overall limits do."""
    from concurrent.futures import ThreadPoolExecutor

    api.script("body", *["drip:0.2"] * 100)
    pool = ThreadPoolExecutor(1)
    try:
        settings = quick(timeout_s=0.5, deadline_s=1.5)
        running = pool.submit(refresh_catalog, catalogue(), settings=settings)
        result = running.result(timeout=30)  # a bound for the old behaviour: minutes per answer
    finally:
        pool.shutdown(wait=False)
    assert result.outcomes and all(o.status == "failed" for o in result.outcomes)
    messages = {o.message or "" for o in result.outcomes}
    assert all("ran out of time" in m or "timed out" in m for m in messages), messages


def test_an_answer_past_the_size_bound_is_abandoned_as_it_arrives(api: HubApiServer) -> None:
    api.script("body", "huge:16")
    one = (model(id="qwen3-8b", repo_id="Qwen/Qwen3-8B"),)
    result = refresh_catalog(one, settings=quick(max_answer_bytes=1024 * 1024, gguf=False))
    (failed,) = result.with_status("failed")
    assert "larger than 1,048,576 bytes" in (failed.message or "")
    assert api.body_bytes_sent < 16 * 1024 * 1024  # it stopped reading; the rest was never sent


def test_an_answer_nested_100000_deep_fails_its_entry_only(api: HubApiServer) -> None:
    api.script("body", "deep")  # the first answer
    result = refresh_catalog(catalogue(), settings=quick(concurrency=1, gguf=False))
    failed = result.with_status("failed")
    assert [o.message for o in failed] == ["the Hub's answer is nested too deeply"]
    assert result.with_status("refreshed")  # the others went on
