"""`D`: choose what to pull of a model: safetensors, one GGUF quantisation, or everything, with each
variant's size, whether it fits the free disk space, and where it would run here."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from modelscout.display import format as fmt
from modelscout.hub.download.offer import Choice, Offer
from modelscout.tui.plain import plain

COLUMNS = ("Variant", "Size", "Files", "Disk", "Runs", "", "From")


def choice_cells(offer: Offer, choice: Choice, main_repo: str) -> tuple[str, ...]:
    return (
        choice.variant.name,
        fmt.size_bytes(choice.variant.size_bytes),
        str(len(choice.variant.files)),
        {True: "fits", False: "too big", None: fmt.DASH}[choice.fits_disk],
        choice.runs_here or fmt.DASH,
        "default" if choice is offer.default else "",
        "" if choice.repo_id == main_repo else choice.repo_id,
    )


class VariantScreen(ModalScreen[Choice | None]):
    HELP_TITLE: ClassVar[str] = "Choose a variant"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "pick", "Pull this variant", show=False),
    ]

    def __init__(self, offer: Offer) -> None:
        super().__init__()
        self.offer = offer

    def compose(self) -> ComposeResult:
        offer = self.offer
        with Vertical(id="variants-box"):
            yield Label(
                f"Pull {offer.model_name}: choose a variant", id="variants-title", markup=False
            )
            yield DataTable(id="variants-table", cursor_type="row")
            free = fmt.size_bytes(offer.free_bytes)
            notes = [f"{free} free on the download disk"]
            if offer.present_bytes:
                notes.append(f"{fmt.size_bytes(offer.present_bytes)} already downloaded")
            if offer.gated:
                notes.append("gated: accept the licence on the model page first")
            notes.extend(offer.notes)
            yield Label(" · ".join(notes), id="variants-notes", markup=False)
            yield Label("enter pulls the highlighted variant · esc cancels", id="variants-hint")

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        main_repo = self.offer.choices[0].repo_id
        for choice in self.offer.choices:
            table.add_row(*plain(choice_cells(self.offer, choice, main_repo)))
        table.move_cursor(row=self.offer.choices.index(self.offer.default), animate=False)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pick()

    def action_pick(self) -> None:
        row = self.query_one(DataTable).cursor_row
        self.dismiss(self.offer.choices[row])

    def action_cancel(self) -> None:
        self.dismiss(None)
