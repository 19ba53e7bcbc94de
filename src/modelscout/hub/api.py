"""The Hugging Face Hub's JSON API as the catalogue refresh uses it: where, as whom, and how politely.

Requests go out concurrently under a bound, each retried with exponential backoff on timeouts,
dropped connections, 5xx and 429; a 429 pauses every request for the time the Hub asks (Retry-After,
or its `RateLimit` header), capped. The parameters mirror what huggingface_hub 2.4's `HfApi.model_info`
and `HfApi.list_models` send, so a Hub mirror that serves huggingface_hub serves us too.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from modelscout import __version__
from modelscout.hub.env import display_endpoint

log = logging.getLogger(__name__)

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
_RATELIMIT = re.compile(r";\s*t=(\d+)")  # `RateLimit: "api";r=0;t=55` -> 55 s until the reset


@dataclass(frozen=True)
class DiscoverQuery:
    """Which Hub models beyond the curated list to add, as the Hub's model search filters them."""

    pipeline_tag: str = "text-generation"
    max_params_b: float | None = 40.0
    sort: str = "downloads"
    limit: int = 50


@dataclass(frozen=True)
class ClientSettings:
    """Knobs of the request engine; tests pass a `sleep` that records instead of waiting."""

    concurrency: int = 8
    timeout_s: float = 15.0  # per request, the whole answer: a server dripping bytes gains nothing
    deadline_s: float = 120.0  # the whole refresh, retries and pauses included
    max_answer_bytes: int = 32 * 1024 * 1024  # a page of 1,000 models is a few MB
    max_retries: int = 3
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    max_retry_after_s: float = 60.0
    gguf: bool = True  # also look up the GGUF repos of every model
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    transport: httpx.AsyncBaseTransport | None = None


