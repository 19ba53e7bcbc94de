"""`FitContext`: one machine's fit for the query engine and the TUI, cached per model.

The engine asks thousands of times while it filters and sorts (`fits`, `sort:best`, `sort:tps`),
and a table row asks again when it is drawn, so each model's verdict is worked out once. `quick`
(and `headline`) reach the verdict and speed at the best quantisation without building the whole
table of quantisations that `model_fit` (the detail view, `show`) returns.
"""

from __future__ import annotations

from modelscout.catalog.model import Model
from modelscout.fit.estimate import (
    DEFAULT_OPTIONS,
    Capacity,
    ExpertOffload,
    FitOptions,
    ModelFit,
    QuantFit,
    Verdict,
    context_fits,
    context_for,
    expert_offload,
    fit_model,
    hardware_summary,
    kv_for,
    placement,
    quant_fit,
    quants_for,
    weights_bytes,
)
from modelscout.hardware.detect import Hardware


class FitContext:
    """A hardware fit for the query engine (`modelscout.query.FitLookup`) and the TUI.

    Results are cached per model id: sorting and filtering ask for the same model many times.
    Build a new context to change the hardware or the context length (`with_context`).
    """

    def __init__(
        self,
        hardware: Hardware,
        context_tokens: int | None = None,
        options: FitOptions = DEFAULT_OPTIONS,
    ) -> None:
        self.hardware = hardware
        self.context_tokens = context_tokens
        self.options = options
        self._capacity = Capacity.of(hardware, options)
        self._cache: dict[str, ModelFit] = {}
        self._headline: dict[str, tuple[Verdict, QuantFit | None, int]] = {}
        self._ctx: dict[str, int | None] = {}

    def with_context(self, context_tokens: int | None) -> FitContext:
        return FitContext(self.hardware, context_tokens, self.options)

    def model_fit(self, model: Model) -> ModelFit:
        found = self._cache.get(model.id)
        if found is None:
            found = fit_model(
                model, self.hardware, self.context_tokens, self._capacity, self.options
            )
            self._cache[model.id] = found
        return found

    def context_fits(self, model: Model) -> dict[str, int]:
        """Largest context per quantisation on this machine (see estimate.context_fits)."""
        return context_fits(model, self._capacity, self.options)

    def headline(self, model: Model) -> tuple[Verdict, QuantFit | None, int]:
        """`model_fit`'s verdict, best row and context, without building the other rows.

        The smallest quantisation gives the best verdict reachable; the best quantisation is the
        most precise one that still reaches it. Agrees with `model_fit(model)` by construction.
        """
        found = self._headline.get(model.id)
        if found is not None:
            return found
        full = self._cache.get(model.id)
        if full is not None:
            found = (full.verdict, full.best, full.context_tokens)
        else:
            found = self._headline_of(model)
        self._headline[model.id] = found
        return found

    def _headline_of(self, model: Model) -> tuple[Verdict, QuantFit | None, int]:
        capacity = self._capacity
        quants = quants_for(model, self.options.engine)
        context = context_for(model, self.context_tokens)
        kv = kv_for(model, context, self.options).bytes
        weights_of = lambda q: weights_bytes(model.total_params_b, q.bits_per_weight)  # noqa: E731
        best_verdict = placement(weights_of(quants[-1]), kv, capacity)[0]
        best = None
        if model.weights_available and best_verdict is not Verdict.NO:
            for quant in quants:
                if placement(weights_of(quant), kv, capacity)[0] is best_verdict:
                    best = quant_fit(model, quant, capacity, kv)
                    break
        if best is not None:
            return best.verdict, best, context
        no = Verdict.NO if model.weights_available else Verdict.UNAVAILABLE
        return no, None, context

    def uncached_answers(self, model: Model) -> tuple[bool, float | None, int | None]:
        """`fits`, `est_tps` and `fit_rank` at once, kept nowhere: the query index asks each
        model once for its columns, and a dict per model would hold a million entries."""
        verdict, best, _ = self._headline.get(model.id) or self._headline_of(model)
        return _answers(verdict, best.est_tps if best is not None else None)

    def uncached_ctx_fit(self, model: Model) -> int | None:
        """`ctx_fit`, kept nowhere (as `uncached_answers`): the quantisation `headline` chose is
        the one `model_fit` chooses."""
        found = self._ctx.get(model.id, -1)
        if found != -1:
            return found
        best = (self._headline.get(model.id) or self._headline_of(model))[1]
        return context_fits(model, self._capacity, self.options).get(best.quant) if best else None

    def expert_offload(self, model: Model) -> ExpertOffload | None:
        """The MoE answer: experts in RAM, the rest on the GPUs (see estimate.expert_offload)."""
        context = context_for(model, self.context_tokens)
        kv = kv_for(model, context, self.options).bytes
        return expert_offload(model, self._capacity, kv, self.options)

    def quick(self, model: Model) -> tuple[Verdict, float | None]:
        """(verdict, estimated tokens/s) at the best quantisation (`headline`)."""
        verdict, best, _ = self.headline(model)
        return verdict, best.est_tps if best is not None else None

    def ctx_fit(self, model: Model) -> int | None:
        """The largest context that fits at the quantisation the fit chose (`sort:ctxfit`);
        None where nothing fits."""
        found = self._ctx.get(model.id, -1)
        if found == -1:
            best = self.model_fit(model).best
            found = (
                context_fits(model, self._capacity, self.options).get(best.quant) if best else None
            )
            self._ctx[model.id] = found
        return found

    def fits(self, model: Model) -> bool:
        return _answers(*self.quick(model))[0]

    def est_tps(self, model: Model) -> float | None:
        return self.quick(model)[1]

    def fit_rank(self, model: Model) -> int | None:
        return _answers(*self.quick(model))[2]

    def summary(self) -> str:
        """One line for a header: '1× H100 80GB HBM3 80 GiB · 126 GiB RAM · 16 cores · ctx 8k'."""
        return hardware_summary(self.hardware, self.context_tokens)


def _answers(verdict: Verdict, est_tps: float | None) -> tuple[bool, float | None, int | None]:
    """What the query engine reads of a verdict: fits here, the speed, the verdict's rank."""
    return verdict.value < Verdict.NO.value, est_tps, verdict.value
