"""Two to four models side by side: every field with the sources that state it, the fit at each
quantisation on one machine, and their twins. `modelscout compare` prints it and the TUI's compare
screen shows it; both build it here, so they never drift.

`comparison` gathers the data (plain values, for `--json` too); `comparison_tables` lays it out as
rich tables, a column per model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from modelscout.catalog.model import Model
from modelscout.display import format as fmt
from modelscout.display.describe import field_rows, sources_for
from modelscout.display.text import shown
from modelscout.fit.estimate import ModelFit, QuantFit, Verdict, model_fit_to_dict

MIN_MODELS = 2
MAX_MODELS = 4


@dataclass(frozen=True)
class FieldRow:
    label: str
    values: tuple[str, ...]  # one per model
    sources: tuple[str, ...]  # the numbered sources stating it, per model: '[1] [3]'


@dataclass(frozen=True)
class QuantRow:
    quant: str
    fits: tuple[QuantFit | None, ...]  # None where the model is not offered at this precision


@dataclass(frozen=True)
class Comparison:
    models: tuple[Model, ...]
    fields: tuple[FieldRow, ...]
    twins: tuple[tuple[Model, ...], ...]
    fits: tuple[ModelFit, ...] | None  # None: no machine to judge against
    quants: tuple[QuantRow, ...]
    hardware: str | None  # the machine the fit is for, in one line


def comparison(
    models: Sequence[Model],
    twins: Sequence[Sequence[Model]],
    fits: Sequence[ModelFit] | None = None,
    hardware: str | None = None,
) -> Comparison:
    """The comparison of `models` (two to four, in the order given)."""
    if not MIN_MODELS <= len(models) <= MAX_MODELS:
        raise ValueError(f"compare takes {MIN_MODELS} to {MAX_MODELS} models, not {len(models)}")
    per_model = [dict(field_rows(m)) for m in models]
    labels: list[str] = []
    for rows in per_model:
        labels.extend(label for label in rows if label not in labels)
    fields = tuple(
        FieldRow(
            label,
            tuple(rows.get(label, fmt.DASH) for rows in per_model),
            tuple(sources_for(m, label) for m in models),
        )
        for label in labels
    )
    quants: list[QuantRow] = []
    if fits is not None:
        names: list[str] = []
        for fit in fits:
            names.extend(row.quant for row in fit.rows if row.quant not in names)
        for name in names:
            found = tuple(next((r for r in fit.rows if r.quant == name), None) for fit in fits)
            quants.append(QuantRow(name, found))
    return Comparison(
        tuple(models),
        fields,
        tuple(tuple(t) for t in twins),
        None if fits is None else tuple(fits),
        tuple(quants),
        hardware,
    )


def comparison_to_dict(result: Comparison) -> dict[str, Any]:
    """The JSON form: each model in full (`show --json`'s fields), then the fields side by side."""
    from modelscout.catalog import model_to_dict

    models = []
    for index, model in enumerate(result.models):
        out = model_to_dict(model, derived=True)
        out["hub_url"] = model.hub_url
        out["twins"] = [twin.id for twin in result.twins[index]]
        if result.fits is not None:
            out["fit"] = model_fit_to_dict(result.fits[index])
        models.append(out)
    return {
        "hardware": result.hardware,
        "models": models,
        "fields": [
            {"label": row.label, "values": list(row.values), "sources": list(row.sources)}
            for row in result.fields
        ],
    }


def quant_cell(row: QuantFit | None, best: bool) -> Text:
    """'4.7 GiB GPU 52 tok/s', the best quantisation marked; dim where it does not run."""
    if row is None:
        return Text(fmt.DASH, style="dim")
    speed = f" {fmt.number(row.est_tps)} tok/s" if row.est_tps else ""
    text = Text(f"{fmt.size_bytes(row.total_bytes)} {row.verdict.short}{speed}")
    if best:
        text.append(" ◀", style="bold")
        text.stylize("bold")
    elif row.verdict.value >= Verdict.NO.value:
        text.stylize("dim")
    return text


def _grid(result: Comparison, first: str) -> Table:
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True, show_edge=False)
    table.add_column(first, style="dim", no_wrap=True)
    for model in result.models:
        table.add_column(Text(shown(model.name)), ratio=1, overflow="fold")
    return table


def comparison_tables(result: Comparison) -> list[tuple[str, Table]]:
    """(heading, table) sections: fields, the fit per quantisation, twins, sources."""
    fields = _grid(result, "field")
    for row in result.fields:
        cells = []
        for value, sources in zip(row.values, row.sources, strict=True):
            cell = Text(shown(value), style="dim" if value == fmt.DASH else "")
            if sources:
                cell.append(f" {sources}", style="dim")
            cells.append(cell)
        fields.add_row(row.label, *cells)
    sections = [("Fields ([n]: the source stating it, listed under Sources)", fields)]
    if result.fits is not None:
        fit = _grid(result, "quant")
        for quant_row in result.quants:
            cells = []
            for index, quant_fit in enumerate(quant_row.fits):
                best = result.fits[index].best
                cells.append(quant_cell(quant_fit, best is not None and best is quant_fit))
            fit.add_row(quant_row.quant, *cells)
        verdicts = [
            Text(f.verdict.label + (f", best {f.best.quant}" if f.best else ""), style="bold")
            for f in result.fits
        ]
        fit.add_row("verdict", *verdicts)
        contexts = [Text(f"{f.context_tokens} tokens") for f in result.fits]
        fit.add_row("KV cache for", *contexts)
        heading = f"On {result.hardware}" if result.hardware else "On this machine"
        sections.append((f"{heading} (memory · runs · est. tok/s; ◀ best)", fit))
    twin_table = _grid(result, "")
    twin_table.add_row(
        "twins",
        *(
            Text("\n".join(shown(f"{t.name} ({t.id})") for t in group) or "none", style="dim")
            for group in result.twins
        ),
    )
    sections.append(("Twins (same weights)", twin_table))
    source_table = _grid(result, "")
    source_cells = []
    for model in result.models:
        lines = [
            shown(f"[{number}] {source.kind}: {source.ref}")
            for number, source in enumerate(model.sources, 1)
        ]
        source_cells.append(Text("\n".join(lines) or fmt.DASH))
    source_table.add_row("sources", *source_cells)
    sections.append(("Sources", source_table))
    return sections
