"""The main screen: header line, filter bar, model table, footer; the filter keys live here.

State is the current `Query` (a reactive); every key builds a new query with a pure step from
`query_cycles` and the watcher hands it to a `QueryRunner`, which keeps typing instant at any
catalogue size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from modelscout.catalog.load import Catalog
from modelscout.catalog.location import resolve_catalog
from modelscout.catalog.lookup import name_for_repo
from modelscout.catalog.model import Model
from modelscout.catalog.twins import twins
from modelscout.display.columns import (
    CATALOGUE_COLUMNS,
    MARK,
    MOE_MARK,
    REASONING_MARK,
    Column,
    disk_columns,
    fit_columns,
    mark_columns,
)
from modelscout.query import Query, SortKey, forget_other_catalogues, warm
from modelscout.tui import query_cycles as qc
from modelscout.tui.background.catalog_refresh import REFRESH_GROUP, refresh_catalogue
from modelscout.tui.background.fit_source import FitSource
from modelscout.tui.background.query_runner import Answer, QueryRunner, Request
from modelscout.tui.commands import QueryCommands
from modelscout.tui.downloads import DOWNLOAD_BINDINGS
from modelscout.tui.host import ScoutHost, host
from modelscout.tui.messages import CatalogReady, HardwareJudged, RefreshActivity
from modelscout.tui.rows import describe_catalog, place_of, without_fit
from modelscout.tui.screens.help import Section, binding_rows
from modelscout.tui.screens.prompt import NO_LIMIT, context_prompt, max_active_prompt, plan_prompt
from modelscout.tui.widgets.activity_line import ActivityLine
from modelscout.tui.widgets.filter_bar import FilterBar
from modelscout.tui.widgets.header_line import HeaderLine
from modelscout.tui.widgets.model_table import ModelTable
from modelscout.tui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext
    from modelscout.hub.download.offer import Choice, Offer


class MainScreen(ReportsWorkerErrors, Screen[None]):
    COMMANDS = Screen.COMMANDS | {QueryCommands}
    WORKER_TITLES: ClassVar[dict[str, str]] = {
        REFRESH_GROUP: "Catalogue refresh failed",
        "index": "Preparing the table failed",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "search", "Search", tooltip="Edit the query; the table follows as you type"
        ),
        Binding(
            "escape",
            "clear_filters",
            "Clear filters",
            show=False,
            tooltip="Clear every filter (the sort stays)",
        ),
        Binding(
            "t",
            "cycle_tier",
            "Tier",
            tooltip="Cycle the size tier: all, tiny, small, medium, large",
        ),
        Binding(
            "o",
            "cycle_openness",
            "Open",
            tooltip="Cycle openness: all, open weights, permissive or open source, open source",
        ),
        Binding("m", "cycle_moe", "MoE", tooltip="Cycle architecture: all, MoE only, dense only"),
        Binding(
            "a",
            "max_active",
            "Max active",
            show=False,
            tooltip="Set a maximum of active parameters",
        ),
        Binding(
            "r",
            "cycle_reasoning",
            "Reasoning",
            show=False,
            tooltip="Cycle reasoning: all, reasoning only, non-reasoning only",
        ),
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column"),
        Binding(
            "S", "reverse_sort", "Reverse sort", show=False, tooltip="Reverse the sort direction"
        ),
        Binding(
            "f",
            "toggle_fits",
            "Fits only",
            show=False,
            tooltip="Show only models that fit this machine",
        ),
        Binding(
            "h",
            "plan",
            "Plan",
            show=False,
            tooltip="Plan for another machine: a GPU or Mac profile, VRAM, RAM, GPU count",
        ),
        Binding(
            "c",
            "context_length",
            "Context length",
            show=False,
            tooltip="Set the context length used for the fit estimate",
        ),
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            show=False,
            tooltip="Mark or unmark the row for comparing",
        ),
        Binding(
            "C",
            "compare",
            "Compare",
            show=False,
            tooltip="Compare the marked rows (2 to 4) side by side",
        ),
        Binding(
            "u",
            "unmark_all",
            "Unmark all",
            show=False,
            tooltip="Unmark every row marked for comparing",
        ),
        Binding(
            "v",
            "charts",
            "Charts",
            show=False,  # the footer at 80 columns would lose "? Help" to it
            tooltip="Chart the rows: intelligence vs size, memory vs context, tok/s per quant",
        ),
        *DOWNLOAD_BINDINGS,
    ]
    # Actions that need detected hardware; hidden until it is known.
    FIT_ACTIONS: ClassVar[frozenset[str]] = frozenset({"toggle_fits", "context_length", "plan"})

    # No repaint of its own: the widgets that show the query refresh themselves, and a repaint of
    # the whole screen on every key would redraw all of it (about 18 ms at 120x40).
    current_query: reactive[Query] = reactive(Query, init=False, repaint=False)

    def __init__(self, initial: Query, catalog_path: str | None) -> None:
        super().__init__()
        self._initial = initial
        self._catalog_path = catalog_path
        self.catalog: Catalog | None = None
        self.fit_source: FitSource | None = None
        self.fit: FitContext | None = None
        self._queries = QueryRunner(
            self, self._next_request, self._query_done, lambda busy: self.header_line.set_busy(busy)
        )
        self._fit_notice = False  # the filter bar says the fit part of the query is ignored
        # The catalogue and fit whose query index is built (or being built).
        self._warmed: tuple[Sequence[Model], FitContext | None] | None = None
        self._editing = False  # the query change came from the filter bar: do not rewrite its text
        self.marked: tuple[Model, ...] = ()  # rows chosen for comparing, in the order marked

    @property
    def modelscout_app(self) -> ScoutHost:
        return host(self.app)

    @property
    def table(self) -> ModelTable:
        return self.query_one(ModelTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def header_line(self) -> HeaderLine:
        return self.query_one(HeaderLine)

    def compose(self) -> ComposeResult:
        yield HeaderLine()
        yield FilterBar()
        yield ModelTable(self.table_columns(), id="models")
        yield ActivityLine()
        yield Footer()

    def on_mount(self) -> None:
        self.table.empty_message = "Loading the catalogue…"
        self.table.focus()
        self.set_reactive(MainScreen.current_query, self._initial)
        self.filter_bar.show_query(self._initial)
        self._load_catalog(self._catalog_path)
        downloads = self.modelscout_app.downloads
        downloads.disk_changed.subscribe(
            self, lambda _: self.table.set_columns(self.table_columns())
        )
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Start what the first screen can do without: hardware detection and the scan of the
        download cache import psutil, NVML and huggingface_hub, several times the first frame's
        work, and their threads would hold the interpreter while it is being drawn."""
        self._detect_hardware()
        self.modelscout_app.downloads.rescan()

    # -- background work ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def _load_catalog(self, path: str | None) -> None:
        with self.modelscout_app.collector.paused():
            catalog = resolve_catalog(path)
        self.post_message(CatalogReady(catalog, describe_catalog(catalog)))

    @work(thread=True, group="index", exit_on_error=False)
    def _warm_index(self) -> None:
        """Build what typing and the `s` and `f` keys need (the search text, the orders of the
        sort cycle, the `fits` column) while the first screen is read: at 100,000 models their
        first use would add up to half a second to a key press. (No arguments: a worker's
        description holds their repr, which for the catalogue is 150 MB.)

        Two may run at once (the hardware arriving while the catalogue's run is still going):
        the index builds each column once, and the other waits for it.
        """
        if self._warmed is None:
            return
        models, fit = self._warmed
        cycle = qc.sort_cycle(fit_available=fit is not None)
        keys = [SortKey(key, key in qc.DESCENDING_FIRST) for key in cycle]
        with self.modelscout_app.collector.paused():
            warm(models, keys, fit)

    @work(thread=True, exclusive=True, group="hardware", exit_on_error=False)
    def _detect_hardware(self) -> None:
        detect = self.modelscout_app.detect_fit
        if detect is None:
            return
        source = detect()
        if source is None:
            return
        self._judge(source, self.modelscout_app.settings.context_tokens)

    def _judge(self, source: FitSource, context_tokens: int) -> None:
        fit = source.fit_for(context_tokens)
        self.post_message(HardwareJudged(source, fit, fit.summary()))

    # -- results arriving on the UI thread ---------------------------------------------------

    def worker_failed(self, group: str, message: str) -> None:
        if group == "catalog":
            self._catalog_failed(message)
        elif group == "hardware":
            # Detection is optional: whatever fails, the catalogue stays usable.
            self._hardware_failed(message)
        else:
            super().worker_failed(group, message)

    def on_catalog_ready(self, message: CatalogReady) -> None:
        catalog, source = message.catalog, message.source
        self.catalog = catalog
        forget_other_catalogues(catalog.models)  # a refresh's old catalogue can go now
        self.header_line.set_source(source)
        for notice in catalog.warnings[:3]:
            self.notify(notice, severity="warning", timeout=8)
        if len(catalog.warnings) > 3:
            self.notify(f"{len(catalog.warnings) - 3} more catalogue warnings", severity="warning")
        self.refilter()

    def _catalog_failed(self, message: str) -> None:
        self.header_line.set_source("no catalogue")
        self.header_line.set_counts(0, 0)
        self.table.empty_message = (
            "The catalogue could not be opened:\n"
            f"  {message}\n"
            "\n"
            "Fix or remove that file, or choose another one\n"
            "with --catalog PATH or MODELSCOUT_CATALOG.\n"
            "Press q to quit."
        )
        self.table.set_rows(())
        self.notify(message, title="Catalogue error", severity="error", timeout=10)

    def on_hardware_judged(self, message: HardwareJudged) -> None:
        source, fit, summary = message.source, message.fit, message.summary
        self.fit_source = source
        self.fit = fit
        if self._fit_notice:
            self._fit_notice = False
            self.filter_bar.set_error(None)
        self.header_line.set_hardware(summary)
        self.table.set_columns(self.table_columns())
        self.refresh_bindings()
        self.refilter()

    def table_columns(self) -> tuple[Column, ...]:
        """The catalogue's columns, "On disk" once something is downloaded, then the fit's."""
        downloads = self.modelscout_app.downloads
        return (
            *mark_columns({m.id for m in self.marked}),
            *CATALOGUE_COLUMNS,
            *disk_columns(downloads.on_disk, downloads.partial),
            *(fit_columns(self.fit) if self.fit is not None else ()),
        )

    def _hardware_failed(self, message: str) -> None:
        self.header_line.set_hardware("hardware not detected")
        self.notify(message, title="Hardware detection", severity="warning", timeout=8)

    def _query_done(self, answer: Answer) -> None:
        rows = answer.rows
        if answer.error is not None or rows is None or self.catalog is None:
            self.filter_bar.set_error(answer.error)
            return
        self.table.set_sort(answer.query.sort[0] if answer.query.sort else None)
        self.table.empty_message = self._empty_message()
        self.table.set_rows(rows, answer.cursor)
        self.header_line.set_counts(len(rows), len(self.catalog.models))
        warmed = self._warmed
        if warmed is None or warmed[0] is not self.catalog.models or warmed[1] is not self.fit:
            # Once per catalogue and fit, after the first rows they give are on screen.
            self._warmed = (self.catalog.models, self.fit)
            self.call_after_refresh(self._warm_index)

    def _empty_message(self) -> str:
        return (
            "No model matches this query:\n"
            f"  {self.current_query.to_text()}\n"
            "\n"
            "Press escape to clear the filters (the sort stays), or / to edit the query."
        )

    # -- the query ---------------------------------------------------------------------------

    def refilter(self) -> None:
        """Run the current query again (after the catalogue, the fit or the query changed)."""
        if self.catalog is None:
            return
        needs_fit = without_fit(self.current_query) != self.current_query
        if self.fit is None and needs_fit and not self._editing:
            self.filter_bar.set_error("fits and sort:best/fit/tps need detected hardware; ignored")
            self._fit_notice = True
        self._queries.request()

    def _next_request(self) -> Request:
        assert self.catalog is not None
        query = self.current_query if self.fit is not None else without_fit(self.current_query)
        # Follow the highlighted model to its new place, unless the cursor sits at the top: there
        # the user is reading from the best row down, and stays on the (new) first row.
        keep = place_of(self.table.rows, self.table.cursor_row) if self.table.cursor_row else None
        return Request(self.catalog.models, query, self.fit, keep)

    def watch_current_query(self, query: Query) -> None:
        if not self._editing:
            self.filter_bar.show_query(query)
        self.refilter()
        self.modelscout_app.remember(query=query.to_text())

    def update_query(self, step: Callable[[Query], Query]) -> None:
        self.current_query = step(self.current_query)

    def on_filter_bar_query_edited(self, event: FilterBar.QueryEdited) -> None:
        self._editing = True
        try:
            self.current_query = event.query
        finally:
            self._editing = False

    def on_filter_bar_left(self, event: FilterBar.Left) -> None:
        self.table.focus()

    def on_model_table_header_clicked(self, event: ModelTable.HeaderClicked) -> None:
        """Sort by the clicked column; a second click on it reverses the order."""
        current = self.current_query.sort[0] if self.current_query.sort else None
        if current is not None and current.key == event.sort_key:
            self.update_query(qc.reverse_sort)
        else:
            self.update_query(lambda q: qc.sort_by(q, event.sort_key))

    def on_model_table_selected(self, event: ModelTable.Selected) -> None:
        self.open_details(event.model)

    def open_details(self, model: Model | None = None) -> None:
        # Here, as for the other screens: its rich syntax highlighting (pygments) is a tenth of
        # the start-up before the first frame, and nobody opens a model before that.
        from modelscout.tui.screens.detail import DetailScreen

        model = model or self.table.highlighted_model
        if model is None or self.catalog is None:
            return
        self.app.push_screen(DetailScreen(model, twins(model, self.catalog.models), self.fit))

    # -- actions -----------------------------------------------------------------------------

    def help_sections(self) -> list[Section]:
        return [
            (
                "Filters and sort",
                binding_rows(b for b in self.BINDINGS if b not in DOWNLOAD_BINDINGS),
            ),
            ("Downloads and catalogue", binding_rows(DOWNLOAD_BINDINGS)),
            ("Table", binding_rows(ModelTable.BINDINGS)),
            (
                "Filter bar",
                [("enter / esc", "Back to the table"), *binding_rows(FilterBar.BINDINGS)[1:]],
            ),
            (
                "Marks in the table",
                [
                    (REASONING_MARK, "after a name: a reasoning (thinking) row"),
                    (MOE_MARK, "in Active: a mixture of experts (active of total parameters)"),
                    (MARK, "in the first column: marked for comparing (space, then C)"),
                ],
            ),
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.FIT_ACTIONS and self.fit is None)

    def action_search(self) -> None:
        self.filter_bar.edit()

    def action_clear_filters(self) -> None:
        if qc.has_filters(self.current_query):
            self.update_query(qc.clear_filters)

    def action_cycle_tier(self) -> None:
        self.update_query(qc.cycle_tier)

    def action_cycle_openness(self) -> None:
        self.update_query(qc.cycle_openness)

    def action_cycle_moe(self) -> None:
        self.update_query(qc.cycle_moe)

    def action_cycle_reasoning(self) -> None:
        self.update_query(qc.cycle_reasoning)

    def action_cycle_sort(self) -> None:
        self.update_query(lambda q: qc.cycle_sort(q, fit_available=self.fit is not None))

    def action_reverse_sort(self) -> None:
        self.update_query(qc.reverse_sort)

    def action_toggle_fits(self) -> None:
        self.update_query(qc.toggle_fits)

    def action_toggle_mark(self) -> None:
        from modelscout.display.compare import MAX_MODELS

        model = self.table.highlighted_model
        if model is None:
            return
        if any(m.id == model.id for m in self.marked):
            self.marked = tuple(m for m in self.marked if m.id != model.id)
        elif len(self.marked) >= MAX_MODELS:
            self.notify(
                f"{MAX_MODELS} rows are marked already: C compares them, space unmarks one",
                severity="warning",
            )
            return
        else:
            self.marked = (*self.marked, model)
        self.table.set_columns(self.table_columns())
        self.table.action_cursor_down()

    def action_unmark_all(self) -> None:
        self.marked = ()
        self.table.set_columns(self.table_columns())

    def action_compare(self) -> None:
        from modelscout.display.compare import MAX_MODELS, MIN_MODELS
        from modelscout.tui.screens.compare import CompareScreen

        if self.catalog is None:
            return
        if len(self.marked) < MIN_MODELS:
            self.notify(
                f"Mark {MIN_MODELS} to {MAX_MODELS} rows with space, then press C to compare them",
                severity="warning",
            )
            return
        models = self.catalog.models
        self.app.push_screen(
            CompareScreen(self.marked, [twins(m, models) for m in self.marked], self.fit)
        )

    def action_charts(self) -> None:
        from modelscout.tui.screens.charts import ChartsScreen

        def follow(row: int | None) -> None:
            if row is not None:
                self.table.move_cursor(row)

        screen = ChartsScreen(self.table.rows, self.table.cursor_row, self.fit)
        self.app.push_screen(screen, follow)

    # -- downloads, local models, catalogue refresh (modelscout.tui.downloads) ----------------

    def action_pull(self) -> None:
        self.modelscout_app.downloads.pull(self.table.highlighted_model, fit=self.fit)

    def action_pull_variant(self) -> None:
        from modelscout.tui.screens.variants import VariantScreen

        downloads = self.modelscout_app.downloads

        def pick(offer: Offer) -> None:
            def chosen(choice: Choice | None) -> None:
                if choice is not None:
                    downloads.start(offer, choice)

            self.app.push_screen(VariantScreen(offer), chosen)

        downloads.pull(self.table.highlighted_model, fit=self.fit, pick=pick)

    def action_downloads(self) -> None:
        from modelscout.tui.screens.downloads import DownloadsScreen

        self.app.push_screen(DownloadsScreen())

    def action_local(self) -> None:
        from modelscout.tui.screens.local import LocalScreen

        models = self.catalog.models if self.catalog is not None else ()
        self.app.push_screen(LocalScreen(partial(name_for_repo, models)))

    def action_refresh_catalog(self) -> None:
        if any(w.group == REFRESH_GROUP and not w.is_finished for w in self.workers):
            self.notify("The catalogue is already being refreshed", severity="warning")
            return
        app = self.modelscout_app
        self.run_worker(
            partial(
                refresh_catalogue,
                self.post_message,
                app.catalog_path,
                app.collector,
                app.hub_env,
                app.quitting.is_set,
            ),
            thread=True,
            group=REFRESH_GROUP,
            name="refresh",
            exit_on_error=False,
        )

    def on_refresh_activity(self, message: RefreshActivity) -> None:
        self.query_one(ActivityLine).set_refresh(message.text)

    def action_max_active(self) -> None:
        def apply(limit: float | None) -> None:
            if limit is not None:
                value = None if limit == NO_LIMIT else limit
                self.update_query(lambda q: qc.set_max_active(q, value))

        current = self.current_query.comparison("active", "<=")
        self.app.push_screen(max_active_prompt(current), apply)

    def action_context_length(self) -> None:
        def apply(tokens: int | None) -> None:
            source = self.fit_source
            if tokens is not None and source is not None:
                self.modelscout_app.remember(context_tokens=tokens)
                self.refit(source, tokens)

        self.app.push_screen(context_prompt(self.modelscout_app.settings.context_tokens), apply)

    def action_plan(self) -> None:
        source = self.fit_source
        if source is None:
            return

        def apply(plan: FitSource | None) -> None:
            if plan is not None:
                self.refit(plan, self.modelscout_app.settings.context_tokens)

        self.app.push_screen(plan_prompt(source.planned), apply)

    def plan_for(self, text: str) -> None:
        """Plan for the machine `text` describes (the palette's "Plan for ..." commands)."""
        if self.fit_source is not None:
            self.refit(self.fit_source.planned(text), self.modelscout_app.settings.context_tokens)

    @work(thread=True, exclusive=True, group="hardware", exit_on_error=False)
    def refit(self, source: FitSource, context_tokens: int) -> None:
        """Judge every model again for another context length (a fit estimate per model)."""
        self._judge(source, context_tokens)
