"""Build catalog.json from the seed leaderboard tables and the curated overlay in data/curated/.

Every number a table states is parsed from the seed file itself; the overlay adds what the tables
lack (repo ids, licences, architecture) from official model cards, and the articles' models. When the
model card and the table disagree the card wins and the entry must say so in `notes`.

    python tools/build_catalog.py [--seeds ../shared/seeds] [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from modelscout.catalog.load import SCHEMA_VERSION, parse_catalog  # noqa: E402
from modelscout.catalog.seedtable import TableRow, read_table, slug  # noqa: E402

TABLE_SEEDS = ("000_22b534812c0c48a7.txt", "001_c06a5ca59f3b9756.txt")
OVERLAY_KEYS = (
    "repo_id",
    "license",
    "gated",
    "release",
    "modality",
    "reasoning",
    "training_data_open",
    "architecture",
    "gguf_repo_id",
    "weights_available",
    "notes",
)
ARTICLE_ONLY_KEYS = (
    "name",
    "creator",
    "total_params_b",
    "active_params_b",
    "context_tokens",
    "weights_available",
)
CARD_NUMBERS = ("total_params_b", "active_params_b", "context_tokens")


def reasoning_from_name(name: str) -> bool | None:
    lowered = name.lower()
    if "non-reasoning" in lowered:
        return False
    if any(w in lowered for w in ("(reasoning)", "thinking", "think", "(high)", "(low)")):
        return True
    return None


def table_entry(row: TableRow) -> dict[str, Any]:
    says: dict[str, Any] = {
        "total_params_b": row.total_params_b,
        "context_tokens": row.context_tokens,
        "weights_available": row.weights_available,
    }
    if row.active_params_b is not None:
        says["active_params_b"] = row.active_params_b
    for key in ("intelligence_index", "price_usd_per_mtok", "speed_tps"):
        if getattr(row, key) is not None:
            says[key] = getattr(row, key)
    return {
        "id": slug(row.name),
        "name": row.name,
        "creator": row.creator,
        "repo_id": None,
        "total_params_b": row.total_params_b,
        "active_params_b": row.active_params_b or row.total_params_b,
        "moe": row.active_params_b is not None and row.active_params_b < row.total_params_b,
        "context_tokens": row.context_tokens,
        "reasoning": reasoning_from_name(row.name),
        "modality": None,
        "intelligence_index": row.intelligence_index,
        "price_usd_per_mtok": row.price_usd_per_mtok,
        "speed_tps": row.speed_tps,
        "weights_available": row.weights_available,
        "license": None,
        "gated": None,
        "release": None,
        "training_data_open": False,
        "sources": [{"kind": "table", "ref": row.seed, "detail": row.label, "says": says}],
        "notes": None,
    }


def differs(a: float, b: float, tolerance: float = 0.05) -> bool:
    return abs(a - b) > tolerance * max(abs(a), abs(b))


def apply_overlay(entry: dict[str, Any], overlay: dict[str, Any], problems: list[str]) -> None:
    for key in OVERLAY_KEYS:
        if overlay.get(key) is not None:
            entry[key] = overlay[key]
    if overlay.get("moe") is not None:
        entry["moe"] = overlay["moe"]
    card = overlay.get("model_card")
    if card:
        says = dict(card.get("says") or {})
        entry["sources"].append({"kind": "model_card", "ref": card["url"], "says": says})
        for key in CARD_NUMBERS:
            if says.get(key) is None:
                continue
            disagrees = entry.get(key) is not None and differs(float(entry[key]), float(says[key]))
            if disagrees and not entry.get("notes"):
                problems.append(
                    f"{entry['id']}: model card says {key}={says[key]}, table says "
                    f"{entry[key]}: explain in notes"
                )
            entry[key] = int(says[key]) if key == "context_tokens" else float(says[key])
        if "active_params_b" not in says and entry["moe"] is False:
            entry["active_params_b"] = entry["total_params_b"]
    for article in overlay.get("articles") or []:
        source = {
            "kind": "article",
            "ref": article["ref"],
            "detail": article.get("section"),
            "says": article.get("says") or {},
        }
        known = [(s["ref"], s.get("detail")) for s in entry["sources"]]
        if (source["ref"], source["detail"]) not in known:
            entry["sources"].append(source)


def build(seeds: Path, curated: Path) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    entries: dict[str, dict[str, Any]] = {}
    for seed in TABLE_SEEDS:
        for row in read_table(seeds / seed):
            entry = table_entry(row)
            entries[entry["id"]] = entry
    overlays: list[dict[str, Any]] = []
    for path in sorted(curated.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            overlays.append(item)
    for overlay in overlays:
        entry_id = overlay["id"]
        if entry_id not in entries:
            missing = [
                k for k in ARTICLE_ONLY_KEYS if overlay.get(k) is None and k != "context_tokens"
            ]
            if missing:
                problems.append(f"{entry_id}: not in a table and lacks {', '.join(missing)}")
                continue
            entries[entry_id] = {
                "id": entry_id,
                **{k: overlay.get(k) for k in ARTICLE_ONLY_KEYS},
                "repo_id": None,
                "moe": overlay.get("moe", overlay["active_params_b"] < overlay["total_params_b"]),
                "reasoning": None,
                "modality": None,
                "intelligence_index": None,
                "price_usd_per_mtok": None,
                "speed_tps": None,
                "license": None,
                "gated": None,
                "release": None,
                "training_data_open": False,
                "sources": [],
                "notes": None,
            }
        apply_overlay(entries[entry_id], overlay, problems)
    for entry in entries.values():
        if entry["modality"] is None:
            problems.append(f"{entry['id']}: modality unknown")
        if entry["reasoning"] is None:
            print(f"note: {entry['id']}: reasoning unknown", file=sys.stderr)
        if not entry["sources"]:
            problems.append(f"{entry['id']}: no source")
        if entry.get("architecture") is None:
            entry.pop("architecture", None)
    document = {
        "schema_version": SCHEMA_VERSION,
        "built": dt.date.today().isoformat(),
        "models": list(entries.values()),
    }
    return document, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--curated", type=Path, default=ROOT / "data" / "curated")
    parser.add_argument("--out", type=Path, default=ROOT / "catalog.json")
    parser.add_argument("--lenient", action="store_true", help="write even with unknown facts")
    args = parser.parse_args()
    document, problems = build(args.seeds, args.curated)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems and not args.lenient:
        return 1
    if args.lenient:
        for entry in document["models"]:
            entry["modality"] = entry["modality"] or "text"
    parse_catalog(document, str(args.out))
    args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(document['models'])} models", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
