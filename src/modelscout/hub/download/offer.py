"""What can be pulled of one model: the repos that hold its files and the variants they offer.

One answer for `modelscout pull` (its default, `--variants` and `--variant`) and for the TUI's `d`
and `D`. A model's weights sit in its own repo; its GGUF quantisations often sit in a separate repo
(`gguf_repo_id`), which is listed too when the main repo holds no GGUF file of its own. From that
separate repo only the quantisations are offered (its README and "all" are not worth a choice).
The default is `variants.default_variant` over every choice, so it gives way to what fits the disk,
counting what the cache already holds of those repos (a pull does not download it again).

The listings travel with the offer, so the job that pulls a choice does not list the repo again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modelscout.display import format as fmt
from modelscout.errors import DownloadError
from modelscout.hub.download.variants import (
    GGUF_PREFIX,
    RepoListing,
    Variant,
    choose_variant,
    default_variant,
    list_repo_files,
    variants_for,
)
from modelscout.hub.env import OFFLINE_HINT, HubEnv


@dataclass(frozen=True)
class Choice:
    """One variant on offer, with the repo it comes from and what a menu shows about it."""

    repo_id: str
    variant: Variant
    fits_disk: bool | None
    runs_here: str | None = None  # the fit's verdict for this precision, when the caller knows it


@dataclass(frozen=True)
class Offer:
    """What a pull of one model can fetch; `present_bytes` is what the cache already holds of
    those repos (complete and partial files), which a pull does not download again."""

    model_name: str
    listings: tuple[RepoListing, ...]
    choices: tuple[Choice, ...]
    default: Choice
    free_bytes: int | None
    present_bytes: int
    target: Path | None = None  # the folder whose disk `free_bytes` measures
    notes: tuple[str, ...] = ()

    @property
    def gated(self) -> bool:
        return any(listing.gated for listing in self.listings)

    def listing_for(self, choice: Choice) -> RepoListing:
        """The listing `choice` was read from: the job pulls from it without asking the Hub again."""
        return next(lst for lst in self.listings if lst.repo_id == choice.repo_id)

    def choose(self, wanted: str) -> Choice:
        """The choice a person typed (`safetensors`, `gguf`, `gguf:Q4_K_M`, `Q4_K_M`, `all`); the
        error names every variant on offer, from every repo."""
        try:
            variant = choose_variant([c.variant for c in self.choices], wanted)
        except DownloadError:
            why = "".join(f"; {note}" for note in self.notes)  # a GGUF repo that was not listed
            raise DownloadError(
                f"no variant '{wanted}' for {self.model_name}; on offer: {self.names()}{why}"
            ) from None
        return next(c for c in self.choices if c.variant is variant)

    def names(self) -> str:
        main = self.listings[0].repo_id
        return ", ".join(
            c.variant.name if c.repo_id == main else f"{c.variant.name} (from {c.repo_id})"
            for c in self.choices
        )

    def refusal(self, choice: Choice) -> str | None:
        """Why `choice` cannot start for lack of disk space, or None (the job itself checks again,
        exactly, counting only the bytes of this variant already present)."""
        size = choice.variant.size_bytes
        if size is None or self.free_bytes is None or size <= self.free_bytes + self.present_bytes:
            return None
        needed = size - self.present_bytes
        return (
            f"{choice.repo_id} ({choice.variant.name}) needs {fmt.size_bytes(needed)} but only "
            f"{fmt.size_bytes(self.free_bytes)} is free: free some space (l lists downloaded "
            "models) or choose a smaller variant with D"
        )


RunsHere = Callable[[Variant], str | None]


def build_offer(
    model_name: str,
    listings: Sequence[RepoListing],
    free_bytes: int | None,
    present_bytes: int,
    *,
    runs_here: RunsHere | None = None,
    target: Path | None = None,
    notes: Sequence[str] = (),
) -> Offer:
    """The variants of the first (main) listing, then the GGUF ones of the others."""
    room = None if free_bytes is None else free_bytes + present_bytes
    choices: list[Choice] = []
    for index, listing in enumerate(listings):
        for variant in variants_for(listing):
            if index > 0 and not variant.name.startswith(GGUF_PREFIX):
                continue  # from a GGUF repo only its quantisations are worth offering
            verdict = runs_here(variant) if runs_here is not None else None
            choices.append(Choice(listing.repo_id, variant, variant.fits(room), verdict))
    best = default_variant([c.variant for c in choices], room)
    return Offer(
        model_name=model_name,
        listings=tuple(listings),
        choices=tuple(choices),
        default=next(c for c in choices if c.variant is best),
        free_bytes=free_bytes,
        present_bytes=present_bytes,
        target=target,
        notes=tuple(notes),
    )


def fetch_offer(
    model_name: str,
    repo_id: str,
    gguf_repo_id: str | None,
    hub_env: HubEnv,
    *,
    revision: str | None = None,
    local_dir: Path | None = None,
    runs_here: RunsHere | None = None,
) -> Offer:
    """List `repo_id` (and `gguf_repo_id` when `repo_id` has no GGUF file) and make the offer.

    Blocking: call it from a worker. Raises DownloadError when the main repo cannot be listed
    (offline mode included); a separate GGUF repo that cannot be listed becomes a note.
    """
    if hub_env.offline:
        raise DownloadError(
            f"offline mode is on (HF_HUB_OFFLINE): {repo_id} cannot be listed on "
            f"{hub_env.shown_endpoint}; {OFFLINE_HINT}"
        )
    from modelscout.hub.download.job import free_bytes_at

    def listed(repo: str) -> RepoListing:
        return list_repo_files(
            repo,
            revision=revision,
            token=hub_env.hub_token_argument,
            endpoint=hub_env.endpoint,
        )

    listings = [listed(repo_id)]
    notes: list[str] = []
    has_gguf = any(f.path.lower().endswith(".gguf") for f in listings[0].files)
    if gguf_repo_id and gguf_repo_id.lower() != repo_id.lower() and not has_gguf:
        try:
            listings.append(listed(gguf_repo_id))
        except DownloadError as exc:
            notes.append(f"GGUF repo not listed: {exc}")
    target = local_dir.expanduser() if local_dir is not None else hub_env.cache_dir
    present = 0 if local_dir is not None else cached_bytes(hub_env.cache_dir, listings)
    return build_offer(
        model_name,
        listings,
        free_bytes_at(target),
        present,
        runs_here=runs_here,
        target=target,
        notes=notes,
    )


def cached_bytes(cache_dir: Path, listings: Sequence[RepoListing]) -> int:
    """What the cache holds of these repos, partial files included."""
    if not cache_dir.is_dir():  # nothing downloaded yet: no need to load the Hub client
        return 0
    from modelscout.hub.download.cache import scan_local

    wanted = {listing.repo_id.lower() for listing in listings}
    return sum(
        r.size_on_disk_bytes + r.partial_bytes
        for r in scan_local(cache_dir)
        if r.repo_id.lower() in wanted
    )
