"""One-line questions in a small dialog, each reading its own answer.

A prompt dismisses with a typed value, or None when cancelled; text it cannot read keeps it open
with the reason under the field, so a typo costs one edit rather than starting over.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from modelscout import units

T = TypeVar("T")

NO_LIMIT = math.inf  # what the max-active prompt answers for an empty field


class PromptScreen(ModalScreen[T | None], Generic[T]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str, hint: str, parse: Callable[[str], T]) -> None:
        super().__init__()
        self._question = question
        self._value = value
        self._hint = hint
        self._parse = parse

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Label(self._question, id="prompt-question", markup=False)
            yield Input(value=self._value, id="prompt-input")
            yield Label(self._hint, id="prompt-hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            answer = self._parse(event.value.strip())
        except ValueError as exc:
            self.query_one("#prompt-hint", Label).update(f"{exc}. {self._hint}")
            self.query_one("#prompt-hint", Label).add_class("error")
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _max_active(text: str) -> float:
    return NO_LIMIT if text == "" else units.parse_params_b(text)


def max_active_prompt(current_b: float | None) -> PromptScreen[float]:
    """Billions of active parameters, or `NO_LIMIT` for an empty answer."""
    return PromptScreen(
        "Maximum active parameters (billions)",
        "" if current_b is None else units.format_params_b(current_b),
        "e.g. 4, 12b or 500m; empty removes the limit; esc cancels",
        _max_active,
    )


def context_prompt(current_tokens: int) -> PromptScreen[int]:
    """Tokens for the fit estimate, 0 meaning each model's own maximum."""
    return PromptScreen(
        "Context length for the fit estimate (tokens)",
        "max" if current_tokens == 0 else units.format_tokens(current_tokens),
        "e.g. 8192, 32k, 128k, or max for each model's own maximum; esc cancels",
        units.parse_context,
    )


def plan_prompt(planned: Callable[[str], T]) -> PromptScreen[T]:
    """A machine to plan for, read by `planned` (a profile key, vram=, ram=, gpus=)."""
    return PromptScreen(
        "Plan for another machine",
        "",
        "a profile (rtx4090, m4-max-128, dgx-spark, pi5-8) and/or vram=24G ram=64G gpus=2; "
        "'this' for this machine; esc cancels",
        planned,
    )
