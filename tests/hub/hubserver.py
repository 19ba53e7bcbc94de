"""A Hugging Face Hub look-alike on 127.0.0.1, faithful to what huggingface_hub asks of the Hub.

It serves generated repos the way huggingface.co does (checked against huggingface_hub 2.4's
file_download.py, hf_api.py and utils/_http.py):

- ``GET /api/models/{repo}[/revision/{rev}]`` model info; with ``?blobs=true`` every sibling carries
  ``size``, ``blobId`` and ``lfs: {sha256, size, pointerSize}``.
- ``GET /api/models/{repo}/tree/{rev}[/{path}]`` the tree listing ``snapshot_download`` (``hf download``)
  uses, and ``POST /api/models/{repo}/paths-info/{rev}``.
- ``HEAD|GET /{repo}/resolve/{rev}/{path}``: small (git) files answer 200 with ``ETag`` = git blob sha1;
  LFS files answer 302 to a second listener (the "CDN", another origin, so clients drop the token)
  with ``X-Linked-Etag``/``X-Linked-Size``; both carry ``X-Repo-Commit``. The CDN honours ``Range``.
- Errors as the Hub sends them: ``X-Error-Code`` RepoNotFound / GatedRepo / EntryNotFound /
  RevisionNotFound, and 401 ``Invalid credentials in Authorization header`` for an unknown token.
  No ``X-Xet-*`` headers are sent, so clients use plain HTTP, as they do without hf_xet.

Faults for tests: `drop_after` closes a file's body early (a dropped connection), `stall_after`
holds it until the test releases it, `listed_size` makes the listing claim another size. A hostile
Hub or mirror: `served_etag` replaces a file's ETag headers, `served_data` the bytes its body
carries (corrupt, longer), `listed_sha` the commit and `listed_id` the repo id the model info names.
Used as a pytest fixture (`hub_server` in conftest.py) and by bench/bench_pull.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth", ".onnx", ".h5", ".msgpack")
LFS_MIN_BYTES = 10 * 1024  # the Hub stores large files in LFS; so do we, for faithful ETags
SEND_BLOCK = 1024 * 1024


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass
class HubFile:
    path: str
    data: bytes
    lfs: bool
    etag: str  # sha256 for LFS files, git blob sha1 otherwise: what the Hub sends
    listed_size: int | None = None  # overrides the size the listing reports
    served_etag: str | None = None  # overrides ETag / X-Linked-Etag (a path, an md5, a duplicate)
    served_data: bytes | None = None  # overrides the body's bytes (tampered, too long)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class HubRepo:
    repo_id: str
    files: dict[str, HubFile]
    commit: str
    gated: bool = False
    granted_tokens: set[str] = field(default_factory=set)
    listed_only: tuple[str, ...] = ()  # names listed but never served (e.g. a hostile '../x')
    listed_sha: str | None = None  # overrides the commit sha the model info gives
    listed_id: str | None = None  # overrides the repo id the model info gives

    def sha_for(self, revision: str) -> str | None:
        return self.commit if revision in ("main", self.commit) else None


@dataclass
class Fault:
    after_bytes: int
    times: int
    release: threading.Event | None = None  # stall until set; None means drop the connection


@dataclass
class RecordedRequest:
    method: str
    path: str
    range: str | None
    authorized: bool
    status: int
    server: str  # "hub" or "cdn"


class HubServer:
    """Two listeners on 127.0.0.1: the Hub API (`url`) and the file CDN (`cdn_url`)."""

    def __init__(self, port: int = 0) -> None:
        """`port` 0 takes a free one; a given port lets a test bring up a Hub where a client has
        so far found nothing listening."""
        self.repos: dict[str, HubRepo] = {}
        self.valid_tokens: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.body_bytes_sent: dict[str, int] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._failures: dict[str, int] = {}
        self._failure_status: dict[str, int] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._hub = _Server(("127.0.0.1", port), _handler(self, "hub"))
        self._cdn = _Server(("127.0.0.1", 0), _handler(self, "cdn"))
        self.url = f"http://127.0.0.1:{self._hub.server_address[1]}"
        self.cdn_url = f"http://127.0.0.1:{self._cdn.server_address[1]}"
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for s in (self._hub, self._cdn)
        ]
        for t in self._threads:
            t.start()

    # -- set-up ------------------------------------------------------------------------------

    def add_repo(
        self,
        repo_id: str,
        files: dict[str, bytes],
        *,
        gated: bool = False,
        granted_tokens: set[str] | None = None,
        listed_only: tuple[str, ...] = (),
    ) -> HubRepo:
        hub_files = {}
        for path, data in files.items():
            lfs = path.endswith(LFS_SUFFIXES) or len(data) >= LFS_MIN_BYTES
            etag = hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data)
            hub_files[path] = HubFile(path=path, data=data, lfs=lfs, etag=etag)
        repo = HubRepo(
            repo_id=repo_id,
            files=hub_files,
            commit=secrets.token_hex(20),
            gated=gated,
            granted_tokens=set(granted_tokens or ()),
            listed_only=listed_only,
        )
        self.repos[repo_id] = repo
        return repo

    def drop_after(self, repo_id: str, path: str, after_bytes: int, times: int = 1) -> None:
        """The next `times` downloads of this file close the connection after `after_bytes`."""
        with self._lock:
            self._faults.setdefault(self._key(repo_id, path), []).append(
                Fault(after_bytes=after_bytes, times=times)
            )

    def fail_next(self, path: str, status: int = 503, times: int = 1) -> None:
        """The next `times` requests for this URL path answer `status` (a Hub outage)."""
        with self._lock:
            self._failures[path] = self._failures.get(path, 0) + times
            self._failure_status[path] = status

    def _take_failure(self, path: str) -> bool:
        with self._lock:
            left = self._failures.get(path, 0)
            if left <= 0:
                return False
            self._failures[path] = left - 1
            return True

    def stall_after(self, repo_id: str, path: str, after_bytes: int) -> threading.Event:
        """The next download of this file pauses after `after_bytes` until the event is set."""
        release = threading.Event()
        with self._lock:
            self._faults.setdefault(self._key(repo_id, path), []).append(
                Fault(after_bytes=after_bytes, times=1, release=release)
            )
        return release

    def sent(self, repo_id: str, path: str) -> int:
        """Body bytes sent for this file so far (callable inside `wait_for` predicates too)."""
        return self.body_bytes_sent.get(self._key(repo_id, path), 0)

    def file_requests(self, path_suffix: str, method: str = "GET") -> list[RecordedRequest]:
        """Requests for a path ending with `path_suffix`, on either listener."""
        return [
            r for r in list(self.requests) if r.method == method and r.path.endswith(path_suffix)
        ]

    def wait_for(self, predicate: Callable[[HubServer], bool], timeout: float = 20.0) -> None:
        """Block until `predicate(server)` holds (checked after every request and block sent)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the expected requests never reached the test server")
                self._changed.wait(remaining)

    def close(self) -> None:
        for s in (self._hub, self._cdn):
            s.shutdown()
            s.server_close()

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _key(repo_id: str, path: str) -> str:
        return f"{repo_id}/{path}"

    def _take_fault(self, key: str) -> Fault | None:
        with self._lock:
            faults = self._faults.get(key)
            if not faults:
                return None
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
            return fault

    def _count(self, key: str, n: int) -> None:
        with self._changed:
            self.body_bytes_sent[key] = self.body_bytes_sent.get(key, 0) + n
            self._changed.notify_all()

    def _record(self, entry: RecordedRequest) -> None:
        with self._changed:
            self.requests.append(entry)
            self._changed.notify_all()

    def lfs_blob(self, sha256: str) -> tuple[HubRepo, HubFile] | None:
        for repo in self.repos.values():
            for f in repo.files.values():
                if f.lfs and f.etag == sha256:
                    return repo, f
        return None


