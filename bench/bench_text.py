"""Text index benchmark: build time, stored size, memory after loading and per-word query times.

The texts are the compact search texts the query columns index (`compact_search_text`), of a
catalogue file (`--catalog`; parsing one of a million models takes minutes and about 3 GB), of a
generated one of `--models` models (the default), or one text per line of a file (`--texts`; a
\\x1f in a line stands for a newline). The index is built and its arrays saved as .npy files in a
temporary folder; a fresh interpreter then maps them (what a later run of the app does), reports
its resident memory and asks every prefix of the words a user types, each the first time (nothing
remembered) and again at once. Times are CPU time of the asking thread, with wall time beside.

    python bench/bench_text.py --models 100000
    python bench/bench_text.py --catalog /tmp/modelscout-bench/catalog-1000000.json
    python bench/bench_text.py --texts texts.txt
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from measure import REPO_ROOT, child_env

WORDS = ["instru", "qwen", "llama", "8b", "3.1", "coder-instruct", "x"]
# Words of separators and characters outside [a-z0-9], answered without tokens.
ODD_WORDS = ["--", "./", "é", "/-", "---"]
# Without token separators a word is answered from the vocabulary; with them, by comparing bytes.
TARGET_MS = {"plain": 10.0, "separated": 60.0}


def prefixes() -> list[str]:
    return [word[:end] for word in WORDS for end in range(1, len(word) + 1)] + ODD_WORDS


def read_texts(args: argparse.Namespace) -> list[str]:
    if args.texts is not None:
        with open(args.texts, encoding="utf-8") as lines:
            return [line.rstrip("\n").replace("\x1f", "\n") for line in lines]
    sys.path.insert(0, str(REPO_ROOT / "src"))
    from modelscout.catalog import parse_catalog
    from modelscout.query.engine import compact_search_text

    if args.catalog is not None:
        document = json.loads(Path(args.catalog).read_bytes())
    else:
        sys.path.insert(0, str(REPO_ROOT))
        from bench.gen_catalog import catalog_document

        document = catalog_document(args.models, seed=1)
    models = parse_catalog(document, "bench")[0]
    return [compact_search_text(model) for model in models]


def build(args: argparse.Namespace, folder: Path) -> dict[str, float]:
    from modelscout.query.text_index import TextIndex

    texts = read_texts(args)
    started = time.process_time()
    index = TextIndex.build(texts, len(texts))
    build_s = time.process_time() - started
    arrays = index.arrays()
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
    return {
        "rows": len(texts),
        "text_mb": sum(len(t.encode()) for t in texts) / 1e6,
        "build_cpu_s": build_s,
        "arrays_mb": sum(a.nbytes for a in arrays.values()) / 1e6,
        **{f"mb:{name}": a.nbytes / 1e6 for name, a in arrays.items()},
    }


def query(folder: Path, count: int, repeats: int) -> dict[str, object]:
    """In a fresh interpreter: map the arrays, then time every prefix (median of `repeats`)."""
    from modelscout.query.text_index import TextIndex

    rss_before = _rss_mb()
    started = time.perf_counter()
    arrays = {p.stem: np.load(p, mmap_mode="r") for p in folder.glob("*.npy")}
    index = TextIndex.from_arrays(arrays, count)
    load_ms = (time.perf_counter() - started) * 1000
    rss_loaded = _rss_mb()
    first: dict[str, list[float]] = {}
    again: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    for _ in range(repeats):
        index = TextIndex.from_arrays(arrays, count)  # nothing remembered from the last round
        for word in prefixes():
            started, cpu = time.perf_counter(), time.thread_time()
            mask = index.matching(word)
            first.setdefault(word, []).append((time.thread_time() - cpu) * 1000)
            wall.setdefault(word, []).append((time.perf_counter() - started) * 1000)
            found[word] = int(mask.sum())
            cpu = time.thread_time()
            index.matching(word)
            again.setdefault(word, []).append((time.thread_time() - cpu) * 1000)
    return {
        "load_ms": load_ms,
        "rss_before_mb": rss_before,
        "rss_loaded_mb": rss_loaded,
        "rss_after_queries_mb": _rss_mb(),
        "words": {
            w: (
                statistics.median(first[w]),
                statistics.median(wall[w]),
                statistics.median(again[w]),
                found[w],
            )
            for w in first
        },
    }


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--texts", type=Path, help="one search text per line")
    source.add_argument("--catalog", type=Path, help="a catalogue file")
    source.add_argument("--models", type=int, default=100_000, help="generated catalogue size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--query-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO_ROOT / "src"))
    if args.query_folder is not None:  # the child
        print(json.dumps(query(args.query_folder, args.count, args.repeats)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-text-") as name:
        folder = Path(name)
        built = build(args, folder)
        child = subprocess.run(
            [sys.executable, __file__, "--query-folder", str(folder), "--count", str(built["rows"])]
            + ["--repeats", str(args.repeats)],
            capture_output=True,
            text=True,
            env=child_env(),
            check=True,
        )
    loaded = json.loads(child.stdout)
    print(f"rows {built['rows']:,}  texts {built['text_mb']:.1f} MB")
    print(
        f"build {built['build_cpu_s']:.1f} s CPU (target 25)   arrays {built['arrays_mb']:.1f} MB (target 300)"
    )
    for name, value in built.items():
        if name.startswith("mb:"):
            print(f"  {name[3:]:<22} {value:8.1f} MB")
    print(
        f"from_arrays {loaded['load_ms']:.1f} ms   RSS {loaded['rss_before_mb']:.0f} MB before, "
        f"{loaded['rss_loaded_mb']:.0f} MB loaded, {loaded['rss_after_queries_mb']:.0f} MB after queries"
    )
    print("ms of CPU (wall beside it): first time a word is asked, and asked again at once")
    print(f"{'word':<16} {'first':>7} {'(wall)':>7} {'again':>7} {'rows':>9}  target")
    worst = {"plain": 0.0, "separated": 0.0}
    for word, (first_ms, wall_ms, again_ms, rows) in loaded["words"].items():
        kind = "plain" if re.fullmatch("[a-z0-9]+", word) else "separated"
        worst[kind] = max(worst[kind], first_ms)
        print(
            f"{word:<16} {first_ms:7.2f} {wall_ms:7.2f} {again_ms:7.2f} {rows:9,}"
            f"  {TARGET_MS[kind]:.0f} ms"
        )
    for kind, ms in worst.items():
        verdict = "met" if ms <= TARGET_MS[kind] else "MISSED"
        print(f"worst {kind} word {ms:.1f} ms CPU (target {TARGET_MS[kind]:.0f} ms): {verdict}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
