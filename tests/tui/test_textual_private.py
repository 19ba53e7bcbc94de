"""The private Textual methods our widgets override or call still exist with the shape we use.

The filter bar and the model table reach below Textual's public API (pinned to 8.x in
pyproject.toml for that reason); a Textual release that renames one fails here, by name, rather
than as a blank table or an input that stops scrolling.
"""

from __future__ import annotations

import inspect

import pytest
from textual.scroll_view import ScrollView
from textual.widgets import Input

from modelscout.tui.widgets.filter_bar import QueryInput
from modelscout.tui.widgets.model_table import ModelTable


@pytest.mark.parametrize(
    ("owner", "name", "parameters"),
    [
        (Input, "_watch_value", ["self", "value"]),
        (ScrollView, "_scroll_update", ["self", "virtual_size"]),
        (Input, "_scroll_update", ["self", "virtual_size"]),
    ],
)
def test_private_textual_methods_we_rely_on_exist(
    owner: type, name: str, parameters: list[str]
) -> None:
    method = getattr(owner, name, None)
    assert callable(method), f"{owner.__name__}.{name} is gone"
    assert list(inspect.signature(method).parameters) == parameters


def test_our_widgets_sit_on_those_classes() -> None:
    assert issubclass(QueryInput, Input)
    assert issubclass(ModelTable, ScrollView)
