"""Pieces every command shares: loading the catalogue once, JSON output, warnings on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from modelscout.catalog import Catalog
from modelscout.catalog.location import resolve_catalog


def load(args: argparse.Namespace) -> Catalog:
    catalog = resolve_catalog(getattr(args, "catalog", None))
    for notice in catalog.warnings:
        print(f"modelscout: warning: {notice}", file=sys.stderr)
    return catalog


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """Let `--catalog` follow the subcommand too (`modelscout list --catalog x.json`)."""
    parser.add_argument(
        "--catalog", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def fit_for(args: argparse.Namespace, models: Any, query: Any) -> Any:
    """The hardware fit for this run, or None where the query does not need one."""
    return None
