"""Refresh the catalogue from the Hugging Face Hub API.

One request per distinct repo (`/api/models/{repo}` with the fields we show expanded) and one per repo
for the GGUF repos that quantise it, run concurrently under a bound, each retried with exponential
backoff; a 429 pauses every request for the time the Hub asks (capped). Curated facts (intelligence
index, the table's parameter count, sources) are kept; the Hub's own numbers go in their own fields.
A failing entry keeps its previous data and is listed in the result, so a partial refresh never
loses anything. Nothing here writes files except `save_refreshed`, which replaces the cache atomically.

The TUI runs `refresh_catalog` in a thread worker and `save_refreshed` after it; the CLI does the same.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from modelscout import __version__
from modelscout.catalog import SCHEMA_VERSION, Model, Source, model_to_dict
from modelscout.catalog.location import cached_catalog_path, write_catalog
from modelscout.errors import ModelscoutError

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
# The fields `HfApi.model_info(expand=[...])` names; the Hub returns only these plus `_id` and `id`.
MODEL_EXPAND = (
    "downloads",
    "likes",
    "lastModified",
    "cardData",
    "gated",
    "pipeline_tag",
    "safetensors",
)
DISCOVER_EXPAND = (*MODEL_EXPAND, "createdAt", "tags")
GGUF_REPOS_KEPT = 5  # the most downloaded quantisations are enough to choose from
MAX_PAGE = 1000  # the Hub's largest page for /api/models; discovery asks for one page
_TRUE = {"1", "ON", "YES", "TRUE"}  # huggingface_hub's reading of boolean environment variables
# Hub `model_type` tags of mixture-of-experts architectures (config.json's model_type).
MOE_MODEL_TYPES = frozenset(
    {"mixtral", "dbrx", "jamba", "llama4", "gpt_oss", "deepseek_v2", "deepseek_v3", "phimoe"}
)
_RATELIMIT = re.compile(r";\s*t=(\d+)")  # `RateLimit: "api";r=0;t=55` -> 55 s until the reset


class RefreshError(ModelscoutError):
    """A refresh that could not run at all (bad endpoint, nothing to refresh)."""


@dataclass(frozen=True)
class DiscoverQuery:
    """Which Hub models beyond the curated list to add, as the Hub's model search filters them."""

    pipeline_tag: str = "text-generation"
    max_params_b: float | None = 40.0
    sort: str = "downloads"
    limit: int = 50


@dataclass(frozen=True)
class RefreshSettings:
    """Knobs of the request engine; tests pass a `sleep` that records instead of waiting."""

    concurrency: int = 8
    timeout_s: float = 15.0
    max_retries: int = 3
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    max_retry_after_s: float = 60.0
    gguf: bool = True
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    transport: httpx.AsyncBaseTransport | None = None


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
            return "offline mode: nothing was refreshed"
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


