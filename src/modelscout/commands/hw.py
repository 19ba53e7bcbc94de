"""`modelscout hw`: the detected hardware, or the planned machine `--vram/--ram/--gpus/--profile` describe."""

from __future__ import annotations

import argparse

from modelscout.commands.common import (
    add_fit_options,
    context_tokens,
    examples,
    hardware_for,
    print_json,
    stdout_console,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hw",
        help="show the detected hardware",
        description="Show the CPU, RAM, GPUs and disk space modelscout detects, and what fit uses. "
        "With --vram/--ram/--gpus/--profile, show the planned machine instead.",
        **examples(
            "modelscout hw", "modelscout hw --profile rtx4090 --json", "modelscout hw --profiles"
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the hardware as JSON")
    parser.add_argument(
        "--profiles", action="store_true", help="list the built-in GPU and Mac profiles"
    )
    parser.add_argument(
        "--measure",
        action="store_true",
        help="measure the RAM bandwidth again instead of reusing the cached figure",
    )
    add_fit_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from modelscout.fit.estimate import hardware_summary
    from modelscout.hardware.detect import hardware_to_dict
    from modelscout.hardware.profiles import PROFILES

    if args.profiles:
        return _print_profiles(args.json, PROFILES)
    if args.measure:
        from modelscout.hardware.bandwidth import forget_measurement

        forget_measurement()
    hardware = hardware_for(args)
    if args.json:
        out = hardware_to_dict(hardware)
        out["summary"] = hardware_summary(hardware, context_tokens(args))
        print_json(out)
        return 0
    _print_hardware(hardware, hardware_summary(hardware, context_tokens(args)))
    return 0


def _print_profiles(as_json: bool, profiles: tuple) -> int:
    from dataclasses import asdict

    from rich.table import Table

    from modelscout.display import format as fmt

    if as_json:
        print_json([asdict(p) for p in profiles])
        return 0
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify in (("profile", "left"), ("hardware", "left"), ("memory", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("bandwidth", justify="right")
    for p in profiles:
        memory = fmt.size_bytes(p.memory_bytes) + (" unified" if p.unified else "")
        table.add_row(p.key, p.name, memory, f"{p.bandwidth_bytes_per_s / 1e9:.0f} GB/s")
    stdout_console().print(table)
    return 0


def _print_hardware(hw: object, summary: str) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from modelscout.display import format as fmt
    from modelscout.display.text import shown
    from modelscout.hardware.detect import Hardware

    assert isinstance(hw, Hardware)
    console = stdout_console()
    console.print(f"[bold]{escape(shown(summary))}[/bold]")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()

    def add(key: str, value: str) -> None:
        grid.add_row(key, Text(shown(value)))  # names and reasons come from drivers: never markup

    cpu = hw.cpu
    cores = f"{cpu.physical_cores or fmt.DASH} cores / {cpu.logical_cores or fmt.DASH} threads"
    add("CPU", f"{cpu.model_name or 'unknown'} · {cores} · {cpu.arch}")
    add("", " ".join(cpu.features) or "no inference-relevant SIMD features found")
    mem = hw.memory
    ram = (
        f"{fmt.size_bytes(mem.total_bytes)} total · {fmt.size_bytes(mem.available_bytes)} available"
    )
    if mem.limit_bytes is not None:
        ram += f" · memory limit {fmt.size_bytes(mem.limit_bytes)}"
    if mem.usable_bytes != mem.total_bytes:
        ram += f" · fit uses {fmt.size_bytes(mem.usable_bytes)}"
    add("RAM", ram)
    if not hw.gpus:
        add("GPU", hw.gpu_reason or "no GPU")
    for gpu in hw.gpus:
        parts = [gpu.name]
        if gpu.unified:
            parts.append(f"unified memory, GPU may wire {fmt.size_bytes(gpu.total_bytes)}")
        else:
            free = f", {fmt.size_bytes(gpu.free_bytes)} free" if gpu.free_bytes is not None else ""
            parts.append(f"{fmt.size_bytes(gpu.total_bytes)} total{free}")
        if gpu.driver:
            parts.append(f"driver {gpu.driver}")
        if gpu.compute_capability:
            parts.append(f"compute {gpu.compute_capability}")
        if gpu.bandwidth_bytes_per_s:
            parts.append(f"{gpu.bandwidth_bytes_per_s / 1e9:.0f} GB/s ({gpu.bandwidth_source})")
        else:
            parts.append("bandwidth unknown, so no speed estimate (--profile names a card)")
        add(f"GPU {gpu.index}", " · ".join(parts))
    if hw.cpu_bandwidth_bytes_per_s:
        add(
            "RAM bandwidth",
            f"{hw.cpu_bandwidth_bytes_per_s / 1e9:.0f} GB/s ({hw.cpu_bandwidth_source})",
        )
    if hw.disk is not None:
        add(
            "disk",
            f"{fmt.size_bytes(hw.disk.free_bytes)} free for the Hugging Face cache ({hw.disk.path})",
        )
    for note in hw.notes:
        add("note", note)
    console.print(grid)
