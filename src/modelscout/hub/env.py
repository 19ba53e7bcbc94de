"""The Hugging Face environment, read once: which Hub, as whom, where the cache is, whether offline.

`HubEnv.from_environ()` reads the variables huggingface_hub reads, in its order and with its
meanings, and every front end passes the record down (to the download queue and job, the offer,
the catalogue refresh) instead of each layer reading `os.environ` again. It is read from the
environment when asked rather than taken from `huggingface_hub.constants`, which are fixed when that
module is imported (and importing it costs a start-up the CLI's quick commands avoid).

The orders are huggingface_hub's own (constants.py and utils/_auth.py of huggingface_hub 2.4):
- cache: HF_HUB_CACHE, the legacy HUGGINGFACE_HUB_CACHE, HF_HOME/hub, $XDG_CACHE_HOME/huggingface/hub,
  ~/.cache/huggingface/hub, with `~` and `$VARS` expanded as it expands them;
- token: HF_TOKEN, the legacy HUGGING_FACE_HUB_TOKEN, then the file HF_TOKEN_PATH (else HF_HOME/token)
  that `hf auth login` writes; HF_HUB_DISABLE_IMPLICIT_TOKEN keeps it from being sent unasked;
- endpoint: HF_ENDPOINT without its trailing slash, else https://huggingface.co;
- offline: HF_HUB_OFFLINE, else TRANSFORMERS_OFFLINE, true when 1/ON/YES/TRUE.
A variable set to the empty string counts as unset. The token, and any password in the endpoint,
never appear in the record's repr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_ENDPOINT = "https://huggingface.co"
_TRUE = {"1", "ON", "YES", "TRUE"}  # huggingface_hub's `_is_true` for boolean variables
OFFLINE_HINT = "unset HF_HUB_OFFLINE (and TRANSFORMERS_OFFLINE) to reach the Hub"


@dataclass(frozen=True)
class HubEnv:
    """Where and as whom modelscout talks to the Hub, and where downloads go."""

    endpoint: str = DEFAULT_ENDPOINT
    cache_dir: Path = field(default_factory=lambda: hub_cache_dir({}))
    home: Path = field(default_factory=lambda: hf_home({}))
    token: str | None = field(default=None, repr=False)
    implicit_token: bool = True  # False under HF_HUB_DISABLE_IMPLICIT_TOKEN
    offline: bool = False

    @classmethod
    def from_environ(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        cache_dir: Path | None = None,
        offline: bool = False,
    ) -> HubEnv:
        """The environment `environ` (default `os.environ`) describes; the keyword arguments are
        explicit choices (a command-line flag) that win over it."""
        env = os.environ if environ is None else environ
        home = hf_home(env)
        return cls(
            endpoint=(endpoint or env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
            cache_dir=hub_cache_dir(env, explicit=cache_dir),
            home=home,
            token=_clean_token(token) or _token_from(env, home),
            implicit_token=not _is_true(env.get("HF_HUB_DISABLE_IMPLICIT_TOKEN")),
            offline=offline
            or _is_true(env.get("HF_HUB_OFFLINE") or env.get("TRANSFORMERS_OFFLINE")),
        )

    def __repr__(self) -> str:
        token = "<set>" if self.token else None
        return (
            f"HubEnv(endpoint={self.shown_endpoint!r}, cache_dir={str(self.cache_dir)!r}, "
            f"token={token}, offline={self.offline})"
        )

    @property
    def shown_endpoint(self) -> str:
        """The endpoint safe to print, log and store: without any user:password part."""
        return display_endpoint(self.endpoint)

    @property
    def token_to_send(self) -> str | None:
        """The token requests carry: none under HF_HUB_DISABLE_IMPLICIT_TOKEN, as in huggingface_hub."""
        return self.token if self.implicit_token else None

    @property
    def hub_token_argument(self) -> str | bool:
        """What to hand huggingface_hub as `token=`: ours, or False so that it does not look for
        one of its own (its token path is fixed when it is imported and may differ from ours)."""
        return self.token_to_send or False


def hub_cache_dir(environ: Mapping[str, str] | None = None, explicit: Path | None = None) -> Path:
    """The cache folder: `explicit` (a --cache-dir) when given, else what the environment says."""
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ if environ is None else environ
    chosen = env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE")
    if not chosen:
        return hf_home(env) / "hub"
    return Path(_expand(chosen))


def hf_home(environ: Mapping[str, str] | None = None) -> Path:
    """huggingface_hub's home (its cache and its token file): HF_HOME, else
    $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface."""
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(_expand(env.get("HF_HOME") or os.path.join(cache, "huggingface")))


def token_path(environ: Mapping[str, str], home: Path) -> Path:
    """The file `hf auth login` writes the token to."""
    return Path(_expand(environ.get("HF_TOKEN_PATH") or str(home / "token")))


def display_endpoint(endpoint: str) -> str:
    """The endpoint without any user:password part, safe to print and to store in sources."""
    parts = urlsplit(endpoint)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


def _token_from(env: Mapping[str, str], home: Path) -> str | None:
    token = _clean_token(env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN"))
    if token:
        return token
    try:
        return _clean_token(token_path(env, home).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _clean_token(token: str | None) -> str | None:
    """huggingface_hub's `_clean_token`: line breaks and surrounding blanks go; empty is none."""
    if token is None:
        return None
    return token.replace("\r", "").replace("\n", "").strip() or None


def _is_true(value: str | None) -> bool:
    return bool(value) and str(value).upper() in _TRUE


def _expand(path: str) -> str:
    return os.path.expandvars(os.path.expanduser(path))
