"""The outcome of one conformance run, as reports and exit codes see it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from conformance.availability import Unavailable
from conformance.errors import EXIT_OK, EXIT_UNVERIFIED, EXIT_VIOLATIONS
from conformance.exchange import Exchange, TransportStats
from conformance.rules.base import Level, RuleVerdict, Status


@dataclass(frozen=True)
class RunSettings:
    """What a run was asked to do, and what it made of it: reports show it, reproductions
    read it (never a credential).

    One shape for live runs, replays and runs that could not start, so a reader (report.json's
    `settings`, `reporting.reproduce.endpoint_of`) never guesses which keys a run wrote: a
    field that does not apply to the run is None (or empty).
    """

    endpoint_url: str | None = None
    aws: bool = False
    region: str | None = None
    profile: str | None = None
    collection_id: str | None = None
    read_only: bool = False
    seed: int | None = None
    max_examples: int | None = None
    property_examples: int | None = None
    max_requests: int | None = None
    rps: float | None = None
    settle_s: float | None = None
    strict: bool = False
    strict_schema: bool = False
    faults: tuple[str, ...] = ()
    keep_collection: bool = False
    planned_requests: int | None = None
    planned_phases: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()
    credentials: str | None = None
    """How requests were signed: "chain" (boto3's credential chain) or "loopback" (the dummy
    credentials of `config.LOOPBACK_SIGNING`); None when nothing was sent."""
    kept_collection: str | None = None
    """The collection a --keep-collection run left in place, and the command deleting it."""
    cleanup_command: str | None = None
    cassette: str | None = None
    """A replay: the cassette judged, where it came from, and how many exchanges it held."""
    source: str | None = None
    recorded_exchanges: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (lists for tuples, a plain dict for the phases)."""
        values: dict[str, Any] = {each.name: getattr(self, each.name) for each in fields(self)}
        values["planned_phases"] = dict(self.planned_phases)
        values["faults"] = list(self.faults)
        values["notes"] = list(self.notes)
        return values


@dataclass(frozen=True)
class Falsified:
    """A failing example a hypothesis phase shrank, as data: the reports render it (and mask
    it like every other byte they write), so what the engine found is never prose to parse back.
    """

    phase: str
    """The phase that found it, as its exchanges' labels name it: "stateful" or "property"."""
    violations: tuple[tuple[str, str], ...]
    """(rule id, message) for each violation the rules found in the shrunk example."""
    calls: tuple[Exchange, ...]
    """The shrunk example, every request in order (also in the run's exchanges)."""
    script: str | None = None
    """A runnable boto3 script replaying `calls` in a fresh collection of its own; None for a
    single call, which the reports reproduce like any violation's exchange."""

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Each rule the example violated, once, in the order found."""
        return tuple(dict.fromkeys(rule_id for rule_id, _ in self.violations))


@dataclass
class RunResult:
    target: str
    """Where the run pointed, for humans: "embedded reference", an endpoint URL, a cassette."""
    verdicts: list[RuleVerdict]
    exchanges: list[Exchange]
    stats: TransportStats
    strict: bool = False
    duration_s: float = 0.0
    unverified_reason: str | None = None
    """Set when the run as a whole cannot be trusted (throttling, budget, interruption)."""
    settings: RunSettings = field(default_factory=RunSettings)
    start_error: str | None = None
    """Set when the run could not start at all (unreachable, refused, not AWS JSON, bad
    configuration): the cause, which reports show as one errored test case."""
    start_exit_code: int = EXIT_UNVERIFIED
    """The exit code of that error: 2 for the target, 4 for the configuration."""
    unavailable: Sequence[Unavailable] = ()
    """Operations the target does not implement, in the order to implement them: the cause
    every report names first (see `conformance.availability`)."""
    falsified: tuple[Falsified, ...] = ()
    """The shrunk failing examples of the hypothesis phases (none for a replay: a recording
    is judged, not explored)."""

    def failing(self) -> list[RuleVerdict]:
        """Verdicts that fail the gate: MUST violations, and SHOULD ones under --strict."""
        return [
            v
            for v in self.verdicts
            if v.status is Status.FAIL and (v.rule.level is Level.MUST or self.strict)
        ]

    @property
    def exit_code(self) -> int:
        if self.start_error is not None:
            return self.start_exit_code
        if self.failing():
            return EXIT_VIOLATIONS
        if self.unverified_reason:
            return EXIT_UNVERIFIED
        return EXIT_OK
