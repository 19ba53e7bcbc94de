"""Command-line entry point: `modelscout` opens the TUI, its subcommands are the scripting twins.

Only argument parsing lives here; every command calls the same core functions the TUI uses. Heavy
modules (Textual, rich, huggingface_hub) are imported by the command that needs them, so a scripted
`modelscout list --json` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from modelscout import __version__
from modelscout.commands import COMMANDS
from modelscout.errors import ModelscoutError, QueryError, UsageError

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse with our error format: one line on stderr and exit status 2, for every
    subcommand (argparse makes subparsers of the parent's class)."""

    def error(self, message: str) -> NoReturn:
        error(f"{message} (see '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="modelscout",
        description="Choose an open-weight language model, check it fits this machine, and pull it.",
    )
    parser.add_argument("--version", action="version", version=f"modelscout {__version__}")
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        help="catalogue file to use instead of the cached or bundled one (or set MODELSCOUT_CATALOG)",
    )
    parser.add_argument(
        "--query",
        metavar="QUERY",
        help="open the TUI with this query, e.g. 'tier:tiny sort:-intelligence'",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def error(message: str) -> None:
    from modelscout.display.text import shown  # a message may quote a file or a Hub answer

    print(f"modelscout: error: {shown(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from modelscout.commands.tui import run_tui

            return run_tui(args)
        return int(args.run(args))
    except UsageError as exc:
        error(f"bad query: {exc}" if isinstance(exc, QueryError) else str(exc))
        return EXIT_USAGE
    except ModelscoutError as exc:
        error(str(exc))
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        # `modelscout list | head`: the reader left; nothing more to say.
        sys.stderr.close()
        return EXIT_OK
