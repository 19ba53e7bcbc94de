"""What can be pulled from one Hub repo: its files with sizes, grouped into variants.

A model repo usually holds more than one thing a person would want: the safetensors weights (with the
config and tokenizer files that transformers and vLLM read next to them), one file set per GGUF
quantisation for llama.cpp, and odds and ends (README, original checkpoints). A *variant* is one such
set, named so it can be typed on the command line: ``safetensors``, ``gguf:Q4_K_M``, ``all``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from modelscout.errors import DownloadError

SAFETENSORS = "safetensors"
ALL = "all"
GGUF_PREFIX = "gguf:"

# Small files that loaders read next to safetensors weights (transformers, vLLM, TGI): configs,
# tokenizers, chat templates, custom modelling code for trust_remote_code models, and the model card.
SUPPORT_SUFFIXES: tuple[str, ...] = (
    ".json",
    ".txt",
    ".model",
    ".tiktoken",
    ".jinja",
    ".py",
    ".md",
)
SUPPORT_NAMES: frozenset[str] = frozenset({"LICENSE", "LICENSE.txt", "NOTICE", "USE_POLICY.md"})

# llama.cpp quantisation names as they appear in GGUF file names (Q4_K_M, IQ4_XS, Q8_0, UD-Q4_K_XL, BF16).
_QUANT_RE = re.compile(
    r"(?<![A-Za-z0-9])((?:UD-)?I?Q[1-8](?:_[A-Z0-9]{1,2}){0,2}|BF16|F16|F32|FP16|MXFP4(?:_MOE)?)"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Default GGUF choice, best first: Q4_K_M is the common quality/size sweet spot llama.cpp recommends.
GGUF_PREFERENCE: tuple[str, ...] = (
    "Q4_K_M",
    "UD-Q4_K_XL",
    "Q4_K_S",
    "Q5_K_M",
    "IQ4_XS",
    "Q4_0",
    "Q5_K_S",
    "Q6_K",
    "Q8_0",
    "Q3_K_M",
    "BF16",
    "F16",
)


@dataclass(frozen=True)
class RepoFile:
    """One file as the Hub lists it; `sha256` is set for LFS files (the ETag the Hub serves them with)."""

    path: str
    size_bytes: int | None
    sha256: str | None = None
    blob_id: str | None = None


@dataclass(frozen=True)
class RepoListing:
    repo_id: str
    commit_sha: str | None
    files: tuple[RepoFile, ...]
    gated: bool = False


@dataclass(frozen=True)
class Variant:
    """A named set of files from one repo; `size_bytes` is None when the Hub did not give every size."""

    name: str
    label: str
    files: tuple[RepoFile, ...]
    size_bytes: int | None

    def fits(self, free_bytes: int | None) -> bool | None:
        """Whether the variant fits in `free_bytes`; None when either side is unknown."""
        if free_bytes is None or self.size_bytes is None:
            return None
        return self.size_bytes <= free_bytes


def listed_file(path: str, size: object, sha256: object, blob_id: object) -> RepoFile:
    """A listed file with only what has the right shape: a digest that is not hex of the right
    length (it would become a file name) or a size that is not a count of bytes counts as unsaid."""
    from modelscout.hub.download.transfer import is_git_sha1, is_sha256

    return RepoFile(
        path=path,
        size_bytes=size if type(size) is int and 0 <= size < 2**63 else None,
        sha256=sha256 if isinstance(sha256, str) and is_sha256(sha256) else None,
        blob_id=blob_id if isinstance(blob_id, str) and is_git_sha1(blob_id) else None,
    )


def list_repo_files(
    repo_id: str,
    *,
    revision: str | None = None,
    token: str | bool | None = None,
    endpoint: str | None = None,
    retries: int = 3,
    backoff_s: float = 0.5,
) -> RepoListing:
    """Ask the Hub for the repo's files with sizes (one `model_info` call with `files_metadata`),
    retrying dropped connections and the Hub's 5xx answers with exponential backoff.
    """
    import time

    from huggingface_hub import HfApi

    from modelscout.hub.errors import explain, is_transient, is_unreachable

    api = HfApi(endpoint=endpoint, token=token, library_name="modelscout")
    failures = 0
    while True:
        try:
            # An explicit revision ("main") is the form mirrors serve as well as the Hub.
            info = api.model_info(repo_id, revision=revision or "main", files_metadata=True)
            files = tuple(
                listed_file(
                    sibling.rfilename,
                    sibling.size,
                    sibling.lfs.sha256 if sibling.lfs is not None else None,
                    sibling.blob_id,
                )
                for sibling in info.siblings or ()
            )
            if any(f.size_bytes is None for f in files):
                # Some mirrors list names without sizes; their tree listing has them.
                files = _with_tree_sizes(api, repo_id, info.sha or revision or "main", files)
            break
        except Exception as exc:
            failures += 1
            # No connection at all means no Hub there: say so now rather than after the backoff.
            if not is_transient(exc) or is_unreachable(exc) or failures > retries:
                raise explain(exc, repo_id=repo_id, endpoint=endpoint) from None
            time.sleep(backoff_s * 2 ** (failures - 1))
    return RepoListing(
        repo_id=_listed_repo_id(info.id, repo_id),
        commit_sha=info.sha,
        files=files,
        gated=bool(info.gated),
    )


def _listed_repo_id(listed: object, asked: str) -> str:
    """The repo id the Hub answers with (a renamed repo's new one), which names the cache folder:
    it must be a repo id as huggingface_hub validates them, `org/name`."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    if not listed:
        return asked
    try:
        if not isinstance(listed, str) or listed.count("/") != 1:
            raise HFValidationError("not org/name")
        validate_repo_id(listed)
    except HFValidationError:
        raise DownloadError(
            f"refusing to download {asked}: the Hub named it {listed!r}, which is not a repo id"
        ) from None
    return listed


def _with_tree_sizes(
    api: object, repo_id: str, revision: str, files: tuple[RepoFile, ...]
) -> tuple[RepoFile, ...]:
    from huggingface_hub.hf_api import RepoFile as HubRepoFile

    tree = {
        entry.path: entry
        for entry in api.list_repo_tree(repo_id, recursive=True, revision=revision)  # type: ignore[attr-defined]
        if isinstance(entry, HubRepoFile)
    }
    out = []
    for f in files:
        entry = tree.get(f.path)
        if f.size_bytes is not None or entry is None:
            out.append(f)
            continue
        out.append(
            listed_file(
                f.path,
                entry.size,
                entry.lfs.sha256 if entry.lfs is not None else None,
                entry.blob_id,
            )
        )
    return tuple(out)


def quant_of(path: str) -> str | None:
    """The quantisation label of a GGUF file, upper-cased: from its name, else from the folder it
    sits in (split quantisations often live in `Q4_K_M/`); None when neither carries one.
    """
    for part in reversed(path.split("/")):
        matches = _QUANT_RE.findall(part)
        if matches:
            return str(matches[-1]).upper()
    return None


def _is_support_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name in SUPPORT_NAMES or name.endswith(SUPPORT_SUFFIXES)


def _total(files: Iterable[RepoFile]) -> int | None:
    total = 0
    for f in files:
        if f.size_bytes is None:
            return None
        total += f.size_bytes
    return total


def _variant(name: str, label: str, files: Sequence[RepoFile]) -> Variant:
    ordered = tuple(sorted(files, key=lambda f: f.path))
    return Variant(name=name, label=label, files=ordered, size_bytes=_total(ordered))


def variants_for(listing: RepoListing) -> tuple[Variant, ...]:
    """The variants worth offering for this repo, in the order a menu should show them."""
    files = listing.files
    out: list[Variant] = []
    weights = [f for f in files if f.path.endswith(".safetensors")]
    if weights:
        support = [
            f for f in files if _is_support_file(f.path) and not f.path.lower().endswith(".gguf")
        ]
        out.append(
            _variant(
                SAFETENSORS, "safetensors weights with config and tokenizer", weights + support
            )
        )
    by_quant: dict[str, list[RepoFile]] = {}
    for f in files:
        name = f.path.rsplit("/", 1)[-1].lower()
        if not name.endswith(".gguf") or name.startswith("mmproj"):
            continue
        by_quant.setdefault(quant_of(f.path) or f.path.rsplit("/", 1)[-1][:-5], []).append(f)
    gguf = [
        _variant(f"{GGUF_PREFIX}{quant}", f"GGUF {quant} (llama.cpp)", group)
        for quant, group in by_quant.items()
    ]
    gguf.sort(key=lambda v: (v.size_bytes is None, v.size_bytes or 0, v.name))
    out.extend(gguf)
    out.append(_variant(ALL, "every file in the repo", files))
    return tuple(out)


def default_variant(variants: Sequence[Variant], free_bytes: int | None = None) -> Variant:
    """The variant a single key press pulls: safetensors when the repo has them, else GGUF Q4_K_M
    (or the nearest quantisation), else everything; a preferred choice that cannot fit the free
    space gives way to the next one that does.
    """
    by_name = {v.name: v for v in variants}
    preferred: list[Variant] = []
    if SAFETENSORS in by_name:
        preferred.append(by_name[SAFETENSORS])
    preferred.extend(
        by_name[f"{GGUF_PREFIX}{q}"] for q in GGUF_PREFERENCE if f"{GGUF_PREFIX}{q}" in by_name
    )
    preferred.extend(v for v in variants if v.name.startswith(GGUF_PREFIX) and v not in preferred)
    if not preferred and ALL in by_name:
        preferred.append(by_name[ALL])
    if not preferred:
        raise DownloadError("the repo lists no files to download")
    for variant in preferred:
        if variant.fits(free_bytes) is not False:
            return variant
    return preferred[0]


def choose_variant(variants: Sequence[Variant], wanted: str) -> Variant:
    """Find a variant by what a person typed: `safetensors`, `all`, `gguf` (the default GGUF),
    `gguf:Q4_K_M` or just `Q4_K_M`, in any case.
    """
    text = wanted.strip()
    lowered = text.lower()
    gguf = [v for v in variants if v.name.startswith(GGUF_PREFIX)]
    if lowered == "gguf" and gguf:
        return default_variant(gguf)
    for v in variants:
        if v.name.lower() == lowered:
            return v
    quant = text.upper().removeprefix("GGUF:")
    for v in gguf:
        if v.name.removeprefix(GGUF_PREFIX) == quant:
            return v
    names = ", ".join(v.name for v in variants)
    raise DownloadError(f"no variant '{wanted}' in this repo; it offers: {names}")
