"""Opening the TUI: the only command that imports Textual."""

from __future__ import annotations

import argparse
import sys

from modelscout.errors import UsageError


def run_tui(args: argparse.Namespace) -> int:
    """`modelscout` with no command: honours --catalog (or MODELSCOUT_CATALOG) and --query.

    Without a terminal on both ends (a pipe, a cron job, a service) the screen would be drawn
    where nobody sees it and keys never come: say so instead of running invisibly.
    """
    seed = getattr(args, "query", None)
    if seed:
        from modelscout.query import parse_query

        parse_query(seed)  # a bad --query is the error to report, terminal or not
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the TUI needs a terminal (stdin and stdout): for scripts use `modelscout list`, "
            "`show` or `pull`, which need none"
        )
    from modelscout.tui.app import run_app

    return run_app(args)
