"""Commands a user can copy to run a model: built from the catalogue's repo ids, nothing guessed."""

from __future__ import annotations

from dataclasses import dataclass

from modelscout.catalog.model import Model


@dataclass(frozen=True)
class Snippet:
    title: str
    language: str  # for syntax highlighting: "python" or "bash"
    code: str


def run_snippets(model: Model) -> list[Snippet]:
    """Transformers when the weights' repo is known; llama.cpp and Ollama when a GGUF repo is."""
    snippets: list[Snippet] = []
    if model.repo_id:
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
    if model.gguf_repo_id:
        snippets.append(Snippet("llama.cpp", "bash", f"llama-cli -hf {model.gguf_repo_id}"))
        snippets.append(Snippet("Ollama", "bash", f"ollama run hf.co/{model.gguf_repo_id}"))
    return snippets
