"""The outcome of one conformance run, as reports and exit codes see it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.availability import Unavailable
from conformance.errors import EXIT_OK, EXIT_UNVERIFIED, EXIT_VIOLATIONS
from conformance.exchange import Exchange
from conformance.rules.base import Level, RuleVerdict, Status
from conformance.transport import TransportStats


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
    settings: Mapping[str, Any] = field(default_factory=dict)
    start_error: str | None = None
    """Set when the run could not start at all (unreachable, refused, not AWS JSON, bad
    configuration): the cause, which reports show as one errored test case."""
    start_exit_code: int = EXIT_UNVERIFIED
    """The exit code of that error: 2 for the target, 4 for the configuration."""
    unavailable: Sequence[Unavailable] = ()
    """Operations the target does not implement, in the order to implement them: the cause
    every report names first (see `conformance.availability`)."""

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
