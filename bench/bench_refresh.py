"""Refresh a synthetic catalogue from a loopback Hub API with `refresh_catalog` and with huggingface_hub.

The server adds a fixed delay to every answer to stand in for the network round trip to the Hub.
Both sides make the same requests (model info with the same expanded fields, then the GGUF lookup):
huggingface_hub's `HfApi.model_info` / `HfApi.list_models` one after another, as a straightforward
script would, and `refresh_catalog` with its bounded concurrency. Prints the median wall time of each,
requests per second, and the ratio.

    .venv/bin/python bench/bench_refresh.py [--models 200] [--delay-ms 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from modelscout.catalog import model_from_dict  # noqa: E402
from modelscout.catalog.refresh import refresh_catalog  # noqa: E402
from modelscout.hub.api import MODEL_EXPAND, ClientSettings  # noqa: E402
from modelscout.hub.env import HubEnv  # noqa: E402
from tests.catalog.factory import entry  # noqa: E402
from tests.hub.apiserver import HubApiServer  # noqa: E402


def write_answers(data: Path, count: int) -> list[str]:
    record = json.loads((ROOT / "tests/hub/data/api/models/Qwen/Qwen3-8B.json").read_text())
    gguf = json.loads((ROOT / "tests/hub/data/api/quantized/Qwen/Qwen3-8B.json").read_text())
    repos = [f"bench/model-{i:04d}" for i in range(count)]
    for repo in repos:
        (data / "models" / repo).parent.mkdir(parents=True, exist_ok=True)
        (data / "models" / f"{repo}.json").write_text(json.dumps({**record, "id": repo}))
        (data / "quantized" / repo).parent.mkdir(parents=True, exist_ok=True)
        (data / "quantized" / f"{repo}.json").write_text(json.dumps(gguf))
    return repos


def with_huggingface_hub(endpoint: str, repos: list[str]) -> None:
    from huggingface_hub import HfApi

    api = HfApi(endpoint=endpoint, token=False)
    for repo in repos:
        api.model_info(repo, expand=list(MODEL_EXPAND))  # type: ignore[arg-type]
        list(
            api.list_models(
                filter=[f"base_model:quantized:{repo}", "gguf"], sort="downloads", limit=5
            )
        )


def with_modelscout(endpoint: str, repos: list[str], concurrency: int) -> None:
    models = [model_from_dict(entry(id=r, repo_id=r), "bench") for r in repos]
    hub_env = HubEnv(endpoint=endpoint)  # no token: the bench Hub needs none
    result = refresh_catalog(models, hub_env, settings=ClientSettings(concurrency=concurrency))
    assert len(result.with_status("refreshed")) == len(repos), result.summary()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repos = write_answers(Path(tmp), args.models)
        server = HubApiServer(Path(tmp))
        server.delay_s = args.delay_ms / 1000
        contenders = {
            "huggingface_hub, sequential": lambda: with_huggingface_hub(server.url, repos),
            "modelscout, concurrency 1": lambda: with_modelscout(server.url, repos, 1),
            "modelscout, concurrency 8": lambda: with_modelscout(server.url, repos, 8),
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        try:
            for _ in range(args.runs):  # interleaved, so drift hits every contender alike
                for name, run in contenders.items():
                    start = time.perf_counter()
                    run()
                    times[name].append(time.perf_counter() - start)
        finally:
            server.close()
    requests = 2 * args.models
    print(
        f"{args.models} models, {requests} requests, {args.delay_ms:g} ms per answer, {args.runs} runs"
    )
    medians = {name: statistics.median(values) for name, values in times.items()}
    peer = medians["huggingface_hub, sequential"]
    for name, median in medians.items():
        print(
            f"  {name:30s} {median:7.2f} s  {requests / median:7.1f} req/s  x{peer / median:5.2f}"
        )


if __name__ == "__main__":
    main()
