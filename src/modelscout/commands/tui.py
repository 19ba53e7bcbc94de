"""Opening the TUI: the only command that imports Textual."""

from __future__ import annotations

import argparse


def run_tui(args: argparse.Namespace) -> int:
    from modelscout.tui.app import run_app

    return run_app(args)
