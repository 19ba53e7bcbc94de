"""One rule for reading and writing quantities: tokens, parameter counts, counts and bytes.

Every place that reads `32k`, `4b`, `500m` or `24G` (the query language, `--ctx`, `--vram`, the
TUI's prompts) and every place that writes one back for a person to edit goes through here, so the
same text means the same number everywhere, and what is written reads back as the same number.

The rules, decided once:
- tokens: k = 1024 and M = 1024 * 1024, because context limits are powers of two: `32k` is 32,768
  and `128k` is 131,072, as model cards mean them.
- parameters (in billions): `b` = 10^9, `m` = 10^6, `t` = 10^12 parameters; a bare number is billions.
- counts (downloads, likes): k = 1000, m = 10^6, b = 10^9.
- bytes: binary, k/m/g/t = 2^10/2^20/2^30/2^40, with or without `b`/`ib` (GPU and RAM sold as
  "24 GB" are 24 GiB); a bare number is GiB; a bare `b` suffix is bytes.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Literal

Kind = Literal["tokens", "params", "count", "plain"]

TOKENS_K = 1024
TOKENS_M = 1024 * 1024
GIB = 2**30

# Nothing real is this large; a bound keeps `1e400` and 400-digit numbers out of the arithmetic.
MAX_TOKENS = 2**40
MAX_PARAMS_B = 1e6  # a quadrillion parameters
MAX_BYTES = 2**60
MAX_PLAIN = 1e15

_NUMBER = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-z]*)\s*$", re.IGNORECASE)
_SCALES: dict[Kind, dict[str, float]] = {
    "tokens": {"": 1, "k": TOKENS_K, "m": TOKENS_M},
    "params": {"": 1.0, "b": 1.0, "m": 1e-3, "t": 1e3},
    "count": {"": 1, "k": 1e3, "m": 1e6, "b": 1e9},
    "plain": {"": 1.0},
}
_LIMITS: dict[Kind, float] = {
    "tokens": MAX_TOKENS,
    "params": MAX_PARAMS_B,
    "count": MAX_PLAIN,
    "plain": MAX_PLAIN,
}
_EXAMPLES: dict[Kind, str] = {
    "tokens": "8192, 32k, 1M",
    "params": "4, 4b, 500m",
    "count": "1000, 10k, 2m",
    "plain": "42, 0.5",
}
_BYTE_SCALES = {"": GIB, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_BYTES = re.compile(
    r"^\s*(?P<num>\d+(?:\.\d+)?|\.\d+)\s*(?:(?P<unit>[kmgt])(?:i?b)?|(?P<bytes>b))?\s*$",
    re.IGNORECASE,
)


class UnitError(ValueError):
    """Text that is not a quantity of the asked kind; the message says what would be."""


def parse(kind: Kind, text: str) -> float:
    """A quantity of this kind from `text`, in the field's own unit (tokens, billions, ...)."""
    match = _NUMBER.match(text)
    scale = _SCALES[kind].get(match["unit"].lower()) if match else None
    if match is None or scale is None:
        raise UnitError(f"'{text}' is not a {_NOUNS[kind]} (e.g. {_EXAMPLES[kind]})")
    value = float(match["num"]) * scale
    if not math.isfinite(value) or value > _LIMITS[kind]:
        raise UnitError(f"'{text}' is too large for a {_NOUNS[kind]}")
    return value


_NOUNS: dict[Kind, str] = {
    "tokens": "token count",
    "params": "parameter count",
    "count": "count",
    "plain": "number",
}


def parse_tokens(text: str) -> int:
    """'8192', '32k', '1.5k', '1M' -> tokens (a whole, positive number)."""
    value = parse("tokens", text)
    if value < 1 or value != int(value):
        raise UnitError(f"'{text}' is not a whole, positive token count (e.g. 8192, 32k)")
    return int(value)


def parse_context(text: str) -> int:
    """A context length for the fit: tokens as `parse_tokens` reads them, or 'max' -> 0 (each
    model's own maximum)."""
    return 0 if text.strip().lower() == "max" else parse_tokens(text)


def format_tokens(value: int) -> str:
    """The shortest text `parse_tokens` reads back as exactly `value`: 32768 -> '32k', 8000 -> '8000'."""
    if value >= TOKENS_M and value % TOKENS_M == 0:
        return f"{value // TOKENS_M}M"
    if value >= TOKENS_K and value % TOKENS_K == 0:
        return f"{value // TOKENS_K}k"
    return str(value)


def tokens_label(value: int) -> str:
    """Context sizes as people say them, for tables: 32768 -> '32k', 131072 and 128000 -> '128k',
    1048576 -> '1M', 40000 -> '40k', 32500 -> '32.5k'. Not for reading back: use `format_tokens`."""
    for unit, scales in (("M", (1_000_000, TOKENS_M)), ("k", (1000, TOKENS_K))):
        for scale in scales:
            if value >= scale and value % scale == 0:
                return f"{value // scale}{unit}"
        if value >= scales[0]:
            return f"{value / scales[0]:.3g}{unit}"
    return str(value)


def parse_params_b(text: str) -> float:
    """'4', '4b', '4.5B', '500m' -> billions of parameters (positive)."""
    value = parse("params", text)
    if not value > 0:
        raise UnitError(f"'{text}' is not a positive parameter count (e.g. 4, 4b, 500m)")
    return value


def format_params_b(value_b: float) -> str:
    """Billions as `parse_params_b` reads them back exactly: 4.0 -> '4', 0.5 -> '0.5'."""
    if value_b == int(value_b):
        return str(int(value_b))
    return format(Decimal(repr(value_b)), "f")  # 1e-06 -> 0.000001: the parser reads no exponents


def format_count(value: float) -> str:
    """A count as the query language reads it back exactly: 10000 -> '10k', 1234 -> '1234'."""
    for unit, scale in (("b", 1e9), ("m", 1e6), ("k", 1e3)):
        if value >= scale and value % scale == 0:
            return f"{int(value // scale)}{unit}"
    return _plain(value)


def _plain(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return format(Decimal(repr(value)), "f")  # the parser reads no exponents


def format_quantity(kind: Kind, value: float) -> str:
    """What `parse(kind, ...)` reads back as exactly `value`."""
    if kind == "tokens" and value == int(value):
        return format_tokens(int(value))
    if kind == "params":
        return format_params_b(value)
    if kind == "count":
        return format_count(value)
    return _plain(value)


def parse_bytes(text: str) -> int:
    """'24G', '24GB', '24GiB', '1.5T', '512M', '100b' or a bare '24' (GiB) as bytes (positive)."""
    match = _BYTES.match(text)
    if not match:
        raise UnitError(f"'{text}' is not a memory size (e.g. 24G, 64GB, 1.5T)")
    scale = 1 if match["bytes"] else _BYTE_SCALES[(match["unit"] or "").lower()]
    value = Decimal(match["num"]) * scale  # exact: a float would lose bytes above 2^53
    if value > MAX_BYTES:
        raise UnitError(f"'{text}' is too large for a memory size")
    if value < 1:
        raise UnitError(f"'{text}': a memory size must be more than zero")
    return int(value)


def format_bytes(value: int) -> str:
    """Bytes as `parse_bytes` reads them back exactly: 24 GiB -> '24G', 1536 MiB -> '1536M'."""
    for unit, scale in (("T", 2**40), ("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if value >= scale and value % scale == 0:
            return f"{value // scale}{unit}"
    return f"{value}b"
