"""One module per CLI command, each with `register(subparsers)` that sets `run` as the handler."""

from __future__ import annotations

from types import ModuleType

from modelscout.commands import catalog_cmd, compare, hw, listing, local, pull, show

COMMANDS: tuple[ModuleType, ...] = (listing, show, compare, hw, pull, local, catalog_cmd)
