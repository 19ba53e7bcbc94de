"""Every example query the help screen and the README show returns rows on the bundled catalogue:
an example that finds nothing (`creator:qwen`, where the creator is Alibaba) teaches the wrong thing.

`fits` and the fit sorts are judged on a planned machine that runs some models (one 24 GiB GPU,
64 GiB RAM), as a reader trying the example on an ordinary desktop would.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from modelscout.catalog.location import bundled_catalog_path, resolve_catalog
from modelscout.commands.compare import EXAMPLES as COMPARE_EXAMPLES
from modelscout.fit.context import FitContext
from modelscout.hardware.plan import PlanOptions, plan_hardware
from modelscout.query import parse_query, run_query
from modelscout.tui.screens.help import EXAMPLE_QUERIES
from tests.tui.test_fit_integration import gpu_machine

README = Path(__file__).resolve().parents[1] / "README.md"
MODELS = resolve_catalog(bundled_catalog_path()).models
# Flags of `modelscout list` that take a value; what follows them is not a query token.
VALUE_FLAGS = frozenset({"--limit", "--vram", "--ram", "--gpus", "--profile", "--ctx", "--catalog"})


def readme_list_queries() -> list[str]:
    """The QUERY of each `modelscout list ...` line in the README's code blocks, and of each
    `--query '...'`."""
    queries = []
    in_block = False
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            continue
        command = line.split("#", 1)[0].strip()
        seed = re.search(r"--query\s+'([^']*)'", command)
        if seed:
            queries.append(seed.group(1))
        if not command.startswith("modelscout list"):
            continue
        words = shlex.split(command)[2:]
        tokens = []
        skip = False
        for word in words:
            if skip:
                skip = False
            elif word in VALUE_FLAGS:
                skip = True
            elif not word.startswith("--"):
                tokens.append(word)
        queries.append(" ".join(tokens))
    return queries


def readme_token_examples() -> list[str]:
    """Each backticked token in the first column of the README's query-token table (the table
    headed `| token | keeps |`)."""
    tokens = []
    in_table = False
    for line in README.read_text().splitlines():
        if line.replace(" ", "").startswith("|token|keeps|"):
            in_table = True
        elif in_table and not line.startswith("|"):
            break
        elif in_table:
            tokens.extend(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return tokens


def planned_fit() -> FitContext:
    return FitContext(plan_hardware(gpu_machine(), PlanOptions(vram="24G", ram="64G", gpus=1)))


def rows_for(text: str) -> int:
    query = parse_query(text)
    return len(run_query(MODELS, query, planned_fit()))


def test_the_readme_has_examples_to_check() -> None:
    assert len(readme_list_queries()) >= 3 and len(readme_token_examples()) >= 10


@pytest.mark.parametrize("query", EXAMPLE_QUERIES)
def test_help_screen_example_returns_rows(query: str) -> None:
    assert rows_for(query) > 0


@pytest.mark.parametrize("query", readme_list_queries())
def test_readme_command_example_returns_rows(query: str) -> None:
    assert rows_for(query) > 0


@pytest.mark.parametrize("token", readme_token_examples())
def test_readme_token_example_returns_rows(token: str) -> None:
    assert rows_for(token) > 0


def test_compare_help_examples_name_bundled_models() -> None:
    ids = {m.id for m in MODELS}
    for line in COMPARE_EXAMPLES:
        named = [w for w in shlex.split(line)[2:] if not w.startswith("--") and w[0].isalpha()]
        named = [w for w in named if not re.fullmatch(r"\d+[kKgG]", w)]
        assert named and set(named) <= ids, line