class _EntryFailure(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- where and as whom -----------------------------------------------------------------------


def hub_endpoint(explicit: str | None = None) -> str:
    """The Hub address: the argument, else HF_ENDPOINT, else huggingface.co (read at call time)."""
    return (explicit or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hub_token(explicit: str | None = None) -> str | None:
    """The token as huggingface_hub finds it: HF_TOKEN, then the token file `hf auth login` wrote."""
    token = explicit or os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    if not token:
        home = os.environ.get("HF_HOME") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "huggingface"
        )
        path = Path(os.environ.get("HF_TOKEN_PATH") or os.path.join(home, "token"))
        try:
            token = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    token = token.strip()
    return token or None


def hub_offline(flag: bool = False) -> bool:
    """`--offline`, or HF_HUB_OFFLINE (TRANSFORMERS_OFFLINE too) as huggingface_hub reads it."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return flag or value.upper() in _TRUE


def display_endpoint(endpoint: str) -> str:
    """The endpoint without any user:password part, safe to print and to store in sources."""
    parts = urlsplit(endpoint)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


# --- reading the Hub's answers ---------------------------------------------------------------


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _params_b(info: dict[str, Any]) -> float | None:
    """The exact parameter count from `safetensors.total`, in billions."""
    safetensors = info.get("safetensors")
    total = _int_or_none(safetensors.get("total")) if isinstance(safetensors, dict) else None
    return total / 1e9 if total else None


def _license(info: dict[str, Any]) -> str | None:
    card = info.get("cardData")
    value = card.get("license") if isinstance(card, dict) else None
    if isinstance(value, list):  # a few cards list several licences; the first is the main one
        value = value[0] if value else None
    return _str_or_none(value)


def _gated(info: dict[str, Any]) -> bool | None:
    """The Hub says false, "auto" or "manual"; both kinds of approval mean gated."""
    value = info.get("gated")
    if value is False or value is True:
        return value
    return True if value in ("auto", "manual") else None


def _hub_source(repo_id: str, endpoint: str, now: str, says: dict[str, object]) -> Source:
    facts = {k: v for k, v in says.items() if v is not None}
    return Source(kind="hub", ref=f"{display_endpoint(endpoint)}/{repo_id}", detail=now, says=facts)


def apply_hub_info(
    model: Model, info: dict[str, Any], gguf_repos: tuple[str, ...] | None, endpoint: str, now: str
) -> Model:
    """The model with the Hub's numbers; curated facts stay, a missing Hub value keeps the old one."""
    license_id = _license(info)
    gated = _gated(info)
    params_b = _params_b(info)
    pipeline_tag = _str_or_none(info.get("pipeline_tag"))
    says: dict[str, object] = {
        "hub_params_b": params_b,
        "license": license_id,
        "gated": gated,
        "pipeline_tag": pipeline_tag,
    }
    sources = tuple(s for s in model.sources if s.kind != "hub")
    return replace(
        model,
        downloads=_int_or_none(info.get("downloads")),
        likes=_int_or_none(info.get("likes")),
        last_modified=_str_or_none(info.get("lastModified")) or model.last_modified,
        license=license_id or model.license,
        gated=gated if gated is not None else model.gated,
        pipeline_tag=pipeline_tag or model.pipeline_tag,
        hub_params_b=params_b or model.hub_params_b,
        gguf_repos=gguf_repos if gguf_repos is not None else model.gguf_repos,
        refreshed_at=now,
        sources=(*sources, _hub_source(model.repo_id or "", endpoint, now, says)),
    )


def discovered_model(info: dict[str, Any], endpoint: str, now: str) -> Model | None:
    """An uncurated catalogue row for a Hub model, or None without an exact parameter count."""
    repo_id = _str_or_none(info.get("id"))
    params_b = _params_b(info)
    if repo_id is None or "/" not in repo_id or params_b is None:
        return None
    tags = [t for t in info.get("tags") or () if isinstance(t, str)]
    moe = any(t in MOE_MODEL_TYPES or t.endswith("moe") for t in tags)
    pipeline_tag = _str_or_none(info.get("pipeline_tag"))
    created = _str_or_none(info.get("createdAt"))
    author, _, name = repo_id.partition("/")
    base = Model(
        id=repo_id,
        name=name,
        creator=author,
        repo_id=repo_id,
        total_params_b=round(params_b, 3),
        # Active parameters of a mixture of experts are not in the Hub's metadata; the total is an
        # upper bound that keeps memory estimates on the safe side.
        active_params_b=round(params_b, 3),
        moe=moe,
        context_tokens=None,
        reasoning=None,
        modality="text+image" if pipeline_tag == "image-text-to-text" else "text",
        intelligence_index=None,
        price_usd_per_mtok=None,
        speed_tps=None,
        weights_available=True,
        license=None,
        gated=None,
        release=created[:7] if created else None,
        training_data_open=False,
        sources=(),
        notes="Found by Hub discovery; not curated, so it has no intelligence index.",
        curated=False,
    )
    return apply_hub_info(base, info, None, endpoint, now)


# --- talking to the Hub ----------------------------------------------------------------------


class _HubClient:
    """GETs JSON with a concurrency bound, retries and a shared pause after a 429."""

    def __init__(self, client: httpx.AsyncClient, settings: RefreshSettings) -> None:
        self._client = client
        self._settings = settings
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._resume_at = 0.0

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after", "").strip()
        seconds: float | None = None
        if value.isdigit():
            seconds = float(value)
        elif value:
            try:
                when = email.utils.parsedate_to_datetime(value)
                seconds = (when - datetime.now(timezone.utc)).total_seconds()
            except (TypeError, ValueError):
                seconds = None
        if seconds is None and (match := _RATELIMIT.search(response.headers.get("ratelimit", ""))):
            seconds = float(match.group(1))
        if seconds is None:
            return None
        return min(max(seconds, 0.0), self._settings.max_retry_after_s)

    async def get_json(self, path: str, params: list[tuple[str, str]]) -> Any:
        settings = self._settings
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            attempt += 1
            pause = self._resume_at - loop.time()
            if pause > 0:
                await settings.sleep(pause)
            wait: float | None = None
            try:
                async with self._slots:
                    response = await self._client.get(path, params=params)
            except httpx.TimeoutException:
                problem = f"timed out after {settings.timeout_s:g} s"
            except httpx.TransportError as exc:
                problem = f"could not reach the Hub ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return response.json()
                    except ValueError:
                        raise _EntryFailure(
                            "failed", "the Hub's answer is not valid JSON"
                        ) from None
                if status == 404 or (
                    status == 401 and "invalid credentials" not in _error_text(response)
                ):
                    # The Hub answers 401 for a missing repo when the request has no token.
                    raise _EntryFailure("missing", "not on the Hub (deleted, renamed or private)")
                if status in (401, 403):
                    raise _EntryFailure(
                        "failed", f"the Hub refused the request (HTTP {status}); check HF_TOKEN"
                    )
                if status == 429:
                    problem = "rate limited by the Hub (HTTP 429)"
                    wait = self._retry_after(response)
                    if wait is not None:
                        self._resume_at = max(self._resume_at, loop.time() + wait)
                elif status >= 500 or status == 408:
                    problem = f"the Hub answered HTTP {status}"
                else:
                    raise _EntryFailure("failed", f"the Hub answered HTTP {status}")
            if attempt > settings.max_retries:
                raise _EntryFailure("failed", f"{problem} ({attempt} attempts)")
            if wait is None:
                wait = min(settings.backoff_base_s * 2 ** (attempt - 1), settings.backoff_max_s)
            log.debug("GET %s: %s; retrying in %.1f s", path, problem, wait)
            await settings.sleep(wait)


def _error_text(response: httpx.Response) -> str:
    message = response.headers.get("x-error-message", "")
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        message += " " + body["error"]
    return message.lower()


def _model_params() -> list[tuple[str, str]]:
    return [("expand", name) for name in MODEL_EXPAND]


def _gguf_params(repo_id: str) -> list[tuple[str, str]]:
    """What `HfApi.list_models(filter=["base_model:quantized:<repo>", "gguf"], sort="downloads")`
    sends: the tag the Hub puts on every quantisation of a repo, and the GGUF library tag."""
    return [
        ("filter", f"base_model:quantized:{repo_id}"),
        ("filter", "gguf"),
        ("sort", "downloads"),
        ("limit", str(GGUF_REPOS_KEPT)),
    ]


def _discover_params(query: DiscoverQuery) -> list[tuple[str, str]]:
    params = [
        ("pipeline_tag", query.pipeline_tag),
        ("sort", query.sort),
        ("limit", str(min(query.limit, MAX_PAGE))),
    ]
    if query.max_params_b is not None:
        params.append(("num_parameters", f"max:{query.max_params_b:g}B"))
    params.extend(("expand", name) for name in DISCOVER_EXPAND)
    return params


# --- the refresh -----------------------------------------------------------------------------


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def refresh_catalog_async(
    models: Iterable[Model],
    endpoint: str | None = None,
    token: str | None = None,
    offline: bool = False,
    discover: DiscoverQuery | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    settings: RefreshSettings | None = None,
) -> RefreshResult:
    """`refresh_catalog` for callers already inside an event loop."""
    models = tuple(models)
    if hub_offline(offline):
        return RefreshResult(models=models, offline=True)
    settings = settings or RefreshSettings()
    base_url = hub_endpoint(endpoint)
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise RefreshError(f"HF_ENDPOINT must be an http(s) address, got {base_url!r}")
    token = hub_token(token)
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

    headers = {"user-agent": f"modelscout/{__version__}"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    timeout = httpx.Timeout(settings.timeout_s)
    notes: list[str] = []
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=timeout, transport=settings.transport
    ) as client:
        hub = _HubClient(client, settings)

        async def fetch(repo_id: str) -> tuple[EntryOutcome, dict[str, Any] | None, Any]:
            ids = tuple(by_repo[repo_id])
            try:
                info = await hub.get_json(f"/api/models/{repo_id}", _model_params())
                if not isinstance(info, dict):
                    raise _EntryFailure("failed", "the Hub's answer is not a model description")
            except _EntryFailure as exc:
                report(repo_id, exc.status)
                return EntryOutcome(repo_id, ids, exc.status, exc.message), None, None
            gguf: tuple[str, ...] | None = None
            if settings.gguf:
                try:
                    found = await hub.get_json("/api/models", _gguf_params(repo_id))
                    gguf = tuple(
                        e["id"]
                        for e in (found if isinstance(found, list) else [])
                        if isinstance(e, dict) and isinstance(e.get("id"), str)
                    )
                except _EntryFailure as exc:
                    notes.append(f"{repo_id}: GGUF lookup failed: {exc.message}")
            report(repo_id, "refreshed")
            return EntryOutcome(repo_id, ids, "refreshed"), info, gguf

        async def find_new() -> tuple[list[Any], str | None]:
            assert discover is not None
            try:
                found = await hub.get_json("/api/models", _discover_params(discover))
                if not isinstance(found, list):
                    raise _EntryFailure("failed", "the Hub's answer is not a list of models")
            except _EntryFailure as exc:
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
    refreshed = tuple(
        apply_hub_info(m, *infos[m.repo_id], base_url, now) if m.repo_id in infos else m
        for m in models
    )
    known = {m.repo_id.lower() for m in models if m.repo_id} | {m.id for m in models}
    added: list[Model] = []
    for info in found:
        new = discovered_model(info, base_url, now) if isinstance(info, dict) else None
        if new is None or new.repo_id is None or new.repo_id.lower() in known:
            continue
        if discover and discover.max_params_b and new.total_params_b > discover.max_params_b:
            continue  # a mirror may ignore num_parameters; the bound holds anyway
        known.add(new.repo_id.lower())
        added.append(new)
    return RefreshResult(
        models=(*refreshed, *added),
        outcomes=tuple(o for o, _, _ in results),
        discovered=tuple(m.id for m in added),
        discover_error=discover_error,
        no_repo=sum(1 for m in models if not m.repo_id),
        refreshed_at=now,
        notes=tuple(notes),
    )


def refresh_catalog(
    models: Iterable[Model],
    endpoint: str | None = None,
    token: str | None = None,
    offline: bool = False,
    discover: DiscoverQuery | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    settings: RefreshSettings | None = None,
) -> RefreshResult:
    """Refresh `models` from the Hub and return the new rows; writes nothing.

    Blocking: call it from a thread (the TUI's `@work(thread=True)`), never the UI thread.
    `endpoint`/`token` default to HF_ENDPOINT / HF_TOKEN (or the stored login); `offline` (or
    HF_HUB_OFFLINE) returns the models untouched without a request. `progress` is called after each
    repo, on the calling thread. Per-entry failures are in the result, never raised.
    """
    return asyncio.run(
        refresh_catalog_async(models, endpoint, token, offline, discover, progress, settings)
    )


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
            replace(
                model,
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
    try:
        write_catalog(target, catalog_document(result.models, result.refreshed_at))
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
    seconds = ((now or datetime.now(timezone.utc)) - when).total_seconds()
    if seconds < 0:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
