"""Refresh the catalogue from the Hugging Face Hub API.

One request per distinct repo (`/api/models/{repo}` with the fields we show expanded) and one per repo
for the GGUF repos that quantise it, all through `hub.api` (bounded concurrency, retries, 429 pauses).
Curated facts (intelligence index, the table's parameter count, sources) are kept; the Hub's own
numbers go in their own fields. A failing entry keeps its previous data and is listed in the result,
so a partial refresh never loses anything. Nothing here writes files except `save_refreshed`, which
replaces the cache atomically.

For the TUI: in a `@work(thread=True)` worker (it blocks), `refresh_catalog(models_to_refresh(),
progress=...)`, then `save_refreshed(result)` when `result.changed` and reload with `resolve_catalog()`;
`catalog_age` words the age for the status bar.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Coroutine, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from modelscout.catalog import SCHEMA_VERSION, Model, load_catalog, model_from_dict, model_to_dict
from modelscout.catalog.hub_answers import apply_hub_info, discovered_model, is_repo_id
from modelscout.catalog.load import parse_catalog
from modelscout.catalog.location import bundled_catalog_path, cached_catalog_path, write_catalog
from modelscout.errors import CatalogError, ModelscoutError
from modelscout.hub.api import (
    ApiFailure,
    ClientSettings,
    DiscoverQuery,
    discover_params,
    gguf_params,
    model_params,
    open_client,
)
from modelscout.hub.env import OFFLINE_HINT, HubEnv

__all__ = [
    "ClientSettings",
    "DiscoverQuery",
    "EntryOutcome",
    "RefreshError",
    "RefreshProgress",
    "RefreshResult",
    "RefreshStopped",
    "carry_over",
    "catalog_age",
    "catalog_document",
    "models_to_refresh",
    "refresh_catalog",
    "refresh_catalog_async",
    "save_refreshed",
]


class RefreshError(ModelscoutError):
    """A refresh that could not run at all (a bad endpoint, an unwritable cache)."""


class RefreshStopped(RefreshError):
    """The caller asked the refresh to stop (the app is quitting); nothing was written."""


STOP_POLL_S = 0.1  # how often a running refresh looks at its `stop` callback


@dataclass(frozen=True)
class EntryOutcome:
    """What happened to one repo; `model_ids` are the catalogue rows sharing it (reasoning twins)."""

    repo_id: str
    model_ids: tuple[str, ...]
    status: str  # "refreshed" | "missing" | "failed"
    message: str | None = None


@dataclass(frozen=True)
class RefreshProgress:
    done: int
    total: int
    item: str  # a repo id, or "discovery"
    status: str


@dataclass(frozen=True)
class RefreshResult:
    models: tuple[Model, ...]
    outcomes: tuple[EntryOutcome, ...] = ()
    discovered: tuple[str, ...] = ()  # ids of models added by discovery
    discover_error: str | None = None
    no_repo: int = 0  # catalogue rows without a repo id, which cannot be refreshed
    refreshed_at: str | None = None
    offline: bool = False
    notes: tuple[str, ...] = field(default=())  # non-fatal problems (a failed GGUF lookup)

    def with_status(self, status: str) -> list[EntryOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def changed(self) -> bool:
        """Whether anything new came from the Hub, so writing the cache is worth it."""
        return bool(self.with_status("refreshed") or self.discovered)

    def summary(self) -> str:
        if self.offline:
            return f"offline mode: nothing was refreshed; {OFFLINE_HINT}"
        counts = [f"refreshed {len(self.with_status('refreshed'))} of {len(self.outcomes)} repos"]
        if failed := self.with_status("failed"):
            counts.append(f"{len(failed)} failed")
        if missing := self.with_status("missing"):
            counts.append(f"{len(missing)} gone from the Hub")
        if self.no_repo:
            counts.append(f"{self.no_repo} rows without a repo id skipped")
        if self.discovered:
            counts.append(f"{len(self.discovered)} models discovered")
        if self.discover_error:
            counts.append("discovery failed")
        return ", ".join(counts)


# --- the refresh -----------------------------------------------------------------------------


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def refresh_catalog_async(
    models: Iterable[Model],
    hub_env: HubEnv | None = None,
    *,
    discover: DiscoverQuery | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    settings: ClientSettings | None = None,
) -> RefreshResult:
    """`refresh_catalog` for callers already inside an event loop."""
    models = tuple(models)
    hub_env = hub_env or HubEnv.from_environ()
    if hub_env.offline:
        return RefreshResult(models=models, offline=True)
    settings = settings or ClientSettings()
    base_url = hub_env.endpoint
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise RefreshError(
            f"HF_ENDPOINT must be an http(s) address, got {hub_env.shown_endpoint!r}"
        )
    now = utc_now()
    by_repo: dict[str, list[str]] = {}
    for model in models:
        if model.repo_id:
            by_repo.setdefault(model.repo_id, []).append(model.id)
    total = len(by_repo) + (1 if discover else 0)
    done = 0

    def report(item: str, status: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(RefreshProgress(done=done, total=total, item=item, status=status))

    notes: list[str] = []
    async with open_client(base_url, hub_env.token_to_send, settings) as hub:

        async def fetch(repo_id: str) -> tuple[EntryOutcome, dict[str, Any] | None, Any]:
            ids = tuple(by_repo[repo_id])
            try:
                info = await hub.get_json(f"/api/models/{repo_id}", model_params())
                if not isinstance(info, dict):
                    raise ApiFailure("failed", "the Hub's answer is not a model description")
            except ApiFailure as exc:
                report(repo_id, exc.status)
                return EntryOutcome(repo_id, ids, exc.status, exc.message), None, None
            gguf: tuple[str, ...] | None = None
            if settings.gguf:
                try:
                    found = await hub.get_json("/api/models", gguf_params(repo_id))
                    gguf = tuple(
                        e["id"]
                        for e in (found if isinstance(found, list) else [])
                        if isinstance(e, dict) and is_repo_id(e.get("id"))
                    )
                except ApiFailure as exc:
                    notes.append(f"{repo_id}: GGUF lookup failed: {exc.message}")
            report(repo_id, "refreshed")
            return EntryOutcome(repo_id, ids, "refreshed"), info, gguf

        async def find_new() -> tuple[list[Any], str | None]:
            assert discover is not None
            try:
                found = await hub.get_json("/api/models", discover_params(discover))
                if not isinstance(found, list):
                    raise ApiFailure("failed", "the Hub's answer is not a list of models")
            except ApiFailure as exc:
                report("discovery", "failed")
                return [], exc.message
            report("discovery", "refreshed")
            return found[: discover.limit], None

        fetched = asyncio.gather(*(fetch(repo) for repo in by_repo))
        if discover:
            results, (found, discover_error) = await asyncio.gather(fetched, find_new())
        else:
            results, found, discover_error = await fetched, [], None

    infos = {o.repo_id: (info, gguf) for o, info, gguf in results if info is not None}
    unusable: dict[str, str] = {}  # repo id -> why its answer made a row the loader refuses
    refreshed_rows: list[Model] = []
    for m in models:
        new_row = apply_hub_info(m, *infos[m.repo_id], base_url, now) if m.repo_id in infos else m
        problem = _refused(new_row) if new_row is not m else None
        if problem is not None and m.repo_id is not None:
            unusable[m.repo_id] = f"the Hub's answer was not usable ({problem})"
            new_row = m  # keeps its previous data, as a failed request does
        refreshed_rows.append(new_row)
    refreshed = tuple(refreshed_rows)
    outcomes = tuple(
        EntryOutcome(o.repo_id, o.model_ids, "failed", unusable[o.repo_id])
        if o.repo_id in unusable
        else o
        for o, _, _ in results
    )
    known = {m.repo_id.lower() for m in models if m.repo_id} | {m.id for m in models}
    added: list[Model] = []
    for info in found:
        new = discovered_model(info, base_url, now) if isinstance(info, dict) else None
        if new is None or new.repo_id is None or new.repo_id.lower() in known:
            continue
        if _refused(new) is not None:
            continue
        if discover and discover.max_params_b and new.total_params_b > discover.max_params_b:
            continue  # a mirror may ignore num_parameters; the bound holds anyway
        known.add(new.repo_id.lower())
        added.append(new)
    return RefreshResult(
        models=(*refreshed, *added),
        outcomes=outcomes,
        discovered=tuple(m.id for m in added),
        discover_error=discover_error,
        no_repo=sum(1 for m in models if not m.repo_id),
        refreshed_at=now,
        notes=tuple(notes),
    )


def _refused(model: Model) -> str | None:
    """Why the loader would refuse this row once written, or None: what enters the catalogue is
    checked the way the next start will read it."""
    try:
        model_from_dict(json.loads(json.dumps(model_to_dict(model))), "refreshed row")
    except CatalogError as exc:
        return str(exc).removeprefix("refreshed row ")
    return None


def refresh_catalog(
    models: Iterable[Model],
    hub_env: HubEnv | None = None,
    *,
    discover: DiscoverQuery | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    settings: ClientSettings | None = None,
    stop: Callable[[], bool] | None = None,
) -> RefreshResult:
    """Refresh `models` from the Hub and return the new rows; writes nothing.

    Blocking: call it from a thread (the TUI's `@work(thread=True)`), never the UI thread.
    `hub_env` (default: read from the environment now) says which Hub and as whom; offline, it
    returns the models untouched without a request. `progress` is called after each
    repo, on the calling thread. Per-entry failures are in the result, never raised. When
    `stop()` turns true the requests are abandoned within a tenth of a second and RefreshStopped
    is raised, so a quitting app does not wait for a slow Hub.
    """
    work = refresh_catalog_async(
        models, hub_env, discover=discover, progress=progress, settings=settings
    )
    return asyncio.run(_until_stopped(work, stop))


async def _until_stopped(
    work: Coroutine[Any, Any, RefreshResult], stop: Callable[[], bool] | None
) -> RefreshResult:
    task = asyncio.ensure_future(work)
    while not task.done():
        if stop is not None and stop():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            raise RefreshStopped("the refresh was stopped; the cache was left as it was")
        await asyncio.wait({task}, timeout=STOP_POLL_S if stop is not None else None)
    return task.result()


# --- before and after: the base rows and the cache file ----------------------------------------

_HUB_FIELDS = ("downloads", "likes", "last_modified", "refreshed_at", "pipeline_tag")


def carry_over(base: Iterable[Model], previous: Iterable[Model]) -> tuple[Model, ...]:
    """The rows to refresh: the curated `base` with what an earlier refresh learnt, plus its finds.

    Starting from the bundled catalogue means a newer modelscout's curated rows always win; copying
    the earlier Hub data means an entry that fails this time still shows last time's numbers.
    """
    earlier = {m.id: m for m in previous}
    rows: list[Model] = []
    for model in base:
        old = earlier.pop(model.id, None)
        if old is None or old.refreshed_at is None or old.repo_id != model.repo_id:
            rows.append(model)
            continue
        hub_sources = tuple(s for s in old.sources if s.kind == "hub")
        rows.append(
            model.replace(
                **{name: getattr(old, name) for name in _HUB_FIELDS},
                hub_params_b=old.hub_params_b,
                gguf_repos=old.gguf_repos,
                license=model.license or old.license,
                gated=model.gated if model.gated is not None else old.gated,
                sources=(*(s for s in model.sources if s.kind != "hub"), *hub_sources),
            )
        )
    rows.extend(m for m in earlier.values() if not m.curated)
    return tuple(rows)


def models_to_refresh(
    explicit: str | os.PathLike[str] | None = None, notices: list[str] | None = None
) -> tuple[Model, ...]:
    """The rows a refresh starts from: the bundled catalogue (or `explicit`) with `carry_over` of the
    cached one. An unreadable cache is noted in `notices` and replaced by the refresh."""
    base = load_catalog(Path(explicit) if explicit else bundled_catalog_path())
    previous: Sequence[Model] = ()
    cached = cached_catalog_path()
    if cached.exists():
        try:
            previous = load_catalog(cached, origin="cache").models
        except CatalogError as exc:
            if notices is not None:
                notices.append(f"the cached catalogue is unreadable and will be replaced: {exc}")
    return carry_over(base.models, previous)


def catalog_document(models: Iterable[Model], refreshed_at: str | None = None) -> dict[str, Any]:
    """The catalogue file's JSON form; `built` is the refresh date so the app can show its age."""
    stamp = refreshed_at or utc_now()
    return {
        "schema_version": SCHEMA_VERSION,
        "built": stamp[:10],
        "refreshed_at": stamp,
        "models": [model_to_dict(m) for m in models],
    }


def save_refreshed(result: RefreshResult, path: Path | None = None) -> Path:
    """Replace the cached catalogue (or `path`) with the result, atomically: a crash at any point
    leaves the old file or the new one, never a mix."""
    target = path or cached_catalog_path()
    document = catalog_document(result.models, result.refreshed_at)
    try:
        # Never write a cache its own loader rejects: that would lose this refresh and the last.
        parse_catalog(json.loads(json.dumps(document)), str(target))
    except CatalogError as exc:
        raise RefreshError(
            f"{target} was not written, the result is not a valid catalogue: {exc}"
        ) from None
    try:
        write_catalog(target, document)
    except OSError as exc:
        raise RefreshError(f"{target}: cannot write the catalogue: {exc.strerror or exc}") from None
    return target


def catalog_age(timestamp: str | None, now: datetime | None = None) -> str:
    """'3 days ago' for a catalogue's `built` date or `refreshed_at` time; 'unknown' without one."""
    if not timestamp:
        return "unknown"
    try:
        when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return "unknown"
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    if len(timestamp) == 10:  # a bare date says nothing finer than days
        days = (now.date() - when.date()).days
        return "today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} ago"
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
