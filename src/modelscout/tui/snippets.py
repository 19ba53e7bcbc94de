"""Commands a user can copy to run a model: built from the catalogue's repo ids, nothing guessed."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from modelscout.catalog.model import Model


@dataclass(frozen=True)
class Snippet:
    title: str
    language: str  # for syntax highlighting: "python" or "bash"
    code: str


# The fit's quantisation names -> the tag llama.cpp's `-hf repo:TAG` and Ollama's `hf.co/repo:TAG`
# pick a GGUF file by (llama.cpp common/arg.cpp: the part after ':' selects the file whose name
# carries it). FP8 is not a GGUF type, so it has no tag.
GGUF_TAGS: dict[str, str] = {
    "F16/BF16": "F16",
    "Q8_0": "Q8_0",
    "Q6_K": "Q6_K",
    "Q5_K_M": "Q5_K_M",
    "Q4_K_M": "Q4_K_M",
    "MXFP4": "MXFP4",
    "Q3_K_M": "Q3_K_M",
    "Q2_K": "Q2_K",
}


def run_snippets(
    model: Model, quant: str | None = None, local_file: str | None = None
) -> list[Snippet]:
    """llama.cpp and Ollama at the quantisation the fit chose when a GGUF repo is known, and
    transformers when the weights' repo is known and the fit chose full precision (or no fit was
    made): a command must not run what the verdict says does not fit. Once that file is on disk
    (`local_file`), llama.cpp runs it from there instead of the Hub."""
    snippets: list[Snippet] = []
    if model.repo_id and quant in (None, "F16/BF16"):
        snippets.append(
            Snippet(
                "transformers",
                "python",
                "from transformers import pipeline\n\n"
                f'pipe = pipeline("text-generation", model="{model.repo_id}")\n'
                'messages = [{"role": "user", "content": "Hello!"}]\n'
                'print(pipe(messages, max_new_tokens=256)[0]["generated_text"])',
            )
        )
    tag = GGUF_TAGS.get(quant or "")
    if model.gguf_repo_id:
        ref = f"{model.gguf_repo_id}:{tag}" if tag else model.gguf_repo_id
        if local_file:
            snippets.append(Snippet("llama.cpp", "bash", f"llama-cli -m {shlex.quote(local_file)}"))
        else:
            snippets.append(Snippet("llama.cpp", "bash", f"llama-cli -hf {ref}"))
        snippets.append(Snippet("Ollama", "bash", f"ollama run hf.co/{ref}"))
    return snippets
