"""`modelscout catalog refresh|info`: update the cached catalogue from the Hub, or say which is in use."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from modelscout.catalog import Catalog
from modelscout.catalog.location import (
    CATALOG_ENV,
    cached_catalog_path,
    resolve_catalog,
)
from modelscout.commands.common import add_catalog_option, examples, print_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="refresh the catalogue from the Hugging Face Hub, or show which one is in use",
        description="Manage the model catalogue.",
        **examples("modelscout catalog info", "modelscout catalog refresh --discover"),
    )
    actions = parser.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    refresh = actions.add_parser(
        "refresh",
        help="update the cached catalogue from the Hub (downloads, likes, licence, GGUF repos)",
        description=(
            "Update the cached catalogue from the Hugging Face Hub API. Curated facts are kept; "
            "entries that fail keep their previous data. Honours HF_ENDPOINT, HF_TOKEN and "
            "HF_HUB_OFFLINE."
        ),
        **examples("modelscout catalog refresh", "modelscout catalog refresh --offline --json"),
    )
    refresh.add_argument(
        "--discover",
        action="store_true",
        help="also add popular Hub models beyond the curated list (marked uncurated)",
    )
    refresh.add_argument(
        "--limit", type=int, default=50, metavar="N", help="models to discover (default 50)"
    )
    refresh.add_argument(
        "--max-params",
        type=float,
        default=40.0,
        metavar="B",
        help="largest model to discover, in billions of parameters (default 40)",
    )
    refresh.add_argument(
        "--pipeline-tag",
        default="text-generation",
        metavar="TAG",
        help="Hub task of discovered models (default text-generation)",
    )
    refresh.add_argument(
        "--concurrency",
        type=int,
        default=8,
        metavar="N",
        help="requests in flight at once (default 8)",
    )
    refresh.add_argument(
        "--offline", action="store_true", help="make no request (as HF_HUB_OFFLINE=1 does)"
    )
    refresh.add_argument(
        "--output", metavar="PATH", help="write the refreshed catalogue here instead of the cache"
    )
    refresh.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_catalog_option(refresh)
    refresh.set_defaults(run=run_refresh)

    info = actions.add_parser(
        "info",
        help="show which catalogue is in use, where it came from and how old it is",
        **examples("modelscout catalog info", "modelscout catalog info --json"),
    )
    info.add_argument("--json", action="store_true", help="print as a JSON object")
    add_catalog_option(info)
    info.set_defaults(run=run_info)


def _usage(message: str) -> int:
    _line(f"modelscout: error: {message}")
    return 2


def _warn(message: str) -> None:
    _line(f"modelscout: warning: {message}")


def _line(text: str) -> None:
    """One line on stderr; it may quote the Hub's answers, so control characters are neutralised."""
    from modelscout.display.text import shown

    print(shown(text), file=sys.stderr)


def _explicit(args: argparse.Namespace) -> str | None:
    return getattr(args, "catalog", None) or os.environ.get(CATALOG_ENV) or None


def run_refresh(args: argparse.Namespace) -> int:
    from modelscout.catalog.refresh import models_to_refresh, refresh_catalog, save_refreshed
    from modelscout.hub.api import ClientSettings, DiscoverQuery
    from modelscout.hub.env import HubEnv

    if not 1 <= args.limit <= 1000:
        return _usage("--limit must be between 1 and 1000")
    if args.max_params <= 0:
        return _usage("--max-params must be a positive number of billions")
    if not 1 <= args.concurrency <= 64:
        return _usage("--concurrency must be between 1 and 64")
    explicit = _explicit(args)
    hub_env = HubEnv.from_environ(offline=args.offline)
    if hub_env.offline:
        catalog = resolve_catalog(explicit)
        print(
            f"modelscout: offline mode (--offline or HF_HUB_OFFLINE): nothing was refreshed; "
            f"the {catalog.origin} catalogue stays in use ({_age_text(catalog)})",
            file=sys.stderr,
        )
        if args.json:
            print_json({"summary": "offline mode: nothing was refreshed", "offline": True})
        return 1
    notices: list[str] = []
    models = models_to_refresh(explicit, notices)
    for notice in notices:
        _warn(notice)
    discover = (
        DiscoverQuery(
            pipeline_tag=args.pipeline_tag, max_params_b=args.max_params, limit=args.limit
        )
        if args.discover
        else None
    )
    settings = ClientSettings(concurrency=args.concurrency)
    result = _with_progress(
        lambda progress: refresh_catalog(
            models, hub_env, discover=discover, progress=progress, settings=settings
        )
    )
    written: Path | None = None
    if result.changed:
        written = save_refreshed(result, Path(args.output) if args.output else None)
    if args.json:
        print_json(_summary_json(result, written))
    else:
        _print_summary(result, written)
    if written is not None and explicit and not args.output:
        _warn(f"{CATALOG_ENV} or --catalog is set, so the app reads that file, not the cache")
    return 0 if result.changed else 1


