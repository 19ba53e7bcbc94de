"""`modelscout compare A B [C D]`: two to four models side by side, with the fit on this machine
(or the one planned with --vram/--ram/--gpus/--profile)."""

from __future__ import annotations

import argparse

from modelscout.catalog.lookup import find_model
from modelscout.catalog.twins import twins
from modelscout.commands.common import (
    add_catalog_option,
    add_fit_options,
    examples,
    load,
    machine_fit,
    print_json,
    stdout_console,
)
from modelscout.errors import UsageError

EXAMPLES = (
    "modelscout compare qwen3-30b-a3b-2507-reasoning qwen3-30b-a3b-2507-instruct",
    "modelscout compare gpt-oss-20b-high gpt-oss-20b-low --vram 16G --ctx 32k --json",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="show two to four models side by side",
        description="Show two to four models side by side: every field with its sources, the "
        "memory and speed at each quantisation on this machine (or a planned one), and twins. "
        "Each MODEL is a catalogue id, a repo id or a unique name prefix.",
        **examples(*EXAMPLES),
    )
    parser.add_argument("models", nargs="+", metavar="MODEL", help="two to four models")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    add_catalog_option(parser)
    add_fit_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from modelscout.display.compare import MAX_MODELS, MIN_MODELS, comparison

    if not MIN_MODELS <= len(args.models) <= MAX_MODELS:
        raise UsageError(
            f"compare takes {MIN_MODELS} to {MAX_MODELS} models, not {len(args.models)}"
        )
    # Every flag is read before anything is printed: a bad --vram or --ctx is one error line.
    fit = machine_fit(args)
    catalog = load(args)
    models = [find_model(catalog.models, text) for text in args.models]
    seen = [m.id for m in models]
    repeated = sorted({i for i in seen if seen.count(i) > 1})
    if repeated:
        raise UsageError(f"{', '.join(repeated)} named twice: compare different models")
    result = comparison(
        models,
        [twins(m, catalog.models) for m in models],
        [fit.model_fit(m) for m in models],
        fit.summary(),
    )
    if args.json:
        from modelscout.display.compare import comparison_to_dict

        print_json(comparison_to_dict(result))
        return 0
    _print(result)
    return 0


def _print(result: object) -> None:
    from rich.text import Text

    from modelscout.display.compare import Comparison, comparison_tables

    assert isinstance(result, Comparison)
    console = stdout_console()
    for heading, table in comparison_tables(result):
        console.print(Text(heading, style="bold"))
        console.print(table)
        console.print()
    from modelscout.fit.speed import accuracy_note

    console.print(
        Text(
            f"tok/s is an estimate calibrated on published llama.cpp runs: {accuracy_note()}",
            style="dim",
        )
    )
