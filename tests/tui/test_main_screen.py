"""Pilot tests: every binding of the main screen, asserting on the rows the table shows."""

from __future__ import annotations

import threading

import pytest
from textual import events

from modelscout.tui.screens.detail import DetailScreen
from modelscout.tui.screens.help import HelpScreen
from modelscout.tui.screens.prompt import PromptScreen
from tests.tui.helpers import highlighted, ids, main_screen, make_app, press, settle, table

BY_INTELLIGENCE = [
    "giant-671b",
    "swarm-106b-a12b",
    "swarm-30b-a3b",
    "tall-405b",
    "quill-14b",
    "tall-70b",
    "pico-1.7b-reasoning",
    "pico-1.7b",
    "lumen-4b",
    "open-7b",
    "vault-12b",  # unknown intelligence: last, in catalogue order
    "mystery-3b",
]


async def test_opens_on_the_catalogue_sorted_by_intelligence() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert ids(app) == BY_INTELLIGENCE
        assert screen.header_line.counts == "12 / 12 models"
        assert screen.header_line.source == "catalog.json, built 2026-01-15"
        assert screen.filter_bar.text == "sort:-intelligence"
        assert app.focused is table(app)
        assert highlighted(app) is not None and highlighted(app).id == "giant-671b"


async def test_t_cycles_the_size_tier() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        seen = []
        for _ in range(5):
            await press(pilot, "t")
            seen.append((main_screen(app).filter_bar.text, {m.tier for m in table(app).rows}))
        assert seen == [
            ("tier:tiny sort:-intelligence", {"tiny"}),
            ("tier:small sort:-intelligence", {"small"}),
            ("tier:medium sort:-intelligence", {"medium"}),
            ("tier:large sort:-intelligence", {"large"}),
            ("sort:-intelligence", {"tiny", "small", "medium", "large"}),
        ]
        await press(pilot, "t")
        assert ids(app) == ["pico-1.7b-reasoning", "pico-1.7b", "lumen-4b", "mystery-3b"]


async def test_o_cycles_openness_from_all_to_open_source() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "o")
        assert "vault-12b" not in ids(app) and len(ids(app)) == 11  # closed weights gone
        await press(pilot, "o")
        assert {m.openness.value for m in table(app).rows} == {"permissive", "open-source"}
        await press(pilot, "o")
        assert ids(app) == ["open-7b"]
        await press(pilot, "o")
        assert ids(app) == BY_INTELLIGENCE


async def test_m_cycles_moe_only_dense_only_all() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "m")
        assert ids(app) == ["giant-671b", "swarm-106b-a12b", "swarm-30b-a3b"]
        assert main_screen(app).filter_bar.text == "moe sort:-intelligence"
        await press(pilot, "m")
        assert len(ids(app)) == 9 and not any(m.moe for m in table(app).rows)
        await press(pilot, "m")
        assert ids(app) == BY_INTELLIGENCE


async def test_r_cycles_reasoning() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "r")
        assert ids(app) == ["giant-671b", "swarm-106b-a12b", "swarm-30b-a3b", "pico-1.7b-reasoning"]
        await press(pilot, "r")
        assert not any(m.reasoning for m in table(app).rows) and len(ids(app)) == 8
        await press(pilot, "r")
        assert len(ids(app)) == 12


async def test_a_sets_and_clears_a_maximum_of_active_parameters() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, PromptScreen)
        await press(pilot, "4", "enter")
        assert main_screen(app).filter_bar.text == "active<=4 sort:-intelligence"
        assert ids(app) == ["swarm-30b-a3b", "pico-1.7b-reasoning", "pico-1.7b", "mystery-3b"]
        # The prompt opens on the current limit; emptying it removes the limit.
        await press(pilot, "a")
        assert app.screen.query_one("#prompt-input").value == "4"
        await press(pilot, "backspace", "enter")
        assert ids(app) == BY_INTELLIGENCE


