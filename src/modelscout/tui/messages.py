"""The messages background workers send to the screens: results and progress, never method calls.

Workers run in threads; posting a message is thread-safe and never blocks, so a worker cannot hold
up the UI (or an app that is quitting) the way `call_from_thread` can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from collections.abc import Callable

    from modelscout.catalog.load import Catalog
    from modelscout.catalog.model import Model
    from modelscout.fit.context import FitContext
    from modelscout.hub.download.cache import LocalRepo
    from modelscout.hub.download.offer import Offer
    from modelscout.hub.download.queue import JobStatus
    from modelscout.tui.background.fit_source import FitSource


class CatalogReady(Message):
    """A catalogue to show: loaded at start, or saved by a refresh."""

    def __init__(self, catalog: Catalog, source: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.source = source


class HardwareJudged(Message):
    """The fit for the detected (or planned) machine at one context length."""

    def __init__(self, source: FitSource, fit: FitContext, summary: str) -> None:
        super().__init__()
        self.source = source
        self.fit = fit
        self.summary = summary


class RefreshActivity(Message):
    """What the catalogue refresh is doing now ('' when it has stopped)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshActivity)  # only the latest progress line matters


class JobUpdated(Message):
    """A download job changed (posted from the job's thread)."""

    def __init__(self, status: JobStatus) -> None:
        super().__init__()
        self.status = status


class PullListed(Message):
    """A pull's repos are listed: start the offer's default, or hand the offer to `pick` (the
    variant picker). `entry` is the panel entry of an earlier attempt that this one replaces."""

    def __init__(
        self, offer: Offer, pick: Callable[[Offer], None] | None, entry: int | None
    ) -> None:
        super().__init__()
        self.offer = offer
        self.pick = pick
        self.entry = entry


class PullNotListed(Message):
    """A pull's repos could not be listed (`error` says why); it stays in the downloads panel
    with what `r` needs to try again: the model, the fit, the picker and its panel entry."""

    def __init__(
        self,
        model: Model,
        fit: FitContext | None,
        pick: Callable[[Offer], None] | None,
        entry: int | None,
        error: str,
    ) -> None:
        super().__init__()
        self.model = model
        self.fit = fit
        self.pick = pick
        self.entry = entry
        self.error = error


class CacheScanned(Message):
    """What the download cache holds: bytes by lower-case repo id (partial files included), and
    the repos holding an unfinished download."""

    def __init__(self, sizes: dict[str, int], partial: frozenset[str]) -> None:
        super().__init__()
        self.sizes = sizes
        self.partial = partial


class LocalFileFound(Message):
    """The model's GGUF file is in the cache already: its snippets can run it from disk. The path
    comes from the Hub's names, so it arrives already neutralised for the screen."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path


class LocalScanned(Message):
    """The downloaded repos found in the cache (none where the scan failed: a notice says why)."""

    def __init__(self, repos: tuple[LocalRepo, ...]) -> None:
        super().__init__()
        self.repos = repos


class LocalDeleted(Message):
    """A delete from the cache ended (a notice says how): what is on disk needs a new look."""

    def __init__(self, repo_id: str) -> None:
        super().__init__()
        self.repo_id = repo_id


@dataclass(frozen=True)
class Notice:
    text: str
    title: str = ""
    severity: SeverityLevel = "information"
    timeout: float | None = None


class WorkerNotice(Message):
    """A notification a worker wants shown."""

    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice


def error_text(error: BaseException | None) -> str:
    """One line for a failed worker: our own errors say what to do; anything else is a bug, and
    says so rather than ending the app."""
    from modelscout.errors import ModelscoutError

    if error is None:
        return "failed"
    if isinstance(error, ModelscoutError):
        return str(error)
    return f"unexpected {type(error).__name__}: {error}"
