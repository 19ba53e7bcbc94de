"""Pull a 1 GiB repo from a loopback Hub look-alike with `modelscout pull` and with `hf download`.

Prints MB/s for each (wall time of the whole command, start-up included, median of the runs), the
ratio modelscout / hf, and what the progress bar costs (`--progress` drawing to a terminal-like
stream against `--no-progress`), in CPU time of the pull process (steady even on a busy machine)
and in wall time. Runs interleave so drift in the machine hits every tool alike.

    .venv/bin/python bench/bench_pull.py [--size-mib 1024] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hub.hubserver import HubServer  # noqa: E402

REPO = "bench/one-gib"


def repo_files(total_bytes: int) -> dict[str, bytes]:
    """Two safetensors shards (incompressible bytes) and the small files a real repo has."""
    rng = random.Random(1234)

    def noise(size: int) -> bytes:
        piece = 64 * 1024 * 1024  # randbytes takes at most 2**31 bits at a time
        return b"".join(rng.randbytes(min(piece, size - at)) for at in range(0, size, piece))

    first = total_bytes // 2
    return {
        "config.json": b'{"model_type": "llama"}\n',
        "tokenizer.json": b'{"version": "1.0"}\n',
        "model-00001-of-00002.safetensors": noise(first),
        "model-00002-of-00002.safetensors": noise(total_bytes - first),
        "model.safetensors.index.json": b'{"weight_map": {}}\n',
    }


def env_for(server: HubServer, hf_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))}
    env.update(
        {
            "HF_ENDPOINT": server.url,
            "HF_HOME": str(hf_home),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "COLUMNS": "120",
        }
    )
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    total = args.size_mib * 1024 * 1024
    bin_dir = Path(sys.executable).parent
    hf = shutil.which("hf", path=str(bin_dir)) or shutil.which("hf")
    if hf is None:
        raise SystemExit("`hf` (huggingface_hub's CLI) is not installed next to this Python")
    tools = {
        "modelscout --no-progress": [
            sys.executable,
            "-m",
            "modelscout",
            "pull",
            REPO,
            "--variant",
            "all",
            "--no-progress",
        ],
        "modelscout --progress": [
            sys.executable,
            "-m",
            "modelscout",
            "pull",
            REPO,
            "--variant",
            "all",
            "--progress",
        ],
        "hf download": [hf, "download", REPO],
    }
    print(f"generating a {args.size_mib} MiB repo ...", flush=True)
    server = HubServer()
    server.add_repo(REPO, repo_files(total))
    times: dict[str, list[float]] = {name: [] for name in tools}
    cpus: dict[str, list[float]] = {name: [] for name in tools}
    scratch = Path(tempfile.mkdtemp(prefix="bench-pull-"))
    try:
        for run in range(args.runs):
            for name, cmd in tools.items():
                home = scratch / f"home-{run}-{name.split()[0]}"
                elapsed, cpu = timed(cmd, env_for(server, home))
                times[name].append(elapsed)
                cpus[name].append(cpu)
                shutil.rmtree(home, ignore_errors=True)
                print(
                    f"  run {run + 1} {name:26} {elapsed:6.2f} s wall {cpu:6.2f} s CPU", flush=True
                )
    finally:
        server.close()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{args.size_mib} MiB from {server.url} (loopback), median of {args.runs} runs:")
    rate = {}
    for name, samples in times.items():
        median = statistics.median(samples)
        rate[name] = total / median / 1e6
        cpu = statistics.median(cpus[name])
        print(f"  {name:26} {rate[name]:8.1f} MB/s  ({median:.2f} s wall, {cpu:.2f} s CPU)")
    theirs = rate["hf download"]
    print(f"  ratio modelscout / hf download: {rate['modelscout --no-progress'] / theirs:.2f}")
    print(
        f"  ratio modelscout with progress bar / hf download: "
        f"{rate['modelscout --progress'] / theirs:.2f}"
    )

    # Paired per-run differences: each --progress run against the --no-progress run just before it,
    # so a burst of load elsewhere on the machine hits both sides of a pair.
    def paired(samples: dict[str, list[float]]) -> float:
        pairs = zip(
            samples["modelscout --no-progress"], samples["modelscout --progress"], strict=True
        )
        return statistics.median((shown - quiet) / quiet for quiet, shown in pairs)

    print(
        f"  progress display cost (median of paired runs): "
        f"{100 * paired(cpus):+.1f} % CPU, {100 * paired(times):+.1f} % wall time"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
