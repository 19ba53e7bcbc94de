"""A Hub API look-alike on 127.0.0.1 that answers /api/models from recorded JSON files.

Answers follow the Hub's shapes as huggingface_hub 2.4's hf_api.py reads them:

- ``GET /api/models/{repo}?expand=...`` returns ``_id``, ``id`` and only the expanded fields of
  ``data/api/models/{repo}.json``; a repo without a file is gone: 404 with ``X-Error-Code: RepoNotFound``
  and ``{"error": "Repository not found"}``, as the Hub sends it.
- ``GET /api/models?filter=base_model:quantized:{repo}&filter=gguf&sort=downloads&limit=N`` lists
  ``data/api/quantized/{repo}.json`` (the Hub's list items without expand), most downloaded first.
- ``GET /api/models?pipeline_tag=...&num_parameters=max:40B&sort=downloads&limit=N&expand=...`` lists
  ``data/api/list/{pipeline_tag}.json`` filtered, sorted, cut and reduced to the expanded fields.

Faults are scripted per request key (``model:{repo}``, ``gguf:{repo}``, ``discover``) with `script`:
each request takes the next step; when the steps run out the recorded answer is sent. Steps:
``"500"``, ``"404"``, ``"401"`` (invalid token), ``"429:N"`` (Retry-After: N), ``"ratelimit:N"`` (429
with the Hub's ``RateLimit`` header only), ``"malformed"`` (200 with broken JSON), ``"hang"`` (hold the
request until `release()` or a 10 s safety limit). How the next answers' bodies are sent is scripted
under the key ``body``, whatever they answer: ``"drip:S"`` (one byte every S seconds), ``"huge:MB"``
(a valid JSON list of MB megabytes instead, streamed), ``"deep"`` (lists 100,000 deep instead).

A hostile Hub: `answers[key] = value` serves `value` as the JSON answer for that key instead of the
recorded one (wrong types, huge numbers, ids that are not repo ids, escape sequences).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

API_DATA = Path(__file__).resolve().parent / "data" / "api"
HANG_LIMIT_S = 10.0  # a held request never outlives a test run for long
_MAX_PARAMS = re.compile(r"max:([0-9.]+)([KMB])", re.IGNORECASE)
_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 drops connects when a client opens 8 at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed or timed out mid-request resets its connection; that is the test."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Seen:
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]

    def values(self, name: str) -> list[str]:
        """Values of a repeated parameter; `expand[]=x` counts as `expand=x`, as the Hub reads it."""
        return [v for k, v in self.query if k in (name, f"{name}[]")]


class HubApiServer:
    def __init__(self, data: Path = API_DATA) -> None:
        self.data = data
        self.requests: list[Seen] = []
        self.steps: dict[str, list[str]] = {}
        self.answers: dict[str, Any] = {}
        self.body_bytes_sent = 0
        self.honour_num_parameters = True
        self.delay_s = (
            0.0  # added to every answer: a network round trip, for bench/bench_refresh.py
        )
        # The first `barrier.parties` requests wait for each other: only a client that has them all
        # in flight at once gets past it without the 10 s safety limit.
        self.barrier: threading.Barrier | None = None
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrived = threading.Event()  # set when a "hang" step starts waiting
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, key: str, *steps: str) -> None:
        self.steps[key] = list(steps)

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def requests_for(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    # --- answering ------------------------------------------------------------------------

    def _next_step(self, key: str) -> str | None:
        with self._lock:
            steps = self.steps.get(key)
            return steps.pop(0) if steps else None

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.path.startswith("/api/models/"):
            repo = seen.path[len("/api/models/") :]
            key = f"model:{repo}"
        elif seen.path == "/api/models":
            quantized = [f for f in seen.values("filter") if f.startswith("base_model:quantized:")]
            repo = quantized[0].split(":", 2)[2] if quantized else ""
            key = f"gguf:{repo}" if quantized else "discover"
        else:
            return _json(404, {"error": "Not Found"})
        step = self._next_step(key)
        if step == "hang":
            self.arrived.set()
            self._release.wait(HANG_LIMIT_S)
            step = None
        if step is not None:
            return _fault(step)
        if key in self.answers:
            return _json(200, self.answers[key])
        if key.startswith("model:"):
            return self._model_info(repo, seen)
        if key.startswith("gguf:"):
            return self._quantized(repo, seen)
        return self._discover(seen)

    def _model_info(self, repo: str, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        record = self.data / "models" / f"{repo}.json"
        if not record.is_file():
            return _not_found()
        return _json(200, _expanded(json.loads(record.read_text()), seen.values("expand")))

    def _quantized(self, repo: str, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        record = self.data / "quantized" / f"{repo}.json"
        items = json.loads(record.read_text()) if record.is_file() else []
        return _json(200, _sorted_and_cut(items, seen))

    def _discover(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        tag = (seen.values("pipeline_tag") or ["text-generation"])[0]
        record = self.data / "list" / f"{tag}.json"
        items = json.loads(record.read_text()) if record.is_file() else []
        items = [i for i in items if i.get("pipeline_tag") == tag]
        bound = _MAX_PARAMS.fullmatch((seen.values("num_parameters") or [""])[0])
        if bound and self.honour_num_parameters:
            limit = float(bound.group(1)) * _SCALE[bound.group(2).upper()]
            items = [i for i in items if (i.get("safetensors") or {}).get("total", 0) <= limit]
        items = _sorted_and_cut(items, seen)
        expand = seen.values("expand")
        return _json(200, [_expanded(i, expand) for i in items] if expand else items)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, as from the Hub

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                parts = urlsplit(self.path)
                seen = Seen(
                    path=unquote(parts.path),
                    query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                with server._lock:
                    index = len(server.requests)
                    server.requests.append(seen)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    barrier = server.barrier
                    if barrier is not None and index < barrier.parties:
                        with suppress(threading.BrokenBarrierError):
                            barrier.wait(timeout=HANG_LIMIT_S)
                    if server.delay_s:
                        time.sleep(server.delay_s)
                    step = server._next_step("body")
                    status, headers, body = server.answer(seen)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                name, _, arg = (step or "").partition(":")
                if name == "deep":  # valid JSON no answer has: 100,000 lists deep
                    body = b"[" * 100_000 + b"]" * 100_000
                if name == "huge":
                    body, chunks = b"", _huge_json(int(arg))
                    length = sum(len(c) for c in _huge_json(int(arg)))
                else:
                    chunks, length = iter([body]), len(body)
                self.send_response(status)
                for header, value in headers.items():
                    self.send_header(header, value)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                # A client that gave up (a timeout test) has closed the connection: nothing to tell.
                with suppress(BrokenPipeError, ConnectionResetError):
                    if name == "drip":
                        self.wfile.flush()
                        for index in range(len(body)):
                            if server._release.wait(float(arg)):
                                return
                            self.wfile.write(body[index : index + 1])
                            self.wfile.flush()
                            server.body_bytes_sent += 1
                        return
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        server.body_bytes_sent += len(chunk)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _json(status: int, value: object) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(value).encode()


def _huge_json(megabytes: int) -> Iterator[bytes]:
    """A valid JSON list of about `megabytes` MB, made as it is sent."""
    row = b'{"id": "org/model", "downloads": 1},' * 1000
    yield b"["
    for _ in range(megabytes * 1024 * 1024 // len(row)):
        yield row
    yield b"0]"


def _not_found() -> tuple[int, dict[str, str], bytes]:
    status, headers, body = _json(404, {"error": "Repository not found"})
    headers.update({"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"})
    return status, headers, body


def _fault(step: str) -> tuple[int, dict[str, str], bytes]:
    name, _, arg = step.partition(":")
    if name == "500":
        return _json(
            500, {"error": "Internal Error - We're working hard to fix this as soon as possible!"}
        )
    if name == "404":
        return _not_found()
    if name == "401":
        status, headers, body = _json(401, {"error": "Invalid credentials in Authorization header"})
        headers["X-Error-Message"] = "Invalid credentials in Authorization header"
        return status, headers, body
    if name == "429":
        status, headers, body = _json(429, {"error": "You have exceeded our hourly quotas"})
        headers["Retry-After"] = arg
        return status, headers, body
    if name == "ratelimit":
        status, headers, body = _json(429, {"error": "You have exceeded our hourly quotas"})
        headers["RateLimit"] = f'"api";r=0;t={arg}'
        headers["RateLimit-Policy"] = '"fixed window";"api";q=500;w=300'
        return status, headers, body
    if name == "malformed":
        return 200, {"Content-Type": "application/json"}, b'{"_id": "x", "id": "trunc'
    raise ValueError(f"unknown scripted step {step!r}")


def _expanded(item: dict[str, Any], expand: list[str]) -> dict[str, Any]:
    """The Hub returns `_id`, `id` and exactly the expanded properties."""
    keep = {"_id", "id", *expand}
    return {k: v for k, v in item.items() if k in keep}


def _sorted_and_cut(items: list[dict[str, Any]], seen: Seen) -> list[dict[str, Any]]:
    sort = (seen.values("sort") or [""])[0]
    if sort:
        items = sorted(items, key=lambda i: i.get(sort) or 0, reverse=True)
    limit = seen.values("limit")
    return items[: int(limit[0])] if limit else items


@contextmanager
def running_server(data: Path = API_DATA) -> Iterator[HubApiServer]:
    server = HubApiServer(data)
    try:
        yield server
    finally:
        server.close()
