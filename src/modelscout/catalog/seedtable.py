"""Parse the leaderboard tables in the seed documents.

The catalogue build and the data test read the same rows through this module, so a number in
``catalog.json`` can always be traced back to the exact table row that gave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Creators as the tables spell them; a row reads "<model name> <creator> | ...".
CREATORS: tuple[str, ...] = (
    "Allen Institute for AI",
    "Microsoft Azure",
    "LG AI Research",
    "Nous Research",
    "Korea Telecom",
    "Trillion Labs",
    "InclusionAI",
    "ServiceNow",
    "AI21 Labs",
    "Liquid AI",
    "DeepSeek",
    "Nanbeige",
    "Reka AI",
    "TII UAE",
    "StepFun",
    "Alibaba",
    "Mistral",
    "Google",
    "OpenAI",
    "NVIDIA",
    "Naver",
    "Z AI",
    "Meta",
    "IBM",
)

_PARAMS = re.compile(r"^(?P<total>[\d.]+)B(?: \((?P<active>[\d.]+)B active at inference time\))?$")
_CONTEXT = re.compile(r"^(?P<num>[\d.]+)(?P<unit>[kM])$")


@dataclass(frozen=True)
class TableRow:
    """One model row exactly as a leaderboard table states it."""

    seed: str
    label: str
    name: str
    creator: str
    intelligence_index: int | None
    total_params_b: float
    active_params_b: float | None
    context_tokens: int
    price_usd_per_mtok: float | None
    speed_tps: float | None
    weights_available: bool


def parse_context(text: str) -> int:
    """'262k' -> 262000, '1.00M' -> 1000000: the tables print decimal units, three digits."""
    match = _CONTEXT.match(text.strip())
    if not match:
        raise ValueError(f"unreadable context {text!r}")
    scale = 1_000 if match["unit"] == "k" else 1_000_000
    return round(float(match["num"]) * scale)


def _optional_number(text: str) -> float | None:
    text = text.strip().lstrip("$")
    return None if text in ("-", "") else float(text)


def parse_row(seed: str, line: str) -> TableRow:
    cells = [cell.strip() for cell in line.split("|")]
    label = cells[0]
    creator = next((c for c in CREATORS if label.endswith(" " + c)), None)
    if creator is None:
        raise ValueError(f"{seed}: no known creator in row {label!r}")
    params = _PARAMS.match(cells[2])
    if not params:
        raise ValueError(f"{seed}: unreadable parameters {cells[2]!r}")
    return TableRow(
        seed=seed,
        label=label,
        name=label[: -len(creator) - 1],
        creator=creator,
        intelligence_index=None if cells[1] == "-" else int(cells[1]),
        total_params_b=float(params["total"]),
        active_params_b=float(params["active"]) if params["active"] else None,
        context_tokens=parse_context(cells[3]),
        price_usd_per_mtok=_optional_number(cells[4]),
        speed_tps=_optional_number(cells[5]),
        weights_available=cells[6] != "Not available",
    )


def read_table(path: Path) -> list[TableRow]:
    """Every model row of one seed document's "Further details" table."""
    rows: list[TableRow] = []
    in_table = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("|---"):
            in_table = True
            continue
        if in_table:
            if "|" not in line:
                break
            rows.append(parse_row(path.name, line))
    return rows


def slug(name: str) -> str:
    """A stable id from a display name: lower case, words joined by '-'."""
    text = name.lower().replace("(", " ").replace(")", " ").replace(":", "")
    text = re.sub(r"[^a-z0-9.]+", "-", text)
    return text.strip("-")
