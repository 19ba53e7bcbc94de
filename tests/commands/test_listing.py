"""`modelscout list` as a table: columns that line up, within the terminal, written as they go."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from bench.gen_catalog import catalog_document
from modelscout.catalog.location import bundled_catalog_path, resolve_catalog
from modelscout.cli import main
from modelscout.commands.common import stdout_console
from modelscout.display.cells import fit_to_width

PLAN = ["--profile", "rtx4090", "--ram", "64G"]


def table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int, *argv: str
) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["list", *argv]) == 0
    return capsys.readouterr().out.splitlines()


def spans(header: str) -> dict[str, tuple[int, int]]:
    """Each header name's first and last cell (names are single words or 'est. tok/s')."""
    return {m.group(): (m.start(), m.end()) for m in re.finditer(r"est\. tok/s|\S+", header)}


@pytest.mark.parametrize("width", [80, 100, 120, 160])
@pytest.mark.parametrize("plan", [[], PLAN], ids=["catalogue", "with fit"])
def test_columns_line_up_under_their_headers_within_the_width(
    width: int,
    plan: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = table(capsys, monkeypatch, width, "sort:-intelligence", "--limit", "30", *plan)
    assert all(len(line) <= width for line in lines)
    header, rows = lines[0], lines[1:31]
    bundled = len(resolve_catalog(bundled_catalog_path()).models)
    assert len(rows) == 30 and lines[31] == f"30 of {bundled} models"
    where = spans(header)
    assert "id" in where and "intel." in where
    if plan:
        assert "fit" in where and "est. tok/s" in where
    assert main(["list", "sort:-intelligence", "--limit", "30", *plan, "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    for row, model in zip(rows, expected, strict=True):
        assert row.startswith(model["id"][: where["id"][1] - 1])
        _, end = where["intel."]  # right-aligned: the score ends where its header ends
        score = model["intelligence_index"]
        assert row[:end].endswith("–" if score is None else f"{score:g}")
        if "openness" in where:  # left-aligned: starts where its header starts
            start, _ = where["openness"]
            assert row[start:].startswith(model["openness"])
        if plan:
            start, _ = where["fit"]
            assert row[start:].split("  ")[0].split()[0] in {"GPU", "GPU+CPU", "CPU", "no", "n/a"}


def test_narrow_terminals_drop_the_least_needed_columns_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = spans(table(capsys, monkeypatch, 160, "--limit", "1", *PLAN)[0])
    narrow = spans(table(capsys, monkeypatch, 80, "--limit", "1", *PLAN)[0])
    assert {"creator", "licence", "openness", "ctx"} <= set(wide)
    assert set(narrow) == {"id", "total", "active", "intel.", "fit", "est. tok/s"}


def test_wide_characters_count_as_two_cells() -> None:
    assert fit_to_width("通义千问", 6) == "通义 …"  # 4 cells, 1 that half a character can't use, …
    assert fit_to_width("通义", 6, "right") == "  通义"
    assert cell_len(fit_to_width("Qwen 通义千问 instruct", 12)) == 12


def test_a_reader_that_leaves_early_ends_the_listing_quietly(tmp_path: Path) -> None:
    # More rows than a pipe holds: the listing must notice the reader has gone, stop, and say
    # nothing about it, as `modelscout list | head` needs.
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog_document(3_000, seed=2)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelscout", "list", "--catalog", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"id ") and err == b""


def test_a_pipe_gets_whole_ids_and_every_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a terminal and no COLUMNS: what a script reads, to grep ids and pass them to `show`.
    monkeypatch.delenv("COLUMNS", raising=False)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog_document(300, seed=4)))
    assert main(["list", "--catalog", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in lines[1:-1]]
    assert main(["list", "--catalog", str(path), "--json"]) == 0
    assert ids == [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert max(map(len, ids)) > 24  # long enough that a terminal-sized column would cut some
    assert {"creator", "licence", "openness", "ctx"} <= set(spans(lines[0]))


def test_rich_output_to_a_closed_pipe_is_a_broken_pipe_not_an_exit() -> None:
    # rich would exit with status 1; the CLI turns BrokenPipeError into a quiet status 0.
    read_end, write_end = os.pipe()
    os.close(read_end)
    console = stdout_console()
    with os.fdopen(write_end, "w") as closed:
        console.file = closed
        with pytest.raises(BrokenPipeError):
            console.print("x" * 100_000, soft_wrap=True, highlight=False)
        console.file = sys.stdout  # so the file can close without rich writing to it again


@pytest.mark.parametrize("width", [60, 80, 120])
def test_ids_are_never_cut_in_a_terminal(
    width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole bundled catalogue: its longest id has 47 characters.
    lines = table(capsys, monkeypatch, width, "sort:name")
    assert main(["list", "sort:name", "--json"]) == 0
    ids = [model["id"] for model in json.loads(capsys.readouterr().out)]
    rows = lines[1 : 1 + len(ids)]
    for row, model_id in zip(rows, ids, strict=True):
        assert row.split()[0] == model_id
    assert "…" not in "".join(row.split()[0] for row in rows)
