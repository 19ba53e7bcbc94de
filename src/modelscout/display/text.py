"""Text from a file or the network made safe to show on a terminal.

A catalogue entry, a Hub answer or a file name can carry terminal escape sequences: OSC 0 retitles
the window, OSC 52 writes the clipboard, CSI sequences move the cursor and repaint what the user
reads. Every string that did not come from this program goes through `shown` before it is written,
in the CLI and the TUI alike, so each control character appears as a visible escape (`\\x1b`)
instead of acting.
"""

from __future__ import annotations

import re

from modelscout.catalog.model import Model, Source

# C0 controls and DEL, C1 controls (U+0080-U+009F: 8-bit CSI and OSC), the line and paragraph
# separators, and the bidirectional overrides and isolates that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = {"\t": " ", "\n": " ", "\r": " "}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SPACES:
        return _SPACES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` with every control character replaced by a visible escape (tabs and line breaks
    by a space, so one value stays on one line)."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _CONTROL.sub(_escape, text)


def shown_lines(text: str) -> str:
    """`shown` for multi-line text (notes): line breaks stay, everything else is neutralised."""
    return "\n".join(shown(line) for line in text.split("\n"))


def _opt(text: str | None) -> str | None:
    return None if text is None else shown(text)


def _says(value: object) -> object:
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, (list, tuple)):
        return [_says(v) for v in value]
    if isinstance(value, dict):
        return {shown(str(k)): _says(v) for k, v in value.items()}
    return value


def shown_model(model: Model) -> Model:
    """The model with every text field passed through `shown`, for the screens that print many
    of them (`show`, the detail view). The same object when nothing needed neutralising."""
    texts = (
        model.id,
        model.name,
        model.creator,
        model.repo_id,
        model.modality,
        model.license,
        model.release,
        model.notes,
        model.gguf_repo_id,
        model.pipeline_tag,
        *(model.gguf_repos or ()),
    )
    sources_clean = all(
        text is None or text.isprintable()
        for s in model.sources
        for text in (s.kind, s.ref, s.detail, *map(str, s.says.values()), *s.says)
    )
    if sources_clean and all(t is None or t.isprintable() for t in texts):
        return model
    return model.replace(
        id=shown(model.id),
        name=shown(model.name),
        creator=shown(model.creator),
        repo_id=_opt(model.repo_id),
        modality=shown(model.modality),
        license=_opt(model.license),
        release=_opt(model.release),
        notes=None if model.notes is None else shown_lines(model.notes),
        gguf_repo_id=_opt(model.gguf_repo_id),
        pipeline_tag=_opt(model.pipeline_tag),
        gguf_repos=None if model.gguf_repos is None else tuple(map(shown, model.gguf_repos)),
        sources=tuple(
            Source(
                kind=shown(s.kind),
                ref=shown(s.ref),
                detail=_opt(s.detail),
                says={shown(k): _says(v) for k, v in s.says.items()},
            )
            for s in model.sources
        ),
    )
