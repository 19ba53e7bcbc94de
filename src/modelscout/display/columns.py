"""The model table's columns as data: what each shows, how wide it is, and which go first when the
terminal is narrow.

A column is a function from a `Model` to a `Cell` (text plus a role the table styles), so adding a
column (hardware fit, downloads) is adding an entry here, not touching the table widget.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from rich.cells import cell_len

from modelscout.catalog.model import Model, Openness
from modelscout.display import format as fmt
from modelscout.display.cells import fit_to_width

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext

# Roles a cell may ask for; the table maps each to a component class of the stylesheet.
Role = Literal["", "dim", "accent", "good", "warn", "bad", "tiny", "small", "medium", "large"]

MOE_MARK = "◆"
# After a reasoning row's name, kept when the name is cut: at 80 columns "Qwen3 30B A3B 2507
# (Reasoning)" and "Qwen3 30B A3B 2507 Instruct" would otherwise both read "Qwen3 30B A3B 25…".
REASONING_MARK = "✻"
GAP = 1  # blank cells between columns


class Cell(NamedTuple):
    text: str
    role: Role = ""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    min_width: int
    cell: Callable[[Model], Cell]
    max_width: int | None = None  # None: exactly min_width
    align: Literal["left", "right"] = "left"
    # When the terminal is narrow, the highest `drop_order` goes first; 0 is never dropped.
    drop_order: int = 0
    sort_key: str | None = None  # the query sort key this column shows, for the header arrow
    # Takes the cells left once every column has its max_width: the names, on a wide terminal.
    fill: bool = False
    # A short mark drawn after the text and never cut off with it (the reasoning mark).
    mark: Callable[[Model], str] | None = None

    def render(self, model: Model, width: int) -> tuple[str, Role]:
        """The cell's text fitted to `width` cells (the mark, if any, kept whole), and its role."""
        text, role = self.cell(model)
        mark = self.mark(model) if self.mark is not None else ""
        if not mark or width <= cell_len(mark) + 1:
            return fit_to_width(text, width, self.align), role
        room = width - cell_len(mark) - 1
        if cell_len(text) > room:
            text = fit_to_width(text, room)
        return fit_to_width(f"{text} {mark}", width), role


def _dash_or(text: str, role: Role = "") -> Cell:
    return Cell(text, "dim" if text == fmt.DASH else role)


OPENNESS_SHORT: dict[Openness, tuple[str, Role]] = {
    Openness.OPEN_SOURCE: ("open source", "good"),
    Openness.PERMISSIVE: ("permissive", "good"),
    Openness.RESTRICTED: ("restricted", "warn"),
    Openness.CLOSED: ("closed", "bad"),
}


def openness_cell(model: Model) -> Cell:
    """The licence when it is known (it says more), else the openness class; coloured by openness."""
    short, role = OPENNESS_SHORT[model.openness]
    if model.license and model.openness is not Openness.CLOSED:
        return Cell(model.license, role)
    return Cell(short, role)


def active_cell(model: Model) -> Cell:
    text = fmt.params(model.active_params_b)
    return Cell(f"{MOE_MARK} {text}", "accent") if model.moe else Cell(text)


def reasoning_mark(model: Model) -> str:
    return REASONING_MARK if model.reasoning else ""


def intelligence_cell(model: Model) -> Cell:
    return _dash_or(fmt.number(model.intelligence_index))


CATALOGUE_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Model",
        16,
        lambda m: Cell(m.name),
        max_width=56,
        sort_key="name",
        fill=True,
        mark=reasoning_mark,
    ),
    Column(
        "creator",
        "Creator",
        9,
        lambda m: _dash_or(m.creator or fmt.DASH),
        max_width=24,
        drop_order=5,
        sort_key="creator",
    ),
    Column("tier", "Tier", 6, lambda m: Cell(m.tier, m.tier), drop_order=3, sort_key="tier"),  # type: ignore[arg-type]
    Column(
        "total",
        "Params",
        7,
        lambda m: Cell(fmt.params(m.total_params_b)),
        align="right",
        drop_order=2,
        sort_key="total",
    ),
    Column("active", "Active", 8, active_cell, align="right", drop_order=1, sort_key="active"),
    Column(
        "ctx",
        "Ctx",
        5,
        lambda m: _dash_or(fmt.tokens(m.context_tokens)),
        align="right",
        drop_order=4,
        sort_key="ctx",
    ),
    Column("intelligence", "Intel", 6, intelligence_cell, align="right", sort_key="intelligence"),
    Column(
        "openness",
        "Licence",
        10,
        openness_cell,
        max_width=26,
        drop_order=6,
        sort_key="openness",
    ),
)


