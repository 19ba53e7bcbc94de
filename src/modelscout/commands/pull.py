"""`modelscout pull MODEL`: download a model's weights from the Hugging Face Hub.

MODEL is a catalogue id, a catalogue repo id, or any other Hub repo id (`org/name`). The same
download job the TUI runs does the work; this command adds a progress bar on stderr and, with
`--json`, one result object on stdout. Exit status: 0 pulled, 1 failed, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelscout.commands.common import (
    add_catalog_option,
    examples,
    load,
    print_json,
    stdout_console,
)
from modelscout.errors import CatalogError, DownloadError, ModelscoutError

if TYPE_CHECKING:
    from modelscout.hub.download.offer import Offer
    from modelscout.hub.env import HubEnv

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pull",
        help="download a model from Hugging Face",
        description="Download a model into the Hugging Face cache (HF_HOME / HF_HUB_CACHE), or into "
        "--local-dir. MODEL is a catalogue id, a catalogue repo id or any Hub repo id (org/name). "
        "Interrupted pulls resume where they stopped.",
        **examples(
            "modelscout pull qwen3-0.6b",
            "modelscout pull qwen3-0.6b --variants",
            "modelscout pull Qwen/Qwen3-0.6B-GGUF --variant Q4_K_M --local-dir ./models",
        ),
    )
    parser.add_argument(
        "model", help="catalogue id, or Hugging Face repo id such as Qwen/Qwen3-0.6B"
    )
    parser.add_argument(
        "--variant",
        metavar="NAME",
        help="what to pull: safetensors, gguf (its default quantisation), gguf:Q4_K_M (or just "
        "Q4_K_M), all; default: safetensors when the repo has them, else GGUF Q4_K_M",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="list the variants on offer (the model's separate GGUF repo included) with their "
        "sizes and whether they fit, then stop",
    )
    parser.add_argument(
        "--local-dir", metavar="DIR", type=Path, help="put the files in DIR instead of the HF cache"
    )
    parser.add_argument("--revision", metavar="REV", help="branch, tag or commit (default: main)")
    parser.add_argument("--json", action="store_true", help="print a JSON result object")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show the progress bar (default: when stderr is a terminal)",
    )
    add_catalog_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from modelscout.hub.download.job import DownloadCancelled
    from modelscout.hub.env import HubEnv

    hub_env = HubEnv.from_environ()
    repo_id: str | None = None
    try:
        name, repo_id, gguf_repo_id = resolve_repo(args)
        offer = _offer(name, repo_id, gguf_repo_id, hub_env, args)
        if args.variants:
            return _show_variants(offer, args)
        result = _pull(offer, hub_env, args)
    except DownloadCancelled as exc:
        _fail(args, repo_id, str(exc))
        return EXIT_INTERRUPTED
    except ModelscoutError as exc:
        if not args.json:
            raise
        _fail(args, repo_id, str(exc))
        return EXIT_FAILED
    if args.json:
        print_json({"ok": True, **result})
    else:
        from modelscout.display import format as fmt
        from modelscout.display.text import shown

        print(
            shown(
                f"pulled {result['repo_id']} ({result['variant']}, {len(result['files'])} files, "
                f"{fmt.size_bytes(result['size_bytes'])}) to {result['path']}"
            )
        )
    return EXIT_OK


def resolve_repo(args: argparse.Namespace) -> tuple[str, str, str | None]:
    """What to call the model, the Hub repo to pull, and the model's separate GGUF repo (if the
    catalogue knows one)."""
    from modelscout.catalog.lookup import ModelNotFound, find_model, positions_of

    text = args.model.strip()
    if not text:  # "" would match a catalogue row that has no repo id
        from modelscout.errors import UsageError

        raise UsageError("pull needs a model: a catalogue id or a Hub repo id (org/name)")
    try:
        models = load(args).models
    except CatalogError:
        if "/" in text:
            return text, text, None  # a Hub id needs no catalogue
        raise
    wanted = text.lower()
    # By the catalogue's id and repo tables: a stored million-model catalogue reads a few rows.
    exact = sorted({*positions_of(models, "id", wanted), *positions_of(models, "repo", wanted)})
    if not exact and "/" in text:
        return text, text, None
    if exact:
        model = models[exact[0]]
    else:
        try:
            model = find_model(models, text)
        except ModelNotFound as exc:
            raise DownloadError(f"{exc}; or pass a Hub repo id such as org/name") from None
    if model.repo_id is None:
        if model.gguf_repo_id:
            return model.id, model.gguf_repo_id, None
        raise DownloadError(
            f"the catalogue has no Hugging Face repo for {model.id}: pass the repo id (org/name)"
        )
    return model.id, model.repo_id, model.gguf_repo_id


def _offer(
    name: str, repo_id: str, gguf_repo_id: str | None, hub_env: HubEnv, args: argparse.Namespace
) -> Offer:
    """The same offer `d` and `D` make in the TUI: the repo, and the model's GGUF repo if the
    repo holds no GGUF itself."""
    from modelscout.hub.download.offer import fetch_offer

    return fetch_offer(
        name, repo_id, gguf_repo_id, hub_env, revision=args.revision, local_dir=args.local_dir
    )


def _show_variants(offer: Offer, args: argparse.Namespace) -> int:
    from modelscout.display import format as fmt

    main = offer.listings[0]
    free = offer.free_bytes
    room = None if free is None else free + offer.present_bytes
    if args.json:
        print_json(
            {
                "repo_id": main.repo_id,
                "commit": main.commit_sha,
                "gated": offer.gated,
                "repos": [
                    {"repo_id": lst.repo_id, "commit": lst.commit_sha, "gated": lst.gated}
                    for lst in offer.listings
                ],
                "free_bytes": free,
                "present_bytes": offer.present_bytes,
                "default": offer.default.variant.name,
                "variants": [
                    {
                        "name": c.variant.name,
                        "label": c.variant.label,
                        "repo_id": c.repo_id,
                        "size_bytes": c.variant.size_bytes,
                        "files": [f.path for f in c.variant.files],
                        "fits": c.variant.fits(room),
                    }
                    for c in offer.choices
                ],
                "notes": list(offer.notes),
            }
        )
        return EXIT_OK
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from modelscout.display.text import shown

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify in (("variant", "left"), ("size", "right"), ("files", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("fits")
    table.add_column("")
    table.add_column("from")
    for c in offer.choices:
        fits = {True: "yes", False: "no", None: fmt.DASH}[c.fits_disk]
        mark = "default" if c is offer.default else ""
        source = "" if c.repo_id == main.repo_id else c.repo_id
        table.add_row(
            Text(shown(c.variant.name)),
            fmt.size_bytes(c.variant.size_bytes),
            str(len(c.variant.files)),
            fits,
            mark,
            Text(shown(source)),
        )
    console = stdout_console()
    gated = (
        "  [yellow]gated: accept the licence on the model page first[/yellow]"
        if offer.gated
        else ""
    )
    console.print(f"[bold]{escape(shown(main.repo_id))}[/bold]{gated}")
    console.print(table)
    where = escape(str(offer.target)) if offer.target is not None else "the download folder"
    console.print(f"[dim]{fmt.size_bytes(free)} free at {where}[/dim]")
    for note in offer.notes:
        console.print(Text(shown(note), style="yellow"))
    return EXIT_OK


def _pull(offer: Offer, hub_env: HubEnv, args: argparse.Namespace) -> dict[str, Any]:
    from modelscout.hub.download.job import DownloadJob
    from modelscout.hub.download.request import request_in

    choice = offer.choose(args.variant) if args.variant else offer.default
    request = request_in(
        hub_env,
        choice.repo_id,
        choice.variant.name,
        revision=args.revision,
        local_dir=args.local_dir,
    )
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    bar = _ProgressBar(choice.repo_id, forced=bool(args.progress)) if show else None
    listing = offer.listing_for(choice)
    job = DownloadJob(request, on_progress=bar.update if bar else None, listing=listing)
    try:
        if bar is not None:
            with bar:
                result = job.run()
        else:
            result = job.run()
    except KeyboardInterrupt:
        job.cancel()
        from modelscout.hub.download.job import DownloadCancelled

        raise DownloadCancelled(
            f"interrupted: the partial download of {choice.repo_id} is kept; run the same pull "
            "again to resume"
        ) from None
    elapsed = max(result.elapsed_s, 1e-9)
    return {
        "repo_id": result.repo_id,
        "variant": result.variant,
        "commit": result.commit_sha,
        "path": str(result.path),
        "files": list(result.files),
        "size_bytes": result.size_bytes,
        "transferred_bytes": result.transferred_bytes,
        "elapsed_s": round(result.elapsed_s, 3),
        "speed_bytes_per_s": round(result.transferred_bytes / elapsed),
    }


def _fail(args: argparse.Namespace, repo_id: str | None, message: str) -> None:
    if args.json:
        print_json({"ok": False, "repo_id": repo_id, "error": message})
    else:
        from modelscout.display.text import shown

        print(f"modelscout: {shown(message)}", file=sys.stderr)


class _ProgressBar:
    """A rich progress bar on stderr fed by the job's progress callback (from the job's thread)."""

    def __init__(self, repo_id: str, forced: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
        )

        console = Console(stderr=True, force_terminal=True if forced else None)
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            DownloadColumn(binary_units=True),
            TextColumn("{task.fields[speed]}"),
            TextColumn("eta {task.fields[eta]}"),
            TextColumn("[dim]{task.fields[files]}"),
            console=console,
            refresh_per_second=5,  # smooth enough to read; fewer redraws leave the CPU to the download
            transient=False,
        )
        self._task = self._progress.add_task(repo_id, total=None, speed="", eta="–", files="")

    def __enter__(self) -> _ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, p: Any) -> None:
        from modelscout.display import format as fmt

        speed = f"{fmt.size_bytes(int(p.speed_bytes_per_s))}/s" if p.speed_bytes_per_s else ""
        eta = _clock(p.eta_s) if p.eta_s is not None else "–"
        self._progress.update(
            self._task,
            completed=p.bytes_done,
            total=p.bytes_total,
            speed=speed,
            eta=eta,
            files=f"{p.files_done}/{p.files_total} files",
        )


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