async def test_a_with_bad_input_or_escape_keeps_the_query() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "a", "x", "enter")
        assert ids(app) == BY_INTELLIGENCE
        # The prompt stays open and says why, so the typo can be mended in place.
        assert isinstance(app.screen, PromptScreen)
        assert "not a parameter count" in str(app.screen.query_one("#prompt-hint").render())
        await press(pilot, "escape")
        await press(pilot, "a", "2", "escape")
        assert ids(app) == BY_INTELLIGENCE
        assert not isinstance(app.screen, PromptScreen)


async def test_s_cycles_the_sort_column_and_shift_s_reverses_it() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert main_screen(app).filter_bar.text == "sort:name"
        names = [m.name for m in table(app).rows]
        assert names == sorted(names, key=str.lower)
        await press(pilot, "S")
        assert main_screen(app).filter_bar.text == "sort:-name"
        assert [m.name for m in table(app).rows] == sorted(names, key=str.lower, reverse=True)
        await press(pilot, "s", "s", "s")  # creator, tier, total
        assert main_screen(app).filter_bar.text == "sort:total"
        totals = [m.total_params_b for m in table(app).rows]
        assert totals == sorted(totals)


async def test_slash_searches_as_you_type_and_escape_leaves_then_clears() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        assert app.focused is main_screen(app).filter_bar.input
        assert main_screen(app).filter_bar.text == "sort:-intelligence "
        await press(pilot, "s", "w")
        assert ids(app) == ["swarm-106b-a12b", "swarm-30b-a3b"]
        await press(pilot, "a", "r", "m", " ", "3")
        assert ids(app) == ["swarm-30b-a3b"]
        await press(pilot, "escape")
        assert app.focused is table(app)
        assert ids(app) == ["swarm-30b-a3b"]
        await press(pilot, "escape")
        assert main_screen(app).filter_bar.text == "sort:-intelligence"
        assert ids(app) == BY_INTELLIGENCE


async def test_typing_in_the_filter_bar_does_not_trigger_keys() -> None:
    app = make_app(query="")
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "slash", "q", "t", "m")
        assert app.is_running
        assert main_screen(app).filter_bar.text == "qtm"
        assert ids(app) == []


async def test_a_half_typed_query_keeps_the_rows_and_says_what_is_wrong() -> None:
    app = make_app(query="tier:tiny")
    async with app.run_test() as pilot:
        await settle(pilot)
        tiny = ids(app)
        await press(pilot, "slash", *["backspace"] * 5)  # the space / added, then "tiny"
        bar = main_screen(app).filter_bar
        assert bar.text == "tier:"
        assert "nothing after ':'" in bar.error
        assert bar.has_class("-invalid")
        assert ids(app) == tiny
        await press(pilot, *"large")
        assert bar.error == "" and not bar.has_class("-invalid")
        assert ids(app) == ["giant-671b", "tall-405b"]


async def test_keys_combine_with_each_other_and_with_typed_filters() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "t", "t")  # small
        await press(pilot, "m", "m")  # dense
        await press(pilot, "o", "o")  # permissive or open source
        assert main_screen(app).filter_bar.text == (
            "tier:small open:open-source,permissive dense sort:-intelligence"
        )
        assert ids(app) == ["quill-14b", "open-7b"]
        await press(pilot, "s")  # by name
        assert ids(app) == ["open-7b", "quill-14b"]
        await press(pilot, "S")
        assert ids(app) == ["quill-14b", "open-7b"]
        await press(pilot, "slash", *"quill", "enter")
        assert ids(app) == ["quill-14b"]
        assert app.focused is table(app)


async def test_cursor_keys_move_and_stay_on_the_model_across_a_sort() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "j", "j")
        assert highlighted(app).id == "swarm-30b-a3b"
        await press(pilot, "k")
        assert highlighted(app).id == "swarm-106b-a12b"
        await press(pilot, "G")
        assert highlighted(app).id == "mystery-3b"
        await press(pilot, "g")
        assert highlighted(app).id == "giant-671b"
        await press(pilot, "down", "down", "down")
        assert highlighted(app).id == "tall-405b"
        await press(pilot, "s")  # re-sorted by name: the cursor follows Tall 405B
        assert highlighted(app).id == "tall-405b"
        assert table(app).cursor_row == ids(app).index("tall-405b")


