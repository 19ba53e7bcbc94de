"""Opening the TUI: the only command that imports Textual."""

from __future__ import annotations

import argparse


def run_tui(args: argparse.Namespace) -> int:
    """`modelscout` with no command: honours --catalog (or MODELSCOUT_CATALOG) and --query."""
    from modelscout.tui.app import run_app

    return run_app(args)
