"""Human-readable numbers for tables: the CLI and the TUI show values the same way."""

from __future__ import annotations

from modelscout import units

DASH = "–"


def params(value_b: float | None) -> str:
    """Billions of parameters: 0.27B -> '268M', 2.27 -> '2.27B', 27.8 -> '27.8B', 235 -> '235B'."""
    if value_b is None:
        return DASH
    if value_b < 1:
        return f"{value_b * 1000:.0f}M"
    if value_b < 10:
        return f"{value_b:.3g}B"
    return f"{value_b:.3g}B" if value_b < 100 else f"{value_b:.0f}B"


def tokens(value: int | None) -> str:
    """Context sizes as people say them: 32768 -> '32k', 131072 -> '128k', 1048576 -> '1M'."""
    return DASH if value is None else units.tokens_label(value)


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    return f"{value:.{digits}f}"


def price(value: float | None) -> str:
    return DASH if value is None else f"${value:.2f}"


def size_bytes(value: int | None) -> str:
    """Bytes in binary units, as disks and GPU tools report them: '4.7 GiB'."""
    if value is None:
        return DASH
    amount = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if amount < 1024 or unit == "TiB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} TiB"


def yes_no(value: bool | None) -> str:
    return DASH if value is None else ("yes" if value else "no")
