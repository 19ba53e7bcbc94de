"""A stand-in for detected hardware: fits what is small enough for the chosen context length."""

from __future__ import annotations

from modelscout.catalog.model import Model


class FakeFit:
    def __init__(self, limit_b: float) -> None:
        self.limit_b = limit_b

    def fits(self, model: Model) -> bool:
        return model.total_params_b <= self.limit_b

    def est_tps(self, model: Model) -> float | None:
        return round(120 / model.active_params_b, 1) if self.fits(model) else None

    def fit_rank(self, model: Model) -> int | None:
        return 0 if self.fits(model) else 1


class FakeFitSource:
    """16 GB-ish: models up to 15B fit at 32k tokens of context or less, up to 8B beyond."""

    def __init__(self) -> None:
        self.contexts: list[int] = []

    def fit_for(self, context_tokens: int) -> FakeFit:
        self.contexts.append(context_tokens)
        return FakeFit(15.0 if context_tokens <= 32768 else 8.0)

    def summary(self, context_tokens: int) -> str:
        return f"Test GPU 16 GiB · ctx {context_tokens // 1024}k"