# fit_rank -> role: runs on the GPU, with offload, on the CPU, not at all (see modelscout.fit.estimate.Verdict).
FIT_ROLES: tuple[Role, ...] = ("good", "accent", "warn", "bad")


def tokens_per_second(value: float | None) -> str:
    if value is None:
        return fmt.DASH
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def fit_columns(fit: FitContext) -> tuple[Column, ...]:
    """Columns that need the detected (or planned) hardware; shown once it is known: the
    verdict's short name and the quantisation it picked ("GPU Q5_K_M", "GPU+CPU Q4_K_M", "no")."""

    def fit_cell(model: Model) -> Cell:
        rank = fit.fit_rank(model)
        role = FIT_ROLES[min(rank, len(FIT_ROLES) - 1)] if rank is not None else "dim"
        found = fit.model_fit(model)
        best = found.best.quant.split("/")[0] if found.best is not None else ""
        return Cell(f"{found.verdict.short} {best}".rstrip(), role)

    def tps_cell(model: Model) -> Cell:
        return _dash_or(tokens_per_second(fit.est_tps(model)))

    return (
        Column("fit", "Fit", 14, fit_cell, drop_order=1, sort_key="best"),
        Column("tps", "Tok/s", 6, tps_cell, align="right", drop_order=2, sort_key="tps"),
    )


MARK = "✓"


def mark_columns(marked: Collection[str]) -> tuple[Column, ...]:
    """A narrow first column with a mark on the rows chosen for comparing (space); none while
    nothing is marked, so the table keeps its width for the names."""
    if not marked:
        return ()

    def mark_cell(model: Model) -> Cell:
        return Cell(MARK, "accent") if model.id in marked else Cell("")

    return (Column("mark", "", 1, mark_cell),)


def disk_columns(
    on_disk_bytes: Mapping[str, int], partial: Collection[str] = ()
) -> tuple[Column, ...]:
    """The "On disk" column: the bytes of each model in the HF cache (keyed by lower-case repo id;
    a model's GGUF repo counts too), with `~` where a repo in `partial` holds an unfinished
    download that a pull would resume. No column while nothing is downloaded."""
    if not on_disk_bytes:
        return ()

    def disk_cell(model: Model) -> Cell:
        repos = {r.lower() for r in (model.repo_id, model.gguf_repo_id) if r}
        total = sum(on_disk_bytes.get(repo, 0) for repo in repos)
        if not total:
            return Cell("")
        if repos & set(partial):
            return Cell(f"~{fmt.size_bytes(total)}", "warn")
        return Cell(fmt.size_bytes(total), "good")

    return (Column("disk", "On disk", 10, disk_cell, align="right", drop_order=4),)


def layout(columns: Sequence[Column], width: int) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells and the width each gets.

    Columns are dropped by `drop_order` (highest first) until the minimum widths fit; spare cells
    then widen the columns that can grow, in their display order.
    """
    shown = list(columns)

    def needed(cols: Sequence[Column]) -> int:
        return sum(c.min_width for c in cols) + GAP * max(0, len(cols) - 1)

    while needed(shown) > width:
        droppable = [c for c in shown if c.drop_order > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda c: c.drop_order))
    widths = [c.min_width for c in shown]
    spare = width - needed(shown)
    for index, column in enumerate(shown):
        if spare <= 0:
            break
        grow = min(spare, (column.max_width or column.min_width) - column.min_width)
        widths[index] += grow
        spare -= grow
    fill = next((index for index, column in enumerate(shown) if column.fill), None)
    if spare > 0 and fill is not None:
        widths[fill] += spare
    return list(zip(shown, widths, strict=True))
