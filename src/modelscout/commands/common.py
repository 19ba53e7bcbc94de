"""Pieces every command shares: loading the catalogue once, JSON output, warnings on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec

from modelscout.catalog import Catalog
from modelscout.catalog.location import resolve_catalog

if TYPE_CHECKING:
    from rich.console import Console  # imported when used: `list --json` never loads rich

    from modelscout.fit.context import FitContext


def load(args: argparse.Namespace) -> Catalog:
    catalog = resolve_catalog(getattr(args, "catalog", None))
    if catalog.warnings:
        from modelscout.display.text import shown  # a notice may quote the file

        for notice in catalog.warnings:
            print(f"modelscout: warning: {shown(notice)}", file=sys.stderr)
    return catalog


def print_json(value: Any) -> None:
    sys.stdout.write(_indented(value) + "\n")


def print_json_array(items: Iterable[Any]) -> None:
    """`print_json(list(items))`, the same text, holding one item at a time (a 100,000-model
    listing would otherwise build every row's dict before writing the first)."""
    opened = False
    for item in items:
        # An item's own lines, shifted one level in: what it reads as inside the list
        # (newlines inside strings are escaped, so every newline here is indentation).
        text = _indented(item).replace("\n", "\n  ")
        sys.stdout.write(f",\n  {text}" if opened else f"[\n  {text}")
        opened = True
    sys.stdout.write("\n]\n" if opened else "[]\n")


def write_json_rows(rows: Iterable[bytes | memoryview], joined: bool = False) -> None:
    """`print_json_array` for items already laid out as it lays them out (indented one level);
    `joined`: the pieces are one text, the separators already in it."""
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    held: list[bytes] = []  # where stdout was swapped for a StringIO: decoded whole at the end

    def write(data: bytes | memoryview) -> None:
        if binary is not None:
            binary.write(data)
        else:
            held.append(bytes(data))  # a piece may end inside a character

    opened = False
    for row in rows:
        write(b"" if joined and opened else b",\n" if opened else b"[\n")
        write(row)
        opened = True
    write(b"\n]\n" if opened else b"[]\n")
    if binary is not None:
        binary.flush()
    else:
        sys.stdout.write(b"".join(held).decode("utf-8"))


def indented(value: Any) -> str:
    """`value` as JSON, laid out as `print_json` writes it."""
    return _indented(value)


def _indented(value: Any) -> str:
    """JSON laid out as `json.dumps(value, indent=2, ensure_ascii=False)` lays it out, made by
    msgspec: seven times faster, which is most of a 100,000-model `list --json`. (Floats may
    differ in form only: 1e16 for 1e+16.)"""
    return msgspec.json.format(msgspec.json.encode(value), indent=2).decode("utf-8")


def stdout_console() -> Console:
    """A rich console on stdout that ends a listing quietly when its reader leaves.

    rich's own answer to a closed pipe (`modelscout show x | head`) is to exit with status 1; the
    CLI treats a reader that has gone as a normal end (status 0), whichever command was writing.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _Console()


def examples(*lines: str) -> dict[str, Any]:
    """`add_parser` keywords that end a command's --help with these examples, as written."""
    text = "examples:\n" + "\n".join(f"  {line}" for line in lines)
    return {"epilog": text, "formatter_class": argparse.RawDescriptionHelpFormatter}


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """Let `--catalog` follow the subcommand too (`modelscout list --catalog x.json`)."""
    parser.add_argument(
        "--catalog", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def add_fit_options(parser: argparse.ArgumentParser) -> None:
    """`--vram/--ram/--gpus/--profile` plan for another machine; `--ctx` sizes the KV cache."""
    group = parser.add_argument_group("hardware (plan for another machine)")
    group.add_argument("--vram", metavar="SIZE", help="GPU memory per GPU, e.g. 24G")
    group.add_argument("--ram", metavar="SIZE", help="system RAM, e.g. 64G")
    group.add_argument("--gpus", type=int, metavar="N", help="number of GPUs (0 for CPU only)")
    group.add_argument("--profile", metavar="NAME", help="a built-in GPU or Mac, e.g. rtx4090")
    group.add_argument(
        "--ctx", metavar="TOKENS", help="context to size the KV cache for, e.g. 32k or max"
    )
    engine = parser.add_argument_group("engine (how the model would be run)")
    engine.add_argument(
        "--engine",
        choices=("llama.cpp", "vllm"),
        help="the engine whose memory rules apply (default llama.cpp)",
    )
    engine.add_argument(
        "--kv-cache",
        choices=("f16", "q8_0", "q4_0", "fp8"),
        help="KV cache type: f16 (default), q8_0 or q4_0 (llama.cpp), fp8 (vLLM)",
    )


def fit_options(args: argparse.Namespace) -> Any:
    """`--engine` and `--kv-cache` as FitOptions; UsageError for a pair no engine runs."""
    from modelscout.errors import UsageError
    from modelscout.fit.estimate import DEFAULT_OPTIONS, FitOptions

    engine = getattr(args, "engine", None) or DEFAULT_OPTIONS.engine
    kv_type = getattr(args, "kv_cache", None) or DEFAULT_OPTIONS.kv_type
    options = FitOptions(engine, kv_type)
    problem = options.problem()
    if problem:
        raise UsageError(f"--engine/--kv-cache: {problem}")
    return options


def plan_options(args: argparse.Namespace) -> Any:
    from modelscout.hardware.plan import PlanOptions

    return PlanOptions(
        vram=getattr(args, "vram", None),
        ram=getattr(args, "ram", None),
        gpus=getattr(args, "gpus", None),
        profile=getattr(args, "profile", None),
    )


def context_tokens(args: argparse.Namespace) -> int | None:
    """`--ctx`: '32k' -> 32768, '8192' -> 8192, 'max' -> 0 (each model's own maximum)."""
    from modelscout import units
    from modelscout.errors import UsageError

    text = getattr(args, "ctx", None)
    if text is None:
        return None
    try:
        return units.parse_context(text)
    except units.UnitError as exc:
        raise UsageError(f"--ctx: {exc}") from None


def hardware_for(args: argparse.Namespace) -> Any:
    """The detected machine, with `--vram/--ram/--gpus/--profile` applied when given."""
    from modelscout.hardware.detect import detect_hardware
    from modelscout.hardware.plan import plan_hardware
    from modelscout.hub.env import HubEnv

    cache_dir = HubEnv.from_environ().cache_dir
    return plan_hardware(detect_hardware(cache_dir=cache_dir), plan_options(args))


def machine_fit(args: argparse.Namespace) -> FitContext:
    """The fit for the detected machine, or the one --vram/--ram/--gpus/--profile plans, at --ctx,
    with --engine/--kv-cache."""
    from modelscout.fit.context import FitContext

    return FitContext(hardware_for(args), context_tokens(args), fit_options(args))


def fit_for(args: argparse.Namespace, query: Any) -> FitContext | None:
    """The hardware fit for this run, or None where the query does not need one."""
    from modelscout.query import FIT_SORT_KEYS

    wanted = (
        getattr(query, "needs_fit", False)
        or any(key.key in FIT_SORT_KEYS for key in getattr(query, "sort", ()))
        or fit_options_given(args)
    )
    return machine_fit(args) if wanted else None


def fit_options_given(args: argparse.Namespace) -> bool:
    """Whether an option asks for a fit (--vram/--ram/--gpus/--profile, --ctx, --engine,
    --kv-cache), whatever the query says."""
    planned = ("vram", "ram", "gpus", "profile")  # PlanOptions.any, without importing hardware/
    return (
        any(getattr(args, name, None) is not None for name in planned)
        or getattr(args, "ctx", None) is not None
        or getattr(args, "engine", None) is not None
        or getattr(args, "kv_cache", None) is not None
    )
