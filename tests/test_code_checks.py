"""The code passes its own checks: mypy on the package, ruff's lint and format on everything."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True
    )


def test_mypy_finds_no_type_errors(tmp_path: Path) -> None:
    done = run("mypy", "--cache-dir", str(tmp_path / "cache"))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(check: list[str]) -> None:
    done = run("ruff", *check, "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


# --- Layering: the rules of STYLE.md's "shape", held by the import graph itself. -----------------

PACKAGE = REPO_ROOT / "src" / "modelscout"

# Import cycles known when this test was written, each to be broken; empty means none are allowed.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()
# Imports across layers known when this test was written, each to be removed.
KNOWN_LEAKS: frozenset[str] = frozenset()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every module's imports of the package's own modules: top-level, lazy (inside functions) and
    TYPE_CHECKING ones alike, since each is a dependency a reader has to follow."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")
                    anchor = anchor if is_package else anchor[:-1]
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def imports_textual(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if any(n == "textual" or n.startswith("textual.") for n in names):
            return True
    return False


def test_no_textual_outside_the_tui() -> None:
    offenders = [
        module_name(p)
        for p in PACKAGE.rglob("*.py")
        if not module_name(p).startswith("modelscout.tui") and imports_textual(p)
    ]
    assert offenders == []


def test_layers_import_downwards_only() -> None:
    """The TUI never imports the CLI's commands; the core imports neither front end."""
    wrong = []
    for name, edges in import_graph().items():
        for target in edges:
            in_tui = name.startswith("modelscout.tui")
            in_commands = name.startswith("modelscout.commands") or name == "modelscout.cli"
            to_front = target.startswith(("modelscout.tui", "modelscout.commands"))
            tui_to_cli = in_tui and target.startswith("modelscout.commands")
            core_to_front = not in_tui and not in_commands and to_front
            if tui_to_cli or core_to_front:
                wrong.append(f"{name} -> {target}")
    assert sorted(set(wrong) - KNOWN_LEAKS) == []
    assert sorted(KNOWN_LEAKS - set(wrong)) == []


def test_no_import_cycles_beyond_the_known_ones() -> None:
    found = cycles(import_graph())
    assert sorted(sorted(c) for c in found - KNOWN_CYCLES) == []
    # A cycle that has been broken leaves the list, so that it cannot come back unnoticed.
    assert sorted(sorted(c) for c in KNOWN_CYCLES - found) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}