async def test_cursor_scrolls_the_table_at_80x24() -> None:
    app = make_app()
    async with app.run_test(size=(80, 10)) as pilot:
        await settle(pilot)
        await press(pilot, "G")
        widget = table(app)
        assert widget.scroll_offset.y > 0
        assert widget.scroll_offset.y <= widget.cursor_row
        await press(pilot, "g")
        assert widget.scroll_offset.y == 0


async def test_enter_opens_details_and_escape_comes_back() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "G", "k", "k", "k", "k", "k")  # Pico 1.7B (Reasoning)
        assert highlighted(app).id == "pico-1.7b-reasoning"
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert screen.model.id == "pico-1.7b-reasoning"
        assert [m.id for m in screen.twins] == ["pico-1.7b"]
        assert [s.title for s in screen.snippets] == ["transformers", "llama.cpp", "Ollama"]
        await press(pilot, "escape")
        assert not isinstance(app.screen, DetailScreen)
        assert highlighted(app).id == "pico-1.7b-reasoning"


async def test_question_mark_lists_every_binding() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = app.screen.sections  # type: ignore[attr-defined]
        listed = {description for _, rows in sections for _, description in rows}
        for binding in main_screen(app).BINDINGS:
            assert binding.tooltip in listed
        for description in ("Next row", "Last row", "Details", "Quit", "Help"):
            assert description in listed
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_empty_result_says_so_and_escape_clears_it() -> None:
    app = make_app(query="tier:tiny moe")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert ids(app) == []
        assert main_screen(app).header_line.counts == "0 / 12 models"
        message = table(app).empty_message
        assert "No model matches" in message and "tier:tiny moe" in message
        assert "escape" in message
        await press(pilot, "escape")
        assert len(ids(app)) == 12


async def test_resize_reflows_the_columns() -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        wide = table(app).shown_columns
        assert wide == [
            "name",
            "creator",
            "tier",
            "total",
            "active",
            "ctx",
            "intelligence",
            "openness",
        ]
        await pilot.resize_terminal(50, 20)
        await settle(pilot)
        narrow = table(app).shown_columns
        assert narrow[0] == "name" and "intelligence" in narrow
        assert len(narrow) < len(wide)
        assert table(app).highlighted_model is not None


async def test_command_palette_offers_the_actions() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await pilot.press(*"Tier: large")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        assert ids(app) == ["giant-671b", "tall-405b"]
        await press(pilot, "ctrl+p")
        await pilot.press(*"Cycle architecture")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        assert main_screen(app).filter_bar.text == "tier:large moe sort:-intelligence"
        assert ids(app) == ["giant-671b"]


async def test_keys_pressed_while_a_query_runs_coalesce_into_the_newest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import modelscout.tui.background.query_runner as runner_module
    from modelscout.query.index import QueryIndex

    # Every query slow, as a `fits` query or a first sort at 100,000 models: each goes to a worker.
    monkeypatch.setattr(QueryIndex, "answers_at_once", lambda self, query, fit=None: False)
    release = threading.Event()
    ran: list[str] = []
    real_run_query = runner_module.run_query

    def held_run_query(models, query, fit=None):  # type: ignore[no-untyped-def]
        ran.append(query.to_text())
        if len(ran) == 2:  # hold the first query after start-up until the keys are in
            release.wait(timeout=10)
        return real_run_query(models, query, fit)

    monkeypatch.setattr(runner_module, "run_query", held_run_query)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("t")  # starts the held query
        await pilot.press("t", "m", "s")  # arrive while it runs
        header = main_screen(app).header_line
        for _ in range(200):  # a slow query is marked in the header
            if header.has_class("-busy"):
                break
            await pilot.pause(0.01)
        assert header.has_class("-busy")
        release.set()
        await settle(pilot)
        assert not header.has_class("-busy")
        assert ran == [
            "sort:-intelligence",
            "tier:tiny sort:-intelligence",
            "tier:small moe sort:name",
        ]
        assert ids(app) == ["swarm-30b-a3b"]
        assert main_screen(app).filter_bar.text == "tier:small moe sort:name"


