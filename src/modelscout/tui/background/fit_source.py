"""Where the table's hardware fit comes from: detected once, re-derived when the context changes.

The fit and hardware modules are optional at run time (a build without them, or a machine where
detection fails, still shows the catalogue); the app asks `detect_fit_source` in a worker thread and
adds the fit columns only when it returns something.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from modelscout.fit.context import FitContext
    from modelscout.hardware.detect import Hardware


class FitSource(Protocol):
    """Detected (or planned) hardware, able to judge models for a given context length."""

    def fit_for(self, context_tokens: int) -> FitContext: ...

    def planned(self, text: str) -> FitSource: ...


class DetectedFit:
    """`FitSource` over `modelscout.hardware.detect` and `modelscout.fit.context.FitContext`."""

    def __init__(self, hardware: Hardware, detected: Hardware | None = None) -> None:
        self._hardware = hardware
        self._detected = detected if detected is not None else hardware

    def planned(self, text: str) -> DetectedFit:
        """The same source for a machine described in one line (`rtx4090 ram=64G`, see
        hardware.plan.parse_plan); planned from the detected machine, not from the last plan.
        Raises ValueError with the reason for text it cannot read."""
        from modelscout.errors import UsageError
        from modelscout.hardware.plan import parse_plan, plan_hardware

        try:
            hardware = plan_hardware(self._detected, parse_plan(text))
        except UsageError as exc:
            raise ValueError(str(exc)) from None
        return DetectedFit(hardware, self._detected)

    def fit_for(self, context_tokens: int) -> FitContext:
        from modelscout.fit.context import FitContext

        return FitContext(self._hardware, context_tokens)


def detect_fit_source() -> FitSource | None:
    """Detect this machine's hardware (blocking: call from a worker). None when fit is unavailable."""
    from modelscout.hardware.detect import detect_hardware
    from modelscout.hub.env import HubEnv

    return DetectedFit(detect_hardware(cache_dir=HubEnv.from_environ().cache_dir))
