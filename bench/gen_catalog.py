"""Write a synthetic catalogue of N models shaped like a Hub refresh, for the benchmarks.

The shape follows what a refresh from the Hugging Face Hub produces rather than the curated bundle:
names like ``org/Model-7B-Instruct`` from a few large organisations and a long tail of fine-tuners,
parameter counts log-distributed from 0.1B to 700B with a share of mixture-of-experts models,
contexts from 2k to 1M tokens, a licence mix dominated by Apache-2.0 and MIT, most models without an
intelligence index, and download counts with the Hub's heavy tail. The output is deterministic for
a given N and seed and passes ``modelscout.catalog.load`` validation.

    python bench/gen_catalog.py 100000 -o /tmp/catalog-100k.json
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

from modelscout.catalog.load import SCHEMA_VERSION

# (organisation, creator shown in the table, family stems, weight). Big labs publish a few
# families each; the long tail below is made of fine-tuners and quantisers.
LABS: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("meta-llama", "Meta", ("Llama-3.1", "Llama-3.2", "Llama-3.3", "Llama-4", "CodeLlama"), 6.0),
    ("Qwen", "Alibaba", ("Qwen2.5", "Qwen3", "Qwen3.5", "QwQ", "Qwen2.5-Coder", "Qwen3-VL"), 8.0),
    ("mistralai", "Mistral", ("Mistral", "Mixtral", "Ministral", "Magistral", "Devstral"), 4.0),
    ("google", "Google", ("gemma-2", "gemma-3", "gemma-3n", "codegemma"), 4.0),
    ("microsoft", "Microsoft", ("Phi-3", "Phi-3.5", "Phi-4", "Phi-4-mini"), 3.0),
    ("deepseek-ai", "DeepSeek", ("DeepSeek-V3", "DeepSeek-R1", "DeepSeek-Coder-V2"), 3.0),
    ("nvidia", "NVIDIA", ("Nemotron", "Llama-3.1-Nemotron", "Nemotron-H"), 2.0),
    ("ibm-granite", "IBM", ("granite-3.3", "granite-4.0"), 1.5),
    ("allenai", "Allen Institute for AI", ("OLMo-2", "Olmo-3", "Tulu-3"), 1.5),
    ("HuggingFaceTB", "Hugging Face", ("SmolLM2", "SmolLM3"), 1.0),
    ("LiquidAI", "Liquid AI", ("LFM2", "LFM2.5"), 1.0),
    ("tiiuae", "TII", ("Falcon3", "Falcon-H1"), 1.0),
    ("zai-org", "Z.ai", ("GLM-4.5", "GLM-4.6", "GLM-Z1"), 1.0),
    ("moonshotai", "Moonshot AI", ("Kimi-K2", "Kimi-Dev"), 0.5),
    ("openai", "OpenAI", ("gpt-oss",), 0.5),
    ("01-ai", "01.AI", ("Yi-1.5", "Yi-Coder"), 0.5),
    ("internlm", "Shanghai AI Lab", ("internlm3", "Intern-S1"), 0.5),
)
TAIL_PREFIXES = (
    "unsloth", "bartowski", "mlx-community", "TheBloke", "NousResearch", "cognitivecomputations",
    "lmstudio-community", "MaziyarPanahi", "mradermacher", "QuantFactory", "arcee-ai", "upstage",
)  # fmt: skip
SUFFIXES: tuple[tuple[str, float], ...] = (
    ("Instruct", 30.0),
    ("", 15.0),
    ("Chat", 8.0),
    ("Base", 6.0),
    ("Coder-Instruct", 4.0),
    ("Thinking", 4.0),
    ("it", 6.0),
    ("GGUF", 8.0),
    ("Instruct-GGUF", 8.0),
    ("AWQ", 3.0),
    ("GPTQ-Int4", 3.0),
    ("abliterated", 2.0),
    ("DPO", 2.0),
    ("SFT", 2.0),
    ("Instruct-2507", 2.0),
    ("4bit", 3.0),
)
FINETUNE_WORDS = (
    "Hermes", "Dolphin", "Nous", "Orca", "Zephyr", "Tess", "Open", "Wizard", "Storm", "Nova", "Aether",
    "Luna", "Sage", "Atlas", "Magnum", "Eva", "Rocinante", "Celeste", "Lumi", "Tiger", "Euryale",
)  # fmt: skip
# Contexts the Hub's configs actually declare, with rough shares.
CONTEXTS: tuple[tuple[int | None, float], ...] = (
    (2048, 4.0),
    (4096, 12.0),
    (8192, 16.0),
    (16384, 6.0),
    (32768, 22.0),
    (65536, 5.0),
    (131072, 22.0),
    (262144, 6.0),
    (1048576, 2.0),
    (None, 5.0),
)
LICENSES: tuple[tuple[str | None, float], ...] = (
    ("apache-2.0", 38.0),
    ("mit", 14.0),
    ("llama3.1", 6.0),
    ("llama3.2", 4.0),
    ("llama3.3", 2.0),
    ("gemma", 5.0),
    ("cc-by-nc-4.0", 5.0),
    ("cc-by-4.0", 2.0),
    ("openrail", 1.0),
    ("other", 8.0),
    ("qwen", 3.0),
    (None, 12.0),
)
MODALITIES: tuple[tuple[str, float], ...] = (
    ("text", 84.0),
    ("text+image", 13.0),
    ("text+image+audio", 2.0),
    ("text+audio", 1.0),
)


def _pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return rng.choices(values, weights)[0]


def _size_label(params_b: float) -> str:
    """How repo names spell sizes: 0.5B, 1.5B, 7B, 72B, 671B, 135M."""
    if params_b < 1:
        return f"{round(params_b * 1000, -1):.0f}M"
    if params_b < 10:
        return f"{params_b:.1f}".rstrip("0").rstrip(".") + "B"
    return f"{params_b:.0f}B"


def _params(rng: random.Random) -> tuple[float, float, bool]:
    """Total and active billions: log-uniform 0.1-700B, most mass at 1-70B; ~12% MoE above 10B."""
    total = math.exp(rng.gauss(math.log(7.0), 1.6))
    total = min(max(total, 0.1), 700.0)
    total = round(total, 2 if total < 10 else 1)
    moe = total > 10 and rng.random() < 0.25
    active = round(total * rng.uniform(0.04, 0.3), 2) if moe else total
    return total, max(active, 0.01), moe


def make_entry(rng: random.Random, index: int) -> dict[str, Any]:
    """One catalogue entry as a refresh would write it."""
    if rng.random() < 0.35:
        org, creator, families, _ = rng.choices(LABS, [lab[3] for lab in LABS])[0]
        family = rng.choice(families)
    else:
        base_org, creator, families, _ = rng.choices(LABS, [lab[3] for lab in LABS])[0]
        org = (
            rng.choice(TAIL_PREFIXES)
            if rng.random() < 0.4
            else f"{rng.choice(FINETUNE_WORDS).lower()}{rng.randrange(10_000)}"
        )
        creator = org
        family = rng.choice(families)
        if rng.random() < 0.4:
            family = f"{rng.choice(FINETUNE_WORDS)}-{family}"
    total, active, moe = _params(rng)
    size = _size_label(total)
    if moe:
        size = f"{size}-A{_size_label(active)}"
    suffix = _pick(rng, SUFFIXES)
    parts = [family, size] + ([suffix] if suffix else [])
    if rng.random() < 0.15:
        parts.append(f"v{rng.randint(1, 4)}.{rng.randint(0, 9)}")
    repo_name = "-".join(parts)
    repo_id = f"{org}/{repo_name}"
    reasoning = "Thinking" in suffix or family.startswith(("QwQ", "DeepSeek-R1", "Magistral"))
    reasoning = reasoning or rng.random() < 0.08
    license_id = _pick(rng, LICENSES)
    downloads = int(math.exp(rng.gauss(4.0, 2.6)))
    known_index = rng.random() < 0.04
    entry: dict[str, Any] = {
        "id": f"{repo_id.lower().replace('/', '--')}-{index}",
        "name": repo_name.replace("-", " ") if rng.random() < 0.1 else repo_name,
        "creator": creator,
        "repo_id": repo_id,
        "total_params_b": total,
        "active_params_b": active,
        "moe": moe,
        "context_tokens": _pick(rng, CONTEXTS),
        "reasoning": reasoning,
        "modality": _pick(rng, MODALITIES),
        "intelligence_index": round(rng.uniform(5, 70), 1) if known_index else None,
        "price_usd_per_mtok": round(rng.uniform(0.02, 3.0), 2) if known_index else None,
        "speed_tps": round(rng.uniform(20, 400), 1) if known_index and rng.random() < 0.6 else None,
        "weights_available": rng.random() > 0.01,
        "license": license_id,
        "gated": rng.random() < 0.08,
        "release": f"{rng.randint(2023, 2026)}-{rng.randint(1, 12):02d}",
        "training_data_open": rng.random() < 0.02,
        "sources": [{"kind": "hub", "ref": f"https://huggingface.co/{repo_id}"}],
        "notes": None,
        "curated": False,
        "downloads": downloads,
        "likes": int(downloads ** rng.uniform(0.3, 0.6)),
        "last_modified": f"{rng.randint(2023, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z",
        "refreshed_at": "2026-11-25T00:00:00Z",
    }
    if rng.random() < 0.5:
        layers = rng.choice((16, 24, 28, 32, 36, 40, 48, 60, 64, 80, 94, 126))
        group = {
            "kind": "full",
            "count": layers,
            "kv_heads": rng.choice((1, 2, 4, 8, 16)),
            "head_dim": rng.choice((64, 80, 96, 128, 256)),
        }
        entry["architecture"] = {"layers": layers, "groups": [group]}
    if "GGUF" not in suffix and rng.random() < 0.3:
        entry["gguf_repo_id"] = f"{rng.choice(('bartowski', 'unsloth'))}/{repo_name}-GGUF"
    return entry


def catalog_document(count: int, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    models = [make_entry(rng, index) for index in range(count)]
    return {"schema_version": SCHEMA_VERSION, "built": "2026-11-25", "models": models}


def write_catalog(path: Path, count: int, seed: int = 0) -> Path:
    """Write the catalogue compactly indented, as the refresh writes its cache (indent=1).

    Entry by entry, with the layout `json.dumps(catalog_document(...), indent=1)` gives: a
    million entries held at once would take several GB.
    """
    rng = random.Random(seed)
    head = {"schema_version": SCHEMA_VERSION, "built": "2026-11-25"}
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, indent=1)[:-2] + ',\n "models": [')
        for index in range(count):
            entry = json.dumps(make_entry(rng, index), indent=1, ensure_ascii=False)
            out.write(("\n  " if index == 0 else ",\n  ") + entry.replace("\n", "\n  "))
        out.write("\n ]\n}\n" if count else "]\n}\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of models")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_catalog(args.output, args.count, args.seed)
    size_mb = args.output.stat().st_size / 1e6
    print(f"wrote {args.count} models to {args.output} ({size_mb:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
