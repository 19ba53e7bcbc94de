"""What the app remembers between runs: the last query (its sort included), the theme and the
context length used for hardware fit (0: each model's own maximum).

Kept in ``tui.json`` under the user's config dir. A missing or broken file means defaults: losing a
remembered query is better than refusing to start.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from modelscout.catalog.location import config_dir
from modelscout.files import write_atomic

SETTINGS_FILE = "tui.json"
DEFAULT_QUERY = "sort:-intelligence"
DEFAULT_CONTEXT_TOKENS = 8192
MAX_CONTEXT_TOKENS = 1_000_000_000  # far past any model's context; a larger one is a broken file


@dataclass(frozen=True)
class Settings:
    query: str = DEFAULT_QUERY
    theme: str | None = None
    context_tokens: int = DEFAULT_CONTEXT_TOKENS

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The saved settings and, when the file could not be used, why (for a notification)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(), None
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON or encoding
        return Settings(), f"{path}: saved settings ignored ({exc.__class__.__name__})"
    if not isinstance(data, dict):
        return Settings(), f"{path}: saved settings ignored (not a JSON object)"
    defaults = Settings()
    query = data.get("query")
    theme = data.get("theme")
    context = data.get("context_tokens")
    return (
        Settings(
            query=query if isinstance(query, str) else defaults.query,
            theme=theme if isinstance(theme, str) else None,
            context_tokens=(
                context
                if isinstance(context, int)
                and not isinstance(context, bool)
                and 0 <= context <= MAX_CONTEXT_TOKENS
                else defaults.context_tokens
            ),
        ),
        None,
    )


def save_settings(path: Path, settings: Settings) -> None:
    write_atomic(path, json.dumps(asdict(settings), indent=1).encode("utf-8") + b"\n")
