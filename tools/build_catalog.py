"""Build catalog.json from the seed leaderboard tables and the curated files in data/curated/.

Every number a table states is parsed from the seed file itself and kept in that row's source. What a
checkpoint is (exact parameter counts, context limit, attention layout, licence, gating) comes from
data/curated/checkpoints.json, one record per Hugging Face repo, shared by every row that shows that
repo, so twin rows cannot disagree. The other curated files say which repo a row is, what the model
card and the articles say, and the notes a user reads. The build refuses to write a catalogue that
breaks the rules in modelscout.catalog.audit (twins agree, integer contexts, layouts, sources).

    python tools/build_catalog.py [--seeds ../shared/seeds] [--lenient]
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

from modelscout.catalog.audit import PHYSICAL_FIELDS, catalogue_problems  # noqa: E402
from modelscout.catalog.load import SCHEMA_VERSION, parse_catalog  # noqa: E402
from modelscout.catalog.seedtable import TableRow, read_table, slug  # noqa: E402

TABLE_SEEDS = ("000_22b534812c0c48a7.txt", "001_c06a5ca59f3b9756.txt")
CHECKPOINTS = "checkpoints.json"
# What a row of the overlay may set; a checkpoint's facts live in checkpoints.json.
OVERLAY_KEYS = (
    "repo_id",
    "reasoning",
    "training_data_open",
    "weights_available",
    "notes",
)
# Physical facts an overlay row may state itself only when it has no repo (no checkpoint record).
REPOLESS_KEYS = ("license", "gated", "release", "modality", "architecture", "gguf_repo_id")
ARTICLE_ONLY_KEYS = ("name", "creator", "weights_available")
ARTICLE_ONLY_NUMBERS = ("total_params_b", "active_params_b", "context_tokens")


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


def apply_checkpoint(
    entry: dict[str, Any],
    overlay: dict[str, Any],
    checkpoints: dict[str, dict[str, Any]],
    problems: list[str],
) -> None:
    """The repo's physical facts over whatever a table or article printed (kept in sources)."""
    repo = entry.get("repo_id")
    record = checkpoints.get(repo) if repo else None
    if record is None:
        for key in REPOLESS_KEYS:
            if overlay.get(key) is not None:
                entry[key] = overlay[key]
        if "context_tokens" in overlay:  # null: the table's figure is no limit anyone states
            entry["context_tokens"] = overlay["context_tokens"]
        if entry.get("weights_available") and repo:
            problems.append(f"{entry['id']}: repo {repo} has no record in {CHECKPOINTS}")
        return
    stray = [k for k in PHYSICAL_FIELDS if k in overlay and k != "repo_id"]
    if stray:
        problems.append(
            f"{entry['id']}: {', '.join(stray)} belong to {repo}'s record in {CHECKPOINTS}"
        )
    for key in PHYSICAL_FIELDS:
        if key in record:
            entry[key] = record[key]
    entry["sources"].extend(record.get("sources") or [])


def read_checkpoints(path: Path, problems: list[str]) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return records
    for record in json.loads(path.read_text(encoding="utf-8")):
        repo = record["repo_id"]
        if repo in records:
            problems.append(f"{CHECKPOINTS}: {repo} has two records")
        records[repo] = record
    return records


def build(seeds: Path, curated: Path) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    entries: dict[str, dict[str, Any]] = {}
    for seed in TABLE_SEEDS:
        for row in read_table(seeds / seed):
            entry = table_entry(row)
            entries[entry["id"]] = entry
    checkpoints = read_checkpoints(curated / CHECKPOINTS, problems)
    overlays: list[dict[str, Any]] = []
    for path in sorted(curated.glob("*.json")):
        if path.name != CHECKPOINTS:
            overlays.extend(json.loads(path.read_text(encoding="utf-8")))
    for overlay in overlays:
        entry_id = overlay["id"]
        if entry_id not in entries:
            record = checkpoints.get(overlay.get("repo_id") or "")
            needed = ARTICLE_ONLY_KEYS + (() if record else ARTICLE_ONLY_NUMBERS[:2])
            missing = [k for k in needed if overlay.get(k) is None]
            if missing:
                problems.append(f"{entry_id}: not in a table and lacks {', '.join(missing)}")
                continue
            entries[entry_id] = {
                "id": entry_id,
                **{k: overlay.get(k) for k in ARTICLE_ONLY_KEYS + ARTICLE_ONLY_NUMBERS},
                "repo_id": None,
                "moe": False,
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
            if record is None:
                total, active = overlay["total_params_b"], overlay["active_params_b"]
                entries[entry_id]["moe"] = overlay.get("moe", active < total)
        apply_overlay(entries[entry_id], overlay, problems)
        apply_checkpoint(entries[entry_id], overlay, checkpoints, problems)
    for entry in entries.values():
        if entry["modality"] is None:
            problems.append(f"{entry['id']}: modality unknown")
        if entry["reasoning"] is None:
            print(f"note: {entry['id']}: reasoning unknown", file=sys.stderr)
        if not entry["sources"]:
            problems.append(f"{entry['id']}: no source")
        if entry.get("architecture") is None:
            entry.pop("architecture", None)
    used = {e.get("repo_id") for e in entries.values()}
    problems.extend(f"{CHECKPOINTS}: {r} is no entry's repo" for r in checkpoints if r not in used)
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
    models, _ = parse_catalog(document, str(args.out))
    rules = catalogue_problems(models)
    for problem in rules:
        print(f"problem: {problem}", file=sys.stderr)
    if rules and not args.lenient:
        return 1
    args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(document['models'])} models", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
