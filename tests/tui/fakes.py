"""A stand-in for detected hardware: a real `FitContext` whose verdict is a size rule (fits what is
small enough for the chosen context length), so TUI tests can say which models fit without
depending on the estimate's numbers."""

from __future__ import annotations

from modelscout.catalog.model import Model
from modelscout.fit.context import FitContext
from modelscout.fit.estimate import ModelFit, Verdict
from modelscout.hardware.cpu import CpuInfo
from modelscout.hardware.detect import Hardware
from modelscout.hardware.memory import MemoryInfo

GIB = 2**30

# A machine for FitContext to hold; the size rule below, not this machine, decides every verdict.
STAND_IN = Hardware(
    os="Linux",
    cpu=CpuInfo("Test CPU", "x86_64", 8, 16, ("AVX2",)),
    memory=MemoryInfo(32 * GIB, 32 * GIB, None, 32 * GIB),
    gpus=(),
    disk=None,
    cpu_bandwidth_bytes_per_s=60e9,
)


class FakeFit(FitContext):
    def __init__(self, limit_b: float, context_tokens: int | None = None) -> None:
        super().__init__(STAND_IN, context_tokens)
        self.limit_b = limit_b

    def fits(self, model: Model) -> bool:
        return model.total_params_b <= self.limit_b

    def est_tps(self, model: Model) -> float | None:
        return round(120 / model.active_params_b, 1) if self.fits(model) else None

    def fit_rank(self, model: Model) -> int | None:
        return 0 if self.fits(model) else 3

    def model_fit(self, model: Model) -> ModelFit:
        verdict = Verdict.GPU if self.fits(model) else Verdict.NO
        context = self.context_tokens or 8192
        return ModelFit(model.id, context, False, (), None, verdict, self.est_tps(model))

    def summary(self) -> str:
        return f"Test GPU 16 GiB · ctx {(self.context_tokens or 8192) // 1024}k"


class FakeFitSource:
    """16 GB-ish: models up to 15B fit at 32k tokens of context or less, up to 8B beyond."""

    def __init__(self) -> None:
        self.contexts: list[int] = []

    def fit_for(self, context_tokens: int) -> FakeFit:
        self.contexts.append(context_tokens)
        return FakeFit(15.0 if context_tokens <= 32768 else 8.0, context_tokens)

    def planned(self, text: str) -> FakeFitSource:
        raise ValueError(f"'{text}': the test machine cannot be planned for")
