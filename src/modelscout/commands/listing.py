"""`modelscout list [QUERY ...]`: the catalogue, filtered and sorted, as a table or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from modelscout.catalog import Model, model_to_dict
from modelscout.commands.common import (
    add_catalog_option,
    add_fit_options,
    fit_for,
    load,
    print_json_array,
)
from modelscout.query import parse_query, run_query


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list models matching a query",
        description="List catalogue models matching QUERY, e.g. "
        "`modelscout list tier:tiny moe active<=4 open:permissive ctx>=128k sort:-intelligence`.",
    )
    parser.add_argument("query", nargs="*", help="query tokens (see README: Query language)")
    parser.add_argument("--json", action="store_true", help="print a JSON array of models")
    parser.add_argument("--limit", type=_positive_int, metavar="N", help="show at most N models")
    add_catalog_option(parser)
    add_fit_options(parser)
    parser.set_defaults(run=run)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args: argparse.Namespace) -> int:
    query = parse_query(" ".join(args.query))
    catalog = load(args)
    fit = fit_for(args, catalog.models, query)
    rows = run_query(catalog.models, query, fit)
    if args.limit is not None:
        rows = rows[: args.limit]
    if args.json:
        print_json_array(_with_fit(model_to_dict(m, derived=True), m, fit) for m in rows)
        return 0
    _print_table(rows, len(catalog.models), fit)
    return 0


def _with_fit(row: dict[str, Any], model: Model, fit: Any) -> dict[str, Any]:
    """Add the verdict at the best quantisation when a fit was asked for (fits, --vram, ...)."""
    if fit is not None:
        model_fit = fit.model_fit(model)
        row["fit"] = {
            "verdict": model_fit.verdict.label,
            "fit_rank": model_fit.verdict.value,
            "best_quant": model_fit.best.quant if model_fit.best else None,
            "total_bytes": model_fit.best.total_bytes if model_fit.best else None,
            "est_tps": model_fit.est_tps,
            "context_tokens": model_fit.context_tokens,
        }
    return row


def _print_table(rows: list[Model], total: int, fit: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from modelscout import format as fmt

    console = Console()
    wide = console.width >= 110  # below that, creator and licence give their room to the id
    table = Table(box=None, header_style="bold", pad_edge=False)
    id_width = max(16, console.width - (90 if wide else 62))
    table.add_column("id", no_wrap=True, overflow="ellipsis", max_width=id_width)
    if wide:
        table.add_column("creator", no_wrap=True, overflow="ellipsis", max_width=14)
    for header, width in (("tier", 6), ("total", 6), ("active", 10), ("ctx", 5), ("intel.", 6)):
        table.add_column(header, justify="right", no_wrap=True, min_width=width)
    table.add_column("openness", no_wrap=True, min_width=11)
    if wide:
        table.add_column("licence", no_wrap=True, overflow="ellipsis", max_width=14)
    if fit is not None:
        table.add_column("fit", no_wrap=True)
        table.add_column("est. tok/s", justify="right", no_wrap=True)
    for m in rows:
        active = fmt.params(m.active_params_b) + (" moe" if m.moe else "")
        cells = [
            m.id,
            m.creator,
            m.tier,
            fmt.params(m.total_params_b),
            active,
            fmt.tokens(m.context_tokens),
            fmt.number(m.intelligence_index),
            m.openness.value,
            m.license or fmt.DASH,
        ]
        if not wide:
            del cells[8], cells[1]
        if fit is not None:
            model_fit = fit.model_fit(m)
            best = f" {model_fit.best.quant}" if model_fit.best else ""
            cells += [model_fit.verdict.short + best, fmt.number(model_fit.est_tps)]
        table.add_row(*cells)
    console.print(table)
    console.print(f"[dim]{len(rows)} of {total} models[/dim]")
    if fit is not None:
        console.print(f"[dim]fit: {fit.summary()} · est. tok/s is an estimate[/dim]")