async def test_quick_queries_are_answered_on_the_ui_thread_and_slow_ones_in_a_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import modelscout.tui.background.query_runner as runner_module
    from modelscout.query.index import QueryIndex

    threads: list[tuple[str, bool]] = []
    real_run_query = runner_module.run_query

    def recorded_run_query(models, query, fit=None):  # type: ignore[no-untyped-def]
        threads.append((query.to_text(), threading.current_thread() is threading.main_thread()))
        return real_run_query(models, query, fit)

    monkeypatch.setattr(runner_module, "run_query", recorded_run_query)
    real_answers = QueryIndex.answers_at_once
    monkeypatch.setattr(
        QueryIndex,
        "answers_at_once",
        lambda self, query, fit=None: (
            "sort:name" not in query.to_text() and real_answers(self, query, fit)
        ),
    )
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "s")
        await settle(pilot)
        assert threads == [
            ("sort:-intelligence", True),
            ("tier:tiny sort:-intelligence", True),
            ("tier:tiny sort:name", False),
        ]
        names = [m.name.lower() for m in main_screen(app).table.rows]
        assert len(names) > 1 and names == sorted(names)
        assert not main_screen(app).header_line.has_class("-busy")


async def test_keys_typed_right_after_slash_go_into_the_filter_bar() -> None:
    # All keys queued at once, as a fast typist or a paste delivers them: `q` must not quit and
    # `t` must not cycle the tier while the focus is moving to the filter bar.
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        for key, character in [("slash", "/"), ("q", "q"), ("w", "w"), ("t", "t"), ("S", "S")]:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.is_running
        assert main_screen(app).filter_bar.text == "sort:-intelligence qwtS"


async def test_detail_keys_copy_the_url_and_the_run_commands() -> None:
    app = make_app(query="pico sort:name")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # Pico 1.7B: a repo and a GGUF repo
        assert isinstance(app.screen, DetailScreen)
        await press(pilot, "y")
        assert app.clipboard == "https://huggingface.co/acme/Pico-1.7B"
        await press(pilot, "1")
        assert 'pipeline("text-generation", model="acme/Pico-1.7B")' in app.clipboard
        await press(pilot, "3")
        assert app.clipboard == "ollama run hf.co/acme/Pico-1.7B-GGUF"
        await press(pilot, "G", "g", "escape")
        assert not isinstance(app.screen, DetailScreen)


async def test_detail_of_a_model_without_a_repo_says_there_is_nothing_to_run() -> None:
    app = make_app(query="mystery")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert screen.snippets == []
        assert screen.query_one(".detail-none") is not None
        await press(pilot, "y", "1")
        messages = [str(n.message) for n in app._notifications]
        assert "No Hugging Face URL is known for this model yet." in messages
        assert "There is no snippet 1 for this model." in messages


async def test_clicking_a_header_sorts_by_it_and_again_reverses() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#models", offset=(2, 0))  # "Model"
        await settle(pilot)
        assert main_screen(app).filter_bar.text == "sort:name"
        await pilot.click("#models", offset=(2, 0))
        await settle(pilot)
        assert main_screen(app).filter_bar.text == "sort:-name"
        assert ids(app)[0] == "vault-12b"


async def test_c_then_enter_keeps_the_context_length() -> None:
    """The prompt is prefilled in the same units it reads: enter without editing changes nothing
    (it used to turn 8192 into 8386, writing '8.19k' and reading k as 1024)."""
    from tests.tui.fakes import FakeFitSource

    app = make_app(detect_fit=FakeFitSource)
    async with app.run_test() as pilot:
        await settle(pilot)
        for tokens, shown in ((8192, "8k"), (8000, "8000"), (131_072, "128k")):
            app.remember(context_tokens=tokens)
            await press(pilot, "c")
            assert app.screen.query_one("#prompt-input").value == shown
            await press(pilot, "enter")
            await settle(pilot)
            assert app.settings.context_tokens == tokens
