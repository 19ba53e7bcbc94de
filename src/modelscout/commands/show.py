"""`modelscout show MODEL`: every field of one model with its sources."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from modelscout.catalog import Model, model_to_dict
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

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "show",
        help="show one model in full",
        description="Show one model: MODEL is its id, its Hugging Face repo id or a unique name prefix.",
        **examples(
            "modelscout show qwen3.5-4b",
            "modelscout show Qwen/Qwen3-0.6B --json",
            "modelscout show gpt-oss-20b --profile rtx4090 --ctx 32k",
        ),
    )
    parser.add_argument("model", help="catalogue id, repo id or unique name prefix")
    parser.add_argument("--json", action="store_true", help="print the model as a JSON object")
    add_catalog_option(parser)
    add_fit_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:

    # Every flag is read before anything is printed: a bad --vram or --ctx is one error line.
    fit = machine_fit(args)
    catalog = load(args)
    model = find_model(catalog.models, args.model)
    siblings = twins(model, catalog.models)
    if args.json:
        out = model_to_dict(model, derived=True)
        out["hub_url"] = model.hub_url
        out["twins"] = [m.id for m in siblings]
        out["fit"] = _fit_json(model, fit)
        print_json(out)
        return 0
    _print_model(model, siblings)
    _print_fit(model, fit)
    return 0


def _print_model(model: Model, siblings: list[Model]) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from modelscout.display import format as fmt
    from modelscout.display.describe import field_rows
    from modelscout.display.text import shown_model

    model, siblings = shown_model(model), [shown_model(m) for m in siblings]

    # Catalogue text is printed as Text or escaped: a name like "Model [beta]" is not markup.
    console = stdout_console()
    console.print(
        f"[bold]{escape(model.name)}[/bold]  [dim]{escape(model.creator)} · {escape(model.id)}[/dim]"
    )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column(overflow="fold")  # a long URL or repo id wraps rather than losing its end
    rows = [*field_rows(model), ("twins", ", ".join(m.id for m in siblings) or fmt.DASH)]
    for key, value in rows:
        grid.add_row(key, Text(value))
    console.print(grid)
    if model.notes:
        console.print("\n[bold]Notes[/bold]")
        console.print(Text(model.notes))
    console.print("\n[bold]Sources[/bold]")
    for source in model.sources:
        detail = f" — {source.detail}" if source.detail else ""
        console.print(Text(f"  {source.kind}: {source.ref}{detail}"))


def _fit_json(model: Model, fit: FitContext) -> dict[str, object]:
    from dataclasses import asdict

    from modelscout.fit.estimate import model_fit_to_dict

    contexts = fit.context_fits(model)
    out = model_fit_to_dict(fit.model_fit(model))
    for row in out["rows"]:
        row["max_context_tokens"] = contexts.get(row["quant"])
    offload = fit.expert_offload(model)
    out["expert_offload"] = asdict(offload) if offload is not None else None
    return {"hardware": fit.summary(), **out}


def _print_fit(model: Model, fit: FitContext) -> None:
    """The quantisation table: memory needed at each, and whether it runs on this hardware."""
    from rich.markup import escape
    from rich.table import Table

    from modelscout.display import format as fmt
    from modelscout.display.text import shown
    from modelscout.fit.speed import CALIBRATION, accuracy_note

    model_fit, contexts = fit.model_fit(model), fit.context_fits(model)
    offload = fit.expert_offload(model)
    summary = escape(shown(fit.summary()))  # GPU names come from the driver
    console = stdout_console()
    console.print(f"\n[bold]Quantisations[/bold]  [dim]{summary}[/dim]")
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("quant")
    for name in ("bits", "weights", "KV cache", "overhead", "total"):
        table.add_column(name, justify="right")
    table.add_column("runs", no_wrap=True)
    table.add_column("est. tok/s", justify="right", no_wrap=True)
    table.add_column("ceiling", justify="right", no_wrap=True)
    table.add_column("max ctx", justify="right", no_wrap=True)
    for row in model_fit.rows:
        mark = " ◀" if model_fit.best is not None and row.quant == model_fit.best.quant else ""
        table.add_row(
            row.quant,
            f"{row.bits:.2f}",
            fmt.size_bytes(row.weights_bytes),
            fmt.size_bytes(row.kv_bytes),
            fmt.size_bytes(row.overhead_bytes),
            fmt.size_bytes(row.total_bytes),
            row.verdict.short + mark,
            fmt.number(row.est_tps),
            fmt.number(row.ceiling_tps),
            fmt.tokens(contexts.get(row.quant) or None),
        )
    console.print(table)
    best = model_fit.best
    if best is None:
        console.print(f"[bold]Does not fit[/bold] at any quantisation on {summary}")
    else:
        speed = f", about {best.est_tps:.0f} tokens/s (estimate)" if best.est_tps else ""
        console.print(f"[bold]Best: {best.quant}[/bold] — {best.verdict.label}{speed}")
    console.print(
        f"[dim]KV cache for {model_fit.context_tokens} tokens · est. tok/s is calibrated on "
        f"published llama.cpp runs: {accuracy_note()}, 90 % within "
        f"±{CALIBRATION.loo_p90_error * 100:.0f} % · ceiling: memory bandwidth ÷ bytes read per "
        "token[/dim]"
    )
    if offload is not None:
        speed = f", about {offload.est_tps:.0f} tokens/s" if offload.est_tps else ""
        console.print(
            f"[bold]Experts in RAM[/bold] (llama.cpp --n-cpu-moe): {offload.quant} needs "
            f"{fmt.size_bytes(offload.gpu_bytes)} on the GPU and "
            f"{fmt.size_bytes(offload.ram_bytes)} of RAM{speed} (approximate: the shared part is "
            "taken as half the active parameters)"
        )
    for note in model_fit.notes:
        console.print(f"[dim]· {escape(note)}[/dim]")
