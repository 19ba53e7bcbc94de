"""The command palette (ctrl+p): every action of the screen under it, by name.

Titles come from the same binding descriptions as the footer and the help screen, plus direct
choices a key can only reach by cycling (a given tier, sort column or openness level).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import NamedTuple, Protocol, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from modelscout.catalog.model import TIERS
from modelscout.query import Query
from modelscout.tui import query_cycles as qc
from modelscout.tui.screens.help import key_label


class Command(NamedTuple):
    title: str
    help: str
    run: Callable[[], object]


def binding_commands(screen: Screen[object]) -> Iterator[Command]:
    """One command per described binding of the screen and the app, when it is enabled now."""
    seen: set[str] = set()
    for node in (screen, screen.app):
        for binding in node.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action in seen or node.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.action)
            yield Command(
                binding.tooltip or binding.description,
                f"key: {key_label(binding.key)}",
                partial(node.run_action, binding.action),
            )


def query_commands(
    update: Callable[[Callable[[Query], Query]], None], fit: bool
) -> Iterator[Command]:
    """Set one filter or sort directly."""

    def step(change: Callable[[Query], Query]) -> Callable[[], None]:
        return lambda: update(change)

    for tier in ("all", *TIERS):
        tiers = frozenset() if tier == "all" else frozenset({tier})
        yield Command(f"Tier: {tier}", "size tier filter", step(partial(Query.with_, tiers=tiers)))
    for label, classes in qc.OPENNESS_STEPS:
        yield Command(
            f"Openness: {label}", "openness filter", step(partial(Query.with_, openness=classes))
        )
    for label, value in (("all", None), ("MoE only", True), ("dense only", False)):
        yield Command(f"MoE: {label}", "architecture filter", step(partial(Query.with_, moe=value)))
    for label, value in (("all", None), ("reasoning only", True), ("non-reasoning only", False)):
        yield Command(
            f"Reasoning: {label}", "reasoning filter", step(partial(Query.with_, reasoning=value))
        )
    for key in qc.sort_cycle(fit):
        order = "highest first" if key in qc.DESCENDING_FIRST else "lowest or A to Z first"
        if key == "best":
            order = "what runs here first, most capable first"
        yield Command(f"Sort by {key}", order, step(partial(qc.sort_by, key=key)))
    yield Command("Clear all filters", "keeps the sort", step(qc.clear_filters))


class _Commands(Provider):
    def _commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)


class ModelscoutCommands(_Commands):
    """Every screen's actions by name (the app's provider)."""

    def _commands(self) -> list[Command]:
        return list(binding_commands(self.screen))


class QueryScreen(Protocol):
    fit: object | None

    def update_query(self, step: Callable[[Query], Query]) -> None: ...

    def plan_for(self, text: str) -> None: ...


def plan_commands(plan_for: Callable[[str], None]) -> Iterator[Command]:
    """Plan for a profile by name, or go back to this machine."""
    from modelscout.hardware.profiles import PROFILES

    yield Command("Plan for: this machine", "the detected hardware", partial(plan_for, "this"))
    for profile in PROFILES:
        yield Command(
            f"Plan for: {profile.name}", f"profile {profile.key}", partial(plan_for, profile.key)
        )


class QueryCommands(_Commands):
    """A given tier, openness, sort...: the main screen's own provider."""

    def _commands(self) -> list[Command]:
        screen = cast("QueryScreen", self.screen)
        found = list(query_commands(screen.update_query, screen.fit is not None))
        if screen.fit is not None and hasattr(screen, "plan_for"):
            found.extend(plan_commands(screen.plan_for))
        return found
