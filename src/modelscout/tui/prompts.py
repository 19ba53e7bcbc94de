"""The main screen's two questions: a maximum of active parameters, and the context length the fit
estimate assumes. Each asks in a `PromptScreen`, reads the answer the way the query language
reads sizes and token counts, and says in a notification what it could not read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelscout.display import format as fmt
from modelscout.tui import query_cycles as qc
from modelscout.tui.rows import parse_size_b, parse_tokens
from modelscout.tui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from modelscout.tui.screens.main import MainScreen


def ask_max_active(screen: MainScreen) -> None:
    current = screen.current_query.comparison("active", "<=")

    def apply(answer: str | None) -> None:
        if answer is None:
            return
        if answer == "":
            screen.update_query(lambda q: qc.set_max_active(q, None))
            return
        try:
            limit = parse_size_b(answer)
        except ValueError:
            screen.notify(
                f"'{answer}' is not a parameter count (try 4 or 4b or 500m)", severity="error"
            )
            return
        screen.update_query(lambda q: qc.set_max_active(q, limit))

    screen.app.push_screen(
        PromptScreen(
            "Maximum active parameters (billions)",
            "" if current is None else f"{current:g}",
            "e.g. 4, 12b or 500m; empty removes the limit; esc cancels",
        ),
        apply,
    )


def ask_context_length(screen: MainScreen) -> None:
    app = screen.modelscout_app

    def apply(answer: str | None) -> None:
        source = screen.fit_source
        if not answer or source is None:
            return
        try:
            tokens = parse_tokens(answer)
        except ValueError:
            screen.notify(
                f"'{answer}' is not a token count (try 8192, 32k or max)", severity="error"
            )
            return
        app.remember(context_tokens=tokens)
        screen.refit(source, tokens)

    tokens = app.settings.context_tokens
    screen.app.push_screen(
        PromptScreen(
            "Context length for the fit estimate (tokens)",
            "max" if tokens == 0 else fmt.tokens(tokens),
            "e.g. 8192, 32k, 128k, or max for each model's own maximum; esc cancels",
        ),
        apply,
    )
