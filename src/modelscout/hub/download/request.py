"""The records a download is described by: what to pull, how far it got, what it produced.

They sit below the job and the placement, which both read a request, so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modelscout.hub.env import HubEnv


@dataclass(frozen=True)
class Progress:
    """A snapshot of a running download; speed and ETA are None until there is a rate to tell."""

    bytes_done: int
    bytes_total: int | None
    files_done: int
    files_total: int
    speed_bytes_per_s: float | None = None
    eta_s: float | None = None
    current_file: str | None = None

    @property
    def percent(self) -> float | None:
        if not self.bytes_total:
            return None
        return min(100.0, 100.0 * self.bytes_done / self.bytes_total)


@dataclass(frozen=True)
class DownloadRequest:
    """What to pull and where; None means the Hub's defaults (HF_HUB_CACHE, HF_ENDPOINT, the stored
    token). The token is kept out of repr so it never reaches a log or a traceback.
    """

    repo_id: str
    variant: str | None = None
    revision: str | None = None
    local_dir: Path | None = None
    cache_dir: Path | None = None
    endpoint: str | None = None
    token: str | bool | None = field(default=None, repr=False)


def request_in(
    hub_env: HubEnv,
    repo_id: str,
    variant: str | None = None,
    *,
    revision: str | None = None,
    local_dir: Path | None = None,
) -> DownloadRequest:
    """A request for `repo_id` against the Hub, cache and token `hub_env` names, so the CLI and
    the TUI pull alike."""
    return DownloadRequest(
        repo_id=repo_id,
        variant=variant,
        revision=revision,
        local_dir=local_dir,
        cache_dir=hub_env.cache_dir,
        endpoint=hub_env.endpoint,
        token=hub_env.hub_token_argument,
    )


@dataclass(frozen=True)
class DownloadResult:
    repo_id: str
    variant: str
    commit_sha: str
    path: Path
    files: tuple[str, ...]
    size_bytes: int
    transferred_bytes: int
    elapsed_s: float