class ApiFailure(Exception):
    """One request that did not give an answer; `status` is "missing" (gone) or "failed"."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- what to ask ---------------------------------------------------------------------------------


def model_params() -> list[tuple[str, str]]:
    return [("expand", name) for name in MODEL_EXPAND]


def gguf_params(repo_id: str) -> list[tuple[str, str]]:
    """What `HfApi.list_models(filter=["base_model:quantized:<repo>", "gguf"], sort="downloads")`
    sends: the tag the Hub puts on every quantisation of a repo, and the GGUF library tag."""
    return [
        ("filter", f"base_model:quantized:{repo_id}"),
        ("filter", "gguf"),
        ("sort", "downloads"),
        ("limit", str(GGUF_REPOS_KEPT)),
    ]


def discover_params(query: DiscoverQuery) -> list[tuple[str, str]]:
    """`HfApi.list_models(pipeline_tag=..., num_parameters="max:40B", sort=..., expand=[...])`."""
    params = [
        ("pipeline_tag", query.pipeline_tag),
        ("sort", query.sort),
        ("limit", str(min(query.limit, MAX_PAGE))),
    ]
    if query.max_params_b is not None:
        params.append(("num_parameters", f"max:{query.max_params_b:g}B"))
    params.extend(("expand", name) for name in DISCOVER_EXPAND)
    return params


# --- asking --------------------------------------------------------------------------------------


class HubApiClient:
    """GETs JSON with a concurrency bound, retries and a shared pause after a 429."""

    def __init__(self, client: httpx.AsyncClient, settings: ClientSettings) -> None:
        self._client = client
        self._settings = settings
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._resume_at = 0.0
        self._answered = False  # has the Hub answered anything at all yet?
        self._blind_failures = 0  # timeouts and dropped connections before any answer
        self._unreachable: str | None = None
        self._deadline: float | None = None  # loop time when the whole run must stop

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

    def _count_blind_failure(self, problem: str) -> None:
        """Give up on a Hub that has not answered once in as many tries as one request gets.

        Without this, every entry would wait out its own timeouts and retries: minutes behind a
        firewall. A Hub that answered once is up; its later failures count per request.
        """
        if self._answered:
            return
        self._blind_failures += 1
        if self._blind_failures > self._settings.max_retries:
            self._unreachable = f"{problem} ({self._blind_failures} attempts, no answer yet)"

    def _check_reachable(self) -> None:
        if self._unreachable is not None:
            raise ApiFailure("failed", self._unreachable)

    def _time_left(self, loop: asyncio.AbstractEventLoop) -> float:
        """Seconds before the run's deadline; ApiFailure once it has passed."""
        if self._deadline is None:
            self._deadline = loop.time() + self._settings.deadline_s
        left = self._deadline - loop.time()
        if left <= 0:
            raise ApiFailure(
                "failed", f"the refresh ran out of time ({self._settings.deadline_s:g} s in all)"
            )
        return left

    async def _answer(self, path: str, params: list[tuple[str, str]]) -> httpx.Response:
        """The whole answer, read as it comes and given up on past `max_answer_bytes`."""
        limit = self._settings.max_answer_bytes
        too_large = ApiFailure("failed", f"the Hub's answer is larger than {limit:,} bytes")
        # A tuple: httpx's list type wants str | int | ... items, ours are str.
        async with self._client.stream("GET", path, params=tuple(params)) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=b"".join(chunks),
                request=response.request,
            )

    async def get_json(self, path: str, params: list[tuple[str, str]]) -> Any:
        """The decoded answer, or ApiFailure once the retries are spent or the run's deadline
        has passed; never a token in a message."""
        settings = self._settings
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            self._check_reachable()
            attempt += 1
            pause = self._resume_at - loop.time()
            if pause > 0:
                await settings.sleep(min(pause, self._time_left(loop)))
            wait: float | None = None
            try:
                async with self._slots:
                    self._check_reachable()
                    limit = min(settings.timeout_s, self._time_left(loop))
                    response = await asyncio.wait_for(self._answer(path, params), limit)
            except (httpx.TimeoutException, asyncio.TimeoutError):
                self._time_left(loop)  # past the deadline: say that, not a timeout
                problem = f"timed out after {settings.timeout_s:g} s"
                self._count_blind_failure(problem)
            except httpx.ConnectError as exc:  # refused, unknown host, no route
                where = display_endpoint(str(self._client.base_url))
                problem = f"cannot reach {where}: network unreachable ({exc})"
                self._count_blind_failure(problem)
            except httpx.TransportError as exc:
                problem = f"could not reach the Hub ({type(exc).__name__}: {exc})"
                self._count_blind_failure(problem)
            else:
                self._answered = True
                status = response.status_code
                if status == 200:
                    try:
                        return response.json()
                    except ValueError:
                        raise ApiFailure("failed", "the Hub's answer is not valid JSON") from None
                    except RecursionError:
                        raise ApiFailure(
                            "failed", "the Hub's answer is nested too deeply"
                        ) from None
                if status == 404 or (
                    status == 401 and "invalid credentials" not in _error_text(response)
                ):
                    # The Hub answers 401 for a missing repo when the request has no token.
                    raise ApiFailure("missing", "not on the Hub (deleted, renamed or private)")
                if status in (401, 403):
                    raise ApiFailure(
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
                    raise ApiFailure("failed", f"the Hub answered HTTP {status}")
            if attempt > settings.max_retries:
                raise ApiFailure("failed", f"{problem} ({attempt} attempts)")
            if wait is None:
                wait = min(settings.backoff_base_s * 2 ** (attempt - 1), settings.backoff_max_s)
            log.debug("GET %s: %s; retrying in %.1f s", path, problem, wait)
            await settings.sleep(min(wait, self._time_left(loop)))


def _error_text(response: httpx.Response) -> str:
    message = response.headers.get("x-error-message", "")
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        message += " " + body["error"]
    return message.lower()


@asynccontextmanager
async def open_client(
    endpoint: str, token: str | None, settings: ClientSettings
) -> AsyncIterator[HubApiClient]:
    """A client for `endpoint`, sending the token (when there is one) as a bearer header."""
    headers = {"user-agent": f"modelscout/{__version__}"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(
        base_url=endpoint,
        headers=headers,
        timeout=httpx.Timeout(settings.timeout_s),
        transport=settings.transport,
    ) as client:
        yield HubApiClient(client, settings)
