"""One module per CLI command, each with `register(subparsers)` that sets `run` as the handler."""

from __future__ import annotations

from types import ModuleType

from modelscout.commands import catalog_cmd, compare, hw, listing, local, pull, show

COMMANDS: tuple[ModuleType, ...] = (listing, show, compare, hw, pull, local, catalog_cmd)
# The name each module registers its command under (a test holds them equal), so that a run can
# build the parser of its own command only.
BY_NAME: dict[str, ModuleType] = {
    "list": listing,
    "show": show,
    "compare": compare,
    "hw": hw,
    "pull": pull,
    "local": local,
    "catalog": catalog_cmd,
}
