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
from modelscout.commands import BY_NAME
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


# The options before a command that take a value: skipped when looking for the command's name.
_VALUE_OPTIONS = ("--catalog", "--query")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of `command` ("" for none: the TUI).

    Building every command's parser is a tenth of a scripted `list --json` (argparse makes a
    help formatter for each argument, and imports shutil and locale to do it); a run needs only
    its own. Usage errors print no usage, so they read the same whichever parsers are built.
    """
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
    wanted = BY_NAME if command is None else [command] if command else []
    for name in wanted:
        BY_NAME[name].register(subparsers)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names ("" for none), where argparse is sure to read it so; None where
    that is less plain (help, --version, an abbreviated option, a name that is no command): then
    every parser is built, for the help and errors to say all they say."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUE_OPTIONS:
            if next(args, None) is None:
                return None
        elif not arg.startswith(tuple(f"{option}=" for option in _VALUE_OPTIONS)):
            return arg if arg in BY_NAME else None
    return ""


def error(message: str) -> None:
    from modelscout.display.text import shown  # a message may quote a file or a Hub answer

    print(f"modelscout: error: {shown(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(command_in(argv)).parse_args(argv)
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