def unused_port() -> int:
    """A port on 127.0.0.1 nobody listens on (yet): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (a cancelled or failed download) is part of the tests, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def _handler(hub: HubServer, role: str) -> type[BaseHTTPRequestHandler]:
    class Handler(_HubHandler):
        server_role = role
        state = hub

    return Handler


class _HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_role = "hub"
    state: HubServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    # -- plumbing ----------------------------------------------------------------------------

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization")
        if auth and auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return None

    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)
        self._log(status)

    def _log(self, status: int) -> None:
        self.state._record(
            RecordedRequest(
                method=self.command,
                path=urlsplit(self.path).path,
                range=self.headers.get("Range"),
                authorized=self.headers.get("Authorization") is not None,
                status=status,
                server=self.server_role,
            )
        )

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(value).encode()
        self._send(status, body, {"Content-Type": "application/json", **(headers or {})})

    def _error(
        self, status: int, code: str | None, message: str, extra: dict[str, str] | None = None
    ) -> None:
        headers = {"X-Error-Message": message, **(extra or {})}
        if code:
            headers["X-Error-Code"] = code
        self._json(status, {"error": message}, headers)

    # -- routing -----------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(length) if length else b""
        self._route(head=False)

    def _route(self, head: bool) -> None:
        try:
            if self.server_role == "cdn":
                self._serve_cdn(head)
            else:
                self._serve_hub(head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _serve_hub(self, head: bool) -> None:
        token = self._token()
        if token is not None and token not in self.state.valid_tokens:
            self._error(401, None, "Invalid credentials in Authorization header")
            return
        split = urlsplit(self.path)
        if self.state._take_failure(split.path):
            status = self.state._failure_status[split.path]
            self._send(status, b"Service Unavailable", {"Content-Type": "text/plain"})
            return
        parts = [unquote(p) for p in split.path.split("/")[1:]]
        query = parse_qs(split.query)
        if parts[:2] == ["api", "models"] and len(parts) >= 4:
            self._serve_api(parts[2] + "/" + parts[3], parts[4:], query)
        elif len(parts) >= 5 and parts[2] == "resolve":
            repo_id = parts[0] + "/" + parts[1]
            self._serve_resolve(repo_id, parts[3], "/".join(parts[4:]), token, head)
        else:
            self._error(404, None, "Not Found")

    def _repo(self, repo_id: str) -> HubRepo | None:
        repo = self.state.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
        return repo

    def _serve_api(self, repo_id: str, rest: list[str], query: dict[str, list[str]]) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        revision = "main"
        if rest[:1] == ["revision"] and len(rest) >= 2:
            revision, rest = rest[1], []
        elif rest[:1] in (["tree"], ["paths-info"]) and len(rest) >= 2:
            revision = rest[1]
        sha = repo.sha_for(revision)
        if sha is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return
        if not rest:
            self._json(200, self._model_info(repo, "true" in query.get("blobs", [])))
        elif rest[0] == "tree":
            prefix = "/".join(rest[2:])
            self._json(200, self._tree(repo, prefix, "true" in query.get("recursive", ["false"])))
        elif rest[0] == "paths-info":
            wanted = self._posted_paths()
            entries = [self._entry(repo.files[p]) for p in wanted if p in repo.files]
            self._json(200, entries)
        else:
            self._error(404, None, "Not Found")

    def _posted_paths(self) -> list[str]:
        body = getattr(self, "_body", b"")
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return list(json.loads(body or b"{}").get("paths", []))
        return parse_qs(body.decode()).get("paths", [])

    def _model_info(self, repo: HubRepo, blobs: bool) -> dict[str, Any]:
        siblings: list[dict[str, Any]] = []
        for f in repo.files.values():
            sibling: dict[str, Any] = {"rfilename": f.path}
            if blobs:
                size = f.listed_size if f.listed_size is not None else f.size
                sibling["size"] = size
                sibling["blobId"] = git_blob_sha1(f.data) if not f.lfs else secrets.token_hex(20)
                if f.lfs:
                    sibling["lfs"] = {"sha256": f.etag, "size": size, "pointerSize": 134}
            siblings.append(sibling)
        for name in repo.listed_only:
            sibling = {"rfilename": name}
            if blobs:
                sibling.update({"size": 1, "blobId": "0" * 40})
            siblings.append(sibling)
        return {
            "_id": repo.commit[:24],
            "id": repo.listed_id if repo.listed_id is not None else repo.repo_id,
            "modelId": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": repo.listed_sha if repo.listed_sha is not None else repo.commit,
            "lastModified": "2026-01-01T00:00:00.000Z",
            "private": False,
            "disabled": False,
            "gated": "manual" if repo.gated else False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "library_name": "transformers",
            "siblings": siblings,
            "createdAt": "2026-01-01T00:00:00.000Z",
        }

    def _entry(self, f: HubFile) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "type": "file",
            "oid": git_blob_sha1(f.data),
            "size": f.size,
            "path": f.path,
        }
        if f.lfs:
            entry["lfs"] = {"oid": f.etag, "size": f.size, "pointerSize": 134}
        return entry

    def _tree(self, repo: HubRepo, prefix: str, recursive: bool) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        dirs: set[str] = set()
        base = f"{prefix}/" if prefix else ""
        for f in sorted(repo.files.values(), key=lambda f: f.path):
            if not f.path.startswith(base):
                continue
            rest = f.path[len(base) :]
            if "/" in rest and not recursive:
                dirs.add(base + rest.split("/")[0])
                continue
            parts = f.path.split("/")
            for i in range(len(base.split("/")) if base else 1, len(parts)):
                dirs.add("/".join(parts[:i]))
            out.append(self._entry(f))
        folders = [
            {"type": "directory", "oid": "0" * 40, "size": 0, "path": d} for d in sorted(dirs)
        ]
        return folders + out

    def _serve_resolve(
        self, repo_id: str, revision: str, path: str, token: str | None, head: bool
    ) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        if repo.gated and token not in repo.granted_tokens:
            if token is None:
                self._error(
                    401,
                    "GatedRepo",
                    f"Access to model {repo_id} is restricted. You must have access to it and be "
                    "authenticated to access it. Please log in.",
                )
            else:
                self._error(
                    403,
                    "GatedRepo",
                    f"Access to model {repo_id} is restricted and you are not in the authorized list.",
                )
            return
        sha = repo.sha_for(revision)
        if sha is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return
        f = repo.files.get(path)
        if f is None:
            self._error(
                404,
                "EntryNotFound",
                f'{path} does not exist on "{revision}"',
                {"X-Repo-Commit": sha},
            )
            return
        common = {"X-Repo-Commit": sha, "Accept-Ranges": "bytes"}
        etag = f.served_etag if f.served_etag is not None else f.etag
        if f.lfs:
            location = f"{self.state.cdn_url}/blobs/{f.etag}?filename={quote(path)}"
            self._send(
                302,
                headers={
                    **common,
                    "ETag": f'"{etag}"',
                    "X-Linked-Etag": f'"{etag}"',
                    "X-Linked-Size": str(f.size),
                    "Location": location,
                },
                head=head,
            )
            return
        self._send_file(repo, f, {**common, "ETag": f'"{etag}"'}, head)

    def _serve_cdn(self, head: bool) -> None:
        parts = urlsplit(self.path).path.split("/")
        found = self.state.lfs_blob(parts[-1]) if len(parts) == 3 and parts[1] == "blobs" else None
        if found is None:
            self._send(404, b"NoSuchKey")
            return
        repo, f = found
        etag = f.served_etag if f.served_etag is not None else f.etag
        self._send_file(repo, f, {"ETag": f'"{etag}"', "Accept-Ranges": "bytes"}, head)

    def _send_file(self, repo: HubRepo, f: HubFile, headers: dict[str, str], head: bool) -> None:
        data = f.served_data if f.served_data is not None else f.data
        start, end = 0, len(data)
        status = 200
        wanted = self.headers.get("Range")
        if wanted and wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            start = int(first or 0)
            end = int(last) + 1 if last else len(data)
            if start >= len(data):
                self._send(416, headers={"Content-Range": f"bytes */{len(data)}"})
                return
            status = 206
            headers = {**headers, "Content-Range": f"bytes {start}-{end - 1}/{len(data)}"}
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(end - start))
        self.end_headers()
        self._log(status)
        if head:
            return
        key = HubServer._key(repo.repo_id, f.path)
        fault = self.state._take_fault(key)
        view = memoryview(data)
        for offset in _blocks(start, end, fault.after_bytes if fault else None):
            if fault is not None and offset == fault.after_bytes:
                if fault.release is None:
                    self._drop()
                    return
                fault.release.wait(30)
            block_end = min(end, offset + SEND_BLOCK)
            if fault is not None and offset < fault.after_bytes < block_end:
                block_end = fault.after_bytes
            self.wfile.write(view[offset:block_end])
            self.state._count(key, block_end - offset)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _blocks(start: int, end: int, cut: int | None) -> Iterator[int]:
    """Offsets of the blocks to send, with a block boundary exactly at `cut`."""
    offset = start
    while offset < end:
        yield offset
        step = offset + SEND_BLOCK
        if cut is not None and offset < cut < step:
            step = cut
        offset = step
    if cut is not None and cut == end:
        yield end  # a fault placed at the very end still fires (and sends nothing more)