def _with_progress(job: Any) -> Any:
    """Run `job(progress)` with a progress bar on stderr (only where stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("refreshing from the Hub"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(event: Any) -> None:
            bar.update(task, completed=event.done, total=event.total, description=event.item)

        return job(progress)


def _print_summary(result: Any, written: Path | None) -> None:
    where = f"; wrote {written}" if written else "; the cache was left as it was"
    print(result.summary() + where)
    for outcome in result.with_status("missing"):  # each one gone is worth naming
        _line(f"  {outcome.repo_id}: {outcome.message}")
    by_message: dict[str, list[str]] = {}
    for outcome in result.with_status("failed"):
        by_message.setdefault(outcome.message or "failed", []).append(outcome.repo_id)
    for message, repos in by_message.items():
        # One cause behind many failures (the Hub unreachable) is said once, not once per repo.
        if len(repos) > 3:
            first = ", ".join(repos[:3])
            _line(f"  {len(repos)} repos ({first}, ...): {message}")
        else:
            for repo in repos:
                _line(f"  {repo}: {message}")
    if result.discover_error:
        _line(f"  discovery: {result.discover_error}")
    for note in result.notes:
        _line(f"  {note}")


def _summary_json(result: Any, written: Path | None) -> dict[str, Any]:
    def listed(status: str) -> list[dict[str, Any]]:
        return [
            {"repo_id": o.repo_id, "model_ids": list(o.model_ids), "message": o.message}
            for o in result.with_status(status)
        ]

    return {
        "summary": result.summary(),
        "offline": False,
        "refreshed_at": result.refreshed_at,
        "refreshed": [o.repo_id for o in result.with_status("refreshed")],
        "failed": listed("failed"),
        "missing": listed("missing"),
        "no_repo_id": result.no_repo,
        "discovered": list(result.discovered),
        "discover_error": result.discover_error,
        "notes": list(result.notes),
        "written": str(written) if written else None,
    }


def _tally(catalog: Catalog) -> tuple[str | None, int, int]:
    """The latest refresh stamp, the curated rows and the rows with a repo id, in one pass: a
    stored catalogue decodes every record for each pass (3 s at a million models)."""
    latest: str | None = None
    curated = with_repo = 0
    for m in catalog.models:
        if m.refreshed_at and (latest is None or m.refreshed_at > latest):
            latest = m.refreshed_at
        curated += m.curated
        with_repo += bool(m.repo_id)
    return latest, curated, with_repo


def _refreshed_at(catalog: Catalog) -> str | None:
    return _tally(catalog)[0]


def _age_text(catalog: Catalog) -> str:
    from modelscout.catalog.refresh import catalog_age

    refreshed = _refreshed_at(catalog)
    if refreshed:
        return f"refreshed {catalog_age(refreshed)}"
    return f"built {catalog.built or 'on an unknown date'}, never refreshed"


def run_info(args: argparse.Namespace) -> int:
    from modelscout.catalog.refresh import catalog_age
    from modelscout.hub.env import HubEnv

    catalog = resolve_catalog(getattr(args, "catalog", None))
    hub_env = HubEnv.from_environ()
    for notice in catalog.warnings:
        _warn(notice)
    refreshed, curated, with_repo = _tally(catalog)
    cache = cached_catalog_path()
    facts: dict[str, Any] = {
        "path": str(catalog.path) if catalog.path else None,
        "origin": catalog.origin,
        "built": catalog.built,
        "built_age": catalog_age(catalog.built) if catalog.built else None,
        "refreshed_at": refreshed,
        "refreshed_age": catalog_age(refreshed) if refreshed else None,
        "models": len(catalog.models),
        "curated": curated,
        "discovered": len(catalog.models) - curated,
        "with_repo_id": with_repo,
        "cache_path": str(cache),
        "cache_present": cache.exists(),
        "endpoint": hub_env.shown_endpoint,
        "offline": hub_env.offline,
    }
    if args.json:
        print_json(facts)
        return 0
    print(f"catalogue  {facts['path']} ({catalog.origin})")
    print(f"built      {catalog.built or 'unknown'} ({facts['built_age'] or 'age unknown'})")
    refreshed_text = f"{refreshed} ({facts['refreshed_age']})" if refreshed else "never"
    print(f"refreshed  {refreshed_text}")
    print(
        f"models     {facts['models']} ({curated} curated, {facts['discovered']} discovered, "
        f"{facts['with_repo_id']} with a Hub repo)"
    )
    print(f"cache      {cache} ({'present' if facts['cache_present'] else 'absent'})")
    print(f"hub        {facts['endpoint']}{' (offline)' if facts['offline'] else ''}")
    return 0
