"""What a query reads of one hardware fit, as arrays by catalogue position, built once per fit.

`fits`, `tps>N`, `sort:best`, `sort:fit` and `sort:tps` read three answers per model (fits here,
estimated speed, verdict rank): one pass over the catalogue computes all three. `sort:ctxfit`
needs a costlier answer and gets its own pass, on first use. Orders are built per key on first
use, as the catalogue's are at build time. Above `CACHED_FIT_MAX` models the fit is asked
through its uncached path (`OnePassFit`), so its per-model caches stay the size of what the
table draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from modelscout.catalog.model import Model
from modelscout.query.build_once import BuildOnce
from modelscout.query.columns import Columns, chunks, joined, release_freed_memory
from modelscout.query.language import FitLookup, OnePassFit
from modelscout.query.sort_orders import ascending_order, descending, numeric_rank

# Up to this many models the fit is asked through its cached path: `list fits` then writes each
# row's fit from the answers kept (computing them twice cost 0.6 s at 15,855 models), and the
# cache stays tens of MB. Above it the cache would grow to a gigabyte (a million models), so the
# answers are computed uncached and rows drawn later compute their own.
CACHED_FIT_MAX = 100_000

_Answers = tuple[np.ndarray, np.ndarray, np.ndarray]  # fits (bool), est. tps, fit rank (NaN: none)


class HardwareColumns:
    """The columns and orders of one fit over one catalogue."""

    def __init__(self, fit: FitLookup, models: Sequence[Model], columns: Columns) -> None:
        self.fit = fit
        self._models = models
        self._columns = columns
        self._answers: BuildOnce[_Answers] = BuildOnce()  # one entry, "answers"
        self._ctx: BuildOnce[np.ndarray] = BuildOnce()  # one entry, "ctxfit"
        # (ranks, order, the unknowns' rank) per (key, descending)
        self._orders: BuildOnce[tuple[np.ndarray, np.ndarray, int]] = BuildOnce()

    @property
    def _uncached(self) -> bool:
        """Whether to ask the fit past its per-model caches (see `CACHED_FIT_MAX`)."""
        return len(self._models) > CACHED_FIT_MAX

    @property
    def answered(self) -> bool:
        return "answers" in self._answers

    def built(self, key: str, descending: bool) -> bool:
        return (key, descending) in self._orders

    def fits(self) -> np.ndarray:
        return self._all()[0]

    def est_tps(self) -> np.ndarray:
        return self._all()[1]

    def order(self, key: str, descending: bool) -> np.ndarray:
        return self._sorted(key, descending)[1]

    def rank(self, key: str, descending: bool) -> np.ndarray:
        return self._sorted(key, descending)[0]

    def _sorted(self, key: str, down: bool) -> tuple[np.ndarray, np.ndarray, int]:
        return self._orders.get((key, down), lambda: self._build(key, down))

    def _all(self) -> _Answers:
        return self._answers.get("answers", self._build_answers)

    def _build_answers(self) -> _Answers:
        fit = self.fit
        answers: Callable[[Model], tuple[bool, float | None, int | None]]
        if isinstance(fit, OnePassFit) and self._uncached:
            answers = fit.uncached_answers
        else:
            answers = lambda m: (fit.fits(m), fit.est_tps(m), fit.fit_rank(m))  # noqa: E731
        fits, tps, ranks = [], [], []
        for chunk in chunks(self._models):
            found = list(map(answers, chunk))
            fits.append(np.fromiter((a[0] for a in found), dtype=bool, count=len(found)))
            tps.append(np.array([a[1] for a in found], dtype=np.float64))
            ranks.append(np.array([a[2] for a in found], dtype=np.float64))
        answered = joined(fits, np.bool_), joined(tps, np.float64), joined(ranks, np.float64)
        release_freed_memory()  # the pass's records and answers, a chunk at a time
        return answered

    def _ctx_fit(self) -> np.ndarray:
        fit = self.fit
        ctx_fit = fit.ctx_fit
        if isinstance(fit, OnePassFit) and self._uncached:
            ctx_fit = fit.uncached_ctx_fit
        parts = [
            np.array(list(map(ctx_fit, chunk)), dtype=np.float64) for chunk in chunks(self._models)
        ]
        return joined(parts, np.float64)

    def _build(self, key: str, down: bool) -> tuple[np.ndarray, np.ndarray, int]:
        """(ranks, order, the unknowns' rank) of one hardware sort key."""
        if down:
            ranks, order, unknown = self._sorted(key, False)
            return (*descending(ranks, order, unknown), unknown)
        ranks, unknown = self._best_ranks() if key == "best" else numeric_rank(self._values(key))
        return ranks, ascending_order(ranks, unknown), unknown

    def _values(self, key: str) -> np.ndarray:
        if key == "tps":
            return self.est_tps()
        if key == "fit":
            return self._all()[2]
        return self._ctx.get("ctxfit", self._ctx_fit)  # ctxfit

    def _best_ranks(self) -> tuple[np.ndarray, int]:
        """What runs here first, the most capable of those first, as `engine.sort_value` says:
        (0 if it fits else 1, -(intelligence, -1 where unknown)); no model's value is unknown."""
        intelligence = self._columns.number("intelligence_index")
        capable, _ = numeric_rank(-np.where(np.isnan(intelligence), -1.0, intelligence))
        misfit = (~self.fits()).astype(np.int64)
        composite = misfit * (int(capable.max(initial=0)) + 1) + capable
        distinct, inverse = np.unique(composite, return_inverse=True)
        return inverse.astype(np.int32), len(distinct)
