"""Turn what huggingface_hub and the network raise into one line a person can act on.

Every message says what happened and what to do next; none contains a token or a request header, so
the messages can be shown, logged and written to JSON freely.
"""

from __future__ import annotations

import errno
import re

from modelscout.errors import DownloadError
from modelscout.hub.env import OFFLINE_HINT, display_endpoint

LOGIN_HINT = "log in with `hf auth login` or set HF_TOKEN"
TOKENS_URL = "https://huggingface.co/settings/tokens"
RESUME_HINT = "run the pull again: it resumes from any partial download"


_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")


def without_credentials(text: str) -> str:
    """`text` with the `user:password@` of every URL in it removed (HF_ENDPOINT may carry one)."""
    return _USERINFO.sub("", text)


def hub_base(endpoint: str | None) -> str:
    """The Hub address in use, for messages and model page links, without any password in it."""
    if endpoint:
        return display_endpoint(endpoint)
    from huggingface_hub import constants

    return display_endpoint(str(constants.ENDPOINT))


def model_url(repo_id: str, endpoint: str | None = None) -> str:
    return f"{hub_base(endpoint)}/{repo_id}"


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying: dropped or refused connections, timeouts, and the Hub's 5xx/429/408;
    never offline mode, which no retry can change."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(exc, OfflineModeIsEnabled):
        return False
    if isinstance(exc, httpx2.TransportError):
        return True
    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        return status is not None and (status >= 500 or status in (408, 429))
    return isinstance(exc, (ConnectionError, TimeoutError))


def is_unreachable(exc: BaseException) -> bool:
    """No connection could be made at all (refused, unknown host, no route): the Hub is not there,
    as opposed to a connection that dropped mid-answer."""
    import httpx2

    return isinstance(exc, httpx2.ConnectError)


def explain(
    exc: BaseException, *, repo_id: str, endpoint: str | None = None, path: str | None = None
) -> DownloadError:
    """A DownloadError whose message tells the user what went wrong and what to do about it,
    with no password from a URL in it (an exception's own text may quote the whole URL)."""
    explained = _explain(exc, repo_id=repo_id, endpoint=endpoint, path=path)
    message = str(explained)
    clean = without_credentials(message)
    if clean == message:
        return explained
    return type(explained)(clean)


def _explain(
    exc: BaseException, *, repo_id: str, endpoint: str | None = None, path: str | None = None
) -> DownloadError:
    import httpx2
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        RemoteEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(exc, DownloadError):
        return exc
    from huggingface_hub.errors import HFValidationError, OfflineModeIsEnabled

    if isinstance(exc, OfflineModeIsEnabled):
        return DownloadError(
            f"offline mode is on (HF_HUB_OFFLINE): {hub_base(endpoint)} is not asked for "
            f"{repo_id}; {OFFLINE_HINT}"
        )

    if isinstance(exc, HFValidationError):
        return DownloadError(f"'{repo_id}' is not a Hub repo id: write it as org/name")
    what = f"'{path}' in {repo_id}" if path else repo_id
    if isinstance(exc, GatedRepoError):
        return DownloadError(
            f"{repo_id} is gated: accept its licence at {model_url(repo_id, endpoint)} "
            f"(signed in as the token's owner), then {LOGIN_HINT}"
        )
    if isinstance(exc, HfHubHTTPError) and _status(exc) == 401 and _invalid_token(exc):
        return DownloadError(
            f"the Hugging Face token was rejected (expired or revoked?): create one at {TOKENS_URL} "
            f"and {LOGIN_HINT}"
        )
    if isinstance(exc, RepositoryNotFoundError):
        return DownloadError(
            f"no repo {repo_id} on the Hub: check the id (a private repo needs a token: {LOGIN_HINT})"
        )
    if isinstance(exc, RevisionNotFoundError):
        return DownloadError(f"{repo_id} has no such revision: check --revision")
    if isinstance(exc, RemoteEntryNotFoundError):
        return DownloadError(
            f"{what} is not on the Hub any more (the repo changed?): run the pull again"
        )
    if isinstance(exc, HfHubHTTPError):
        status = _status(exc)
        if status == 403:
            return DownloadError(
                f"access to {repo_id} was refused (403): the token lacks permission for it; "
                f"accept the licence at {model_url(repo_id, endpoint)} or use another token"
            )
        if status == 416:
            return DownloadError(
                f"the server refused to resume {what}: run the pull again to start that file afresh"
            )
        if status == 429:
            return DownloadError(
                f"the Hub is rate-limiting this machine (429) while fetching {what}: wait a few "
                f"minutes; {RESUME_HINT}"
            )
        return DownloadError(
            f"the Hub answered {status} for {what}: try again later; {RESUME_HINT}"
        )
    if isinstance(exc, httpx2.TransportError):
        reason = type(exc).__name__
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else reason
        if is_unreachable(exc):
            return DownloadError(
                f"cannot reach {hub_base(endpoint)}: network unreachable ({detail}); check the "
                "network connection (and HF_ENDPOINT if set), then try again"
            )
        return DownloadError(
            f"the connection to {hub_base(endpoint)} failed ({detail}): check the network "
            f"(and HF_ENDPOINT if set); {RESUME_HINT}"
        )
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DownloadError(
            f"the disk filled up while writing {what}: free space, then {RESUME_HINT}"
        )
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = exc.filename or "the download folder"
        return DownloadError(
            f"cannot write to {where} ({exc.strerror}): choose another place with --local-dir "
            "or set HF_HUB_CACHE"
        )
    if isinstance(exc, OSError):
        return DownloadError(f"could not write {what}: {exc.strerror or exc}")
    return DownloadError(f"download of {what} failed: {type(exc).__name__}: {exc}")


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _invalid_token(exc: BaseException) -> bool:
    response = getattr(exc, "response", None)
    if response is None:
        return False
    message = response.headers.get("X-Error-Message", "")
    return "Invalid credentials" in message or "Invalid username or password" in message
