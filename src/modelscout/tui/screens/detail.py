"""The detail screen: every field of one model with the sources that state it, its twins and
commands to run it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from modelscout.catalog.model import Model
from modelscout.display import format as fmt
from modelscout.display.describe import field_rows, sources_for
from modelscout.display.text import shown, shown_model
from modelscout.tui.messages import LocalFileFound
from modelscout.tui.snippets import Snippet, run_snippets

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext


def fields_table(model: Model) -> Table:
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(style="dim", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(style="dim", no_wrap=True, justify="right")
    for label, value in field_rows(model):
        table.add_row(
            label, Text(value, style="dim" if value == fmt.DASH else ""), sources_for(model, label)
        )
    return table


def sources_table(model: Model) -> Table:
    """Numbered sources, each with what it states; long lines wrap under their own text."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for number, source in enumerate(model.sources, 1):
        detail = f" — {source.detail}" if source.detail else ""
        text = Text(f"{source.kind}: {source.ref}{detail}")
        if source.says:
            says = ", ".join(f"{key}={value}" for key, value in source.says.items())
            text.append(f"\nsays {says}", style="dim")
        table.add_row(f"[{number}]", text)
    return table


def twins_table(twins: Sequence[Model]) -> Table | Text:
    if not twins:
        return Text("none in the catalogue", style="dim")
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, style="dim")
    for twin in twins:
        kind = "reasoning" if twin.reasoning else "non-reasoning"
        table.add_row(
            Text(twin.name),
            Text(f"{twin.id} · {kind} · intelligence {fmt.number(twin.intelligence_index)}"),
        )
    return table


def fit_renderable(model: Model, fit: FitContext) -> Group:
    """How the model runs on the detected (or planned) hardware, per quantisation."""
    from modelscout.fit.estimate import context_label

    result = fit.model_fit(model)
    summary = Text.assemble(
        (result.verdict.label, "bold"),
        f" at {context_label(result.context_tokens)} tokens of context",
        f", best as {result.best.quant}" if result.best else "",
        f", about {fmt.number(result.est_tps, 1)} tokens/s" if result.est_tps else "",
    )
    table = Table(box=None, padding=(0, 2), header_style="bold", show_edge=False)
    for name, justify in (
        ("quant", "left"),
        ("memory", "right"),
        ("runs", "left"),
        ("tok/s", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in result.rows:
        table.add_row(
            row.quant,
            fmt.size_bytes(row.total_bytes),
            row.verdict.label,
            fmt.number(row.est_tps, 1),
            style="" if row.verdict.value < 3 else "dim",
        )
    notes = Text("\n".join(result.notes), style="dim")
    return Group(summary, table, notes)


def chosen_quant(model: Model, fit: FitContext | None) -> str | None:
    """The quantisation the verdict chose, when the hardware is known; run commands follow it."""
    if fit is None:
        return None
    best = fit.model_fit(model).best
    return best.quant if best is not None else None


def snippet_block(number: int, snippet: Snippet) -> Group:
    title = Text.assemble(
        (f"[{number}] {snippet.title}", "bold"),
        ("  press ", "dim"),
        (str(number), "bold"),
        (" to copy", "dim"),
    )
    return Group(title, Syntax(snippet.code, snippet.language, theme="ansi_dark", word_wrap=True))


class DetailScreen(Screen[None]):
    HELP_TITLE: ClassVar[str] = "Model details"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back"),
        Binding("y", "copy_url", "Copy URL"),
        Binding("1", "copy_snippet(1)", "Copy snippet 1", show=False),
        Binding("2", "copy_snippet(2)", "Copy snippet 2", show=False),
        Binding("3", "copy_snippet(3)", "Copy snippet 3", show=False),
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_top", "Top", show=False),
        Binding("G,end", "scroll_bottom", "Bottom", show=False),
        Binding("space,pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    def __init__(self, model: Model, twins: Sequence[Model], fit: FitContext | None = None) -> None:
        super().__init__()
        self.model = model
        self.twins = tuple(twins)
        self.fit = fit
        # Shown and copied as the catalogue has them, control characters neutralised: a repo id
        # carrying an escape sequence must neither reach the terminal nor a pasted command.
        self._quant = chosen_quant(model, fit)
        self.snippets = run_snippets(shown_model(model), self._quant)

    def compose(self) -> ComposeResult:
        model = shown_model(self.model)
        yield Label(
            Text.assemble((model.name, "bold"), (f"  {model.creator} · {model.id}", "dim")),
            id="detail-title",
        )
        with VerticalScroll(id="detail-scroll"):
            yield Static(fields_table(model), id="detail-fields")
            if model.notes:
                yield Label("Notes", classes="detail-heading")
                yield Static(model.notes, markup=False)
            if self.fit is not None:
                yield Label("On this machine", classes="detail-heading")
                yield Static(fit_renderable(model, self.fit), id="detail-fit")
            yield Label("Twins (same weights)", classes="detail-heading")
            twins = [shown_model(m) for m in self.twins]
            yield Static(twins_table(twins), id="detail-twins")
            yield Label("Run it", classes="detail-heading")
            if self.snippets:
                for number, snippet in enumerate(self.snippets, 1):
                    yield Static(snippet_block(number, snippet), classes="detail-snippet")
            else:
                yield Static(
                    "No Hugging Face repository is known for this model yet, so there is no command to run it.",
                    classes="detail-none",
                    markup=False,
                )
            yield Label("Sources", classes="detail-heading")
            yield Static(sources_table(model), id="detail-sources")
        yield Footer()

    def on_mount(self) -> None:
        if self.model.gguf_repo_id:
            self._find_local_file(self.model.gguf_repo_id)

    @work(thread=True, exclusive=True, group="local-file", exit_on_error=False)
    def _find_local_file(self, repo_id: str) -> None:
        """Look for the chosen file in the HF cache (disk I/O, so off the UI thread)."""
        from modelscout.hub.download.cache import local_gguf
        from modelscout.tui.snippets import GGUF_TAGS

        path = local_gguf(repo_id, GGUF_TAGS.get(self._quant or ""))
        if path is not None:  # a file name from the Hub: neutralised like every shown string
            self.post_message(LocalFileFound(shown(str(path))))

    def on_local_file_found(self, message: LocalFileFound) -> None:
        self.snippets = run_snippets(shown_model(self.model), self._quant, message.path)
        for widget, (number, snippet) in zip(
            self.query(".detail-snippet"), enumerate(self.snippets, 1), strict=False
        ):
            if isinstance(widget, Static):
                widget.update(snippet_block(number, snippet))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_up(animate=False)

    def action_scroll_top(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_end(animate=False)

    def action_page_down(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_page_up(animate=False)

    def action_copy_url(self) -> None:
        if self.model.hub_url is None:
            self.notify("No Hugging Face URL is known for this model yet.", severity="warning")
            return
        self.app.copy_to_clipboard(self.model.hub_url)
        self.notify(f"Copied {self.model.hub_url}")

    def action_copy_snippet(self, number: int) -> None:
        if not 1 <= number <= len(self.snippets):
            self.notify(f"There is no snippet {number} for this model.", severity="warning")
            return
        snippet = self.snippets[number - 1]
        self.app.copy_to_clipboard(snippet.code)
        self.notify(f"Copied the {snippet.title} command")
