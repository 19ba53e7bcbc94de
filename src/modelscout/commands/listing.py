"""`modelscout list [QUERY ...]`: the catalogue, filtered and sorted, as a table or JSON."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from modelscout.catalog import Catalog, Model, model_to_dict
from modelscout.catalog.decoded import RowTexts, row_texts
from modelscout.commands.common import (
    add_catalog_option,
    add_fit_options,
    examples,
    fit_for,
    fit_options_given,
    indented,
    load,
    print_json_array,
    stdout_console,
    write_json_rows,
)

if TYPE_CHECKING:
    from modelscout.query import Query


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list models matching a query",
        description="List catalogue models matching QUERY, e.g. "
        "`modelscout list tier:tiny moe active<=4 open:permissive ctx>=128k sort:-intelligence`. "
        "Filters: tier:, open:, license:, creator:, modality:, moe/dense, reasoning, weights:, "
        "gated:, fits, numeric bounds (active<=4, ctx>=32k), free words, sort:KEY,-KEY.",
        **examples(
            "modelscout list tier:tiny sort:-intelligence",
            "modelscout list moe active<=4 ctx>=128k --json",
            "modelscout list fits sort:best --profile rtx4090 --ctx 32k",
        ),
    )
    parser.add_argument(
        "query",
        nargs="*",
        help="query tokens, e.g. tier:small moe ctx>=32k qwen sort:-intelligence",
    )
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
    whole = args.json and not args.query and args.limit is None and not fit_options_given(args)
    if whole:
        catalog = load(args)
        texts = row_texts(catalog)
        if texts is not None:
            # The whole catalogue, in its order, in one write: no query to parse or answer, so
            # the query package is not even imported (a twentieth of this run).
            write_json_rows(texts.all(), joined=True)
            return 0
    from modelscout.query import parse_query

    query = parse_query(" ".join(args.query))
    if not whole:
        catalog = load(args)
        texts = row_texts(catalog) if args.json else None
    return _listing(args, query, catalog, texts)


def _listing(
    args: argparse.Namespace, query: Query, catalog: Catalog, texts: RowTexts | None
) -> int:
    from modelscout.query import QueryRows, run_query

    fit = fit_for(args, query)
    rows: Sequence[Model] = run_query(catalog.models, query, fit)
    if texts is not None and isinstance(rows, QueryRows):
        positions = rows.positions if args.limit is None else rows.positions[: args.limit]
        write_json_rows(_rows_text(texts, catalog.models, positions, fit))
        return 0
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
        row["fit"] = _fit_of(model, fit)
    return row


def _fit_of(model: Model, fit: Any) -> dict[str, Any]:
    # The headline only: the table of every quantisation would cost six times as much.
    verdict, best, context = fit.headline(model)
    return {
        "verdict": verdict.label,
        "fit_rank": verdict.value,
        "best_quant": best.quant if best else None,
        "total_bytes": best.total_bytes if best else None,
        "est_tps": best.est_tps if best else None,
        "context_tokens": context,
    }


# A row's text ends with its closing brace, one level in; the fit goes in before it.
_ROW_END = b"\n  }"


def _rows_text(
    texts: RowTexts, models: Sequence[Model], positions: Sequence[int], fit: Any
) -> Iterator[bytes]:
    """The rows' `list --json` texts, each with its fit added where one was asked for: the
    same text as `print_json_array` writes for `_with_fit(model_to_dict(...))`."""
    if fit is None:
        yield from texts.rows(positions)
        return
    for position in positions:
        text = texts.row(position)
        fitted = indented(_fit_of(models[position], fit)).replace("\n", "\n    ")
        yield b"".join((text[: -len(_ROW_END)], b',\n    "fit": ', fitted.encode(), _ROW_END))


# Between columns, as rich's tables space them.
GAP = "  "
# After the id: (header, width in cells, alignment), each as wide as its longest value.
_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("creator", 14, "left"),
    ("tier", 6, "right"),
    ("total", 6, "right"),
    ("active", 10, "right"),
    ("ctx", 5, "right"),
    ("intel.", 6, "right"),
    ("openness", 11, "left"),
    ("licence", 14, "left"),
    ("fit", 14, "left"),  # "GPU+CPU Q4_K_M"
    ("est. tok/s", 10, "right"),
)
_FIT_COLUMNS = frozenset({"fit", "est. tok/s"})
_DROP_ORDER = ("creator", "licence", "ctx", "openness", "tier", "total", "active")
# Rows written per write() call: one call per row would cost more than formatting the row.
_BLOCK_ROWS = 1000


def _print_table(rows: Sequence[Model], total: int, fit: Any = None) -> None:
    """The rows as an aligned text table, written as they are formatted.

    Not a rich Table: rich measures and renders every cell, about half a millisecond a row, so
    a 100,000-model listing took 40 s and 550 MB before its first line appeared (and `| head`
    waited for all of it). Fixed column widths let each row be formatted on its own; rich still
    finds the terminal's width and styles the header and the summary.

    Ids are never cut (a script or a reader hands them to `show` or `pull`): a terminal loses
    other columns instead, a pipe or a file gets every column. Setting COLUMNS asks for a width.
    """
    from rich.cells import cell_len
    from rich.markup import escape
    from rich.text import Text

    from modelscout.display import format as fmt
    from modelscout.display.cells import fit_to_width
    from modelscout.display.text import shown

    console = stdout_console()
    columns = [column for column in _COLUMNS if fit is not None or column[0] not in _FIT_COLUMNS]
    # Ids are what `show`, `compare` and `pull` take: never cut. A terminal (or COLUMNS) drops
    # other columns until the longest id shown fits; a pipe or a file gets every column.
    id_width = max((cell_len(m.id) for m in rows), default=len("id"))
    if console.is_terminal or "COLUMNS" in os.environ:
        for name in _DROP_ORDER:
            if _id_room(columns, console.width) >= id_width:
                break
            columns = [column for column in columns if column[0] != name]
    columns.insert(0, ("id", id_width, "left"))
    names = [name for name, _, _ in columns]

    def line(cells: Sequence[str]) -> str:
        parts = (fit_to_width(c, w, a) for c, (_, w, a) in zip(cells, columns, strict=True))
        return GAP.join(parts).rstrip()

    def cells_of(m: Model) -> list[str]:
        cells = {
            "id": m.id,
            "creator": m.creator,
            "tier": m.tier,
            "total": fmt.params(m.total_params_b),
            "active": fmt.params(m.active_params_b) + (" moe" if m.moe else ""),
            "ctx": fmt.tokens(m.context_tokens),
            "intel.": fmt.number(m.intelligence_index),
            "openness": m.openness.value,
            "licence": m.license or fmt.DASH,
        }
        if fit is not None:
            model_fit = fit.model_fit(m)
            best = f" {model_fit.best.quant}" if model_fit.best else ""
            cells["fit"] = model_fit.verdict.short + best
            cells["est. tok/s"] = fmt.number(model_fit.est_tps)
        return [cells[name] for name in names]

    console.print(Text(line(names), style="bold"), soft_wrap=True)  # as wide as the rows
    out = console.file
    for start in range(0, len(rows), _BLOCK_ROWS):
        block = rows[start : start + _BLOCK_ROWS]
        out.write("".join(line(cells_of(m)) + "\n" for m in block))
    console.print(f"[dim]{len(rows)} of {total} models[/dim]")
    if fit is not None:
        summary = escape(shown(fit.summary()))  # GPU names come from the driver
        from modelscout.fit.speed import accuracy_note

        console.print(f"[dim]fit: {summary} · est. tok/s: {accuracy_note()}[/dim]")


def _id_room(columns: Sequence[tuple[str, int, str]], width: int) -> int:
    return width - sum(w for _, w, _ in columns) - len(GAP) * len(columns)
