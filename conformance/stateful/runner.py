"""The stateful phase as the engine calls it: run the machine, return exchanges and a repro.

Hypothesis explores and shrinks; this module bounds what that may cost. The phase has its own
request allowance (kept out of the run's budget so teardown can still clean up), and when it is
spent, or the run's budget is, the machine raises a skip, which hypothesis re-raises at once
instead of shrinking it. Every failing example is recorded as it happens, so the shortest one
is known even when shrinking was cut short.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import HypothesisException
from hypothesis.stateful import run_state_machine_as_test

from conformance.errors import BudgetExhausted
from conformance.exchange import Exchange
from conformance.settle import Settle, Waited
from conformance.stateful.images import ImageSource, SyntheticPeople
from conformance.stateful.machine import Failure, PhaseContext, Stop, bind
from conformance.stateful.script import render_script
from conformance.transport import Client

DEFAULT_EXAMPLES = 5
DEFAULT_STEPS = 8
DEFAULT_MAX_REQUESTS = 400
"""With the defaults a correct target costs ~150-250 requests; shrinking a failure costs more."""
TEARDOWN_RESERVE = 2 * DEFAULT_STEPS
"""Requests kept back from the run's budget so the last example can still delete its data."""


@dataclass
class StatefulFailure:
    violations: list[tuple[str, str]]
    """(rule id, message) per violation of the shortest failing example."""
    calls: list[Exchange]
    """The shortest failing sequence found, every request of it in order."""
    script: str
    """A runnable boto3 script replaying `calls` in a fresh collection."""


@dataclass
class StatefulOutcome:
    exchanges: list[Exchange]
    examples: int
    requests: int
    duration_s: float
    failure: StatefulFailure | None = None
    exhausted: bool = False
    """The phase stopped early because a request budget ran out."""
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failure is None


def run_stateful(
    transport: Client,
    collection_id: str,
    *,
    seed: int,
    max_examples: int = DEFAULT_EXAMPLES,
    max_steps: int = DEFAULT_STEPS,
    max_requests: int | None = DEFAULT_MAX_REQUESTS,
    images: ImageSource | None = None,
    settle: Settle | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> StatefulOutcome:
    """Explore `collection_id` (which the run created and may write to) with random sequences.

    Raises what the transport raises for an unreachable target (TargetUnavailable); a spent
    budget ends the phase cleanly with `exhausted` set.
    """
    started = time.perf_counter()
    phase = PhaseContext(
        client=transport,
        collection_id=collection_id,
        images=images or SyntheticPeople(seed),
        limit=_limit(transport, max_requests, _settle_reserve(settle)),
        settle=settle or Settle(0.0),
        sleep=sleep,
    )
    outcome = StatefulOutcome([], 0, 0, 0.0)
    try:
        run_state_machine_as_test(
            hypothesis_seed(seed)(bind(phase)),
            settings=_settings(max_examples, max_steps),
        )
    except Stop:
        outcome.exhausted = isinstance(phase.stopped, BudgetExhausted) or phase.stopped is None
    except (AssertionError, HypothesisException):
        pass  # the failures were recorded as they happened
    if phase.stopped is not None and not isinstance(phase.stopped, BudgetExhausted):
        raise phase.stopped
    outcome.exchanges = phase.exchanges
    outcome.examples = phase.examples
    outcome.requests = phase.sent
    outcome.failure = _shortest(phase.failures, transport)
    outcome.duration_s = time.perf_counter() - started
    if outcome.exhausted:
        outcome.notes.append(f"stopped after {phase.sent} requests: request budget spent")
    if phase.waits:
        outcome.notes.append(_waits_note(phase.waits))
    return outcome


def _waits_note(waits: list[Waited[Any]]) -> str:
    """One line: how often the phase waited for stale reads, and its longest wait."""
    longest = max(waits, key=lambda w: w.seconds)
    unsettled = sum(1 for w in waits if not w.settled)
    polls = sum(w.polls for w in waits)
    return (
        f"waited for stale reads {len(waits)} time(s), {polls} polls; longest "
        f"{longest.summary('wait')}" + (f"; {unsettled} never settled" if unsettled else "")
    )


SETTLE_READS = 4
"""Reads one round of re-reading may send (listings and searches): with the wait's polls, the
requests kept back so a wait near the end of the phase is not cut short by the budget -- a
stale read left behind would be judged as if it had outlived the wait."""


def _settle_reserve(settle: Settle | None) -> int:
    return 0 if settle is None else settle.max_polls * SETTLE_READS


def _limit(transport: Client, max_requests: int | None, reserve: int = 0) -> int:
    remaining_of = getattr(transport, "remaining", None)
    remaining = remaining_of() if callable(remaining_of) else None
    kept = TEARDOWN_RESERVE + reserve
    limits = [n for n in (max_requests, remaining and remaining - kept) if n is not None]
    return max(0, min(limits)) if limits else 10**9


def _settings(max_examples: int, max_steps: int) -> settings:
    return settings(
        max_examples=max(1, max_examples),
        stateful_step_count=max(1, max_steps),
        deadline=None,
        database=None,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
    )


def _shortest(failures: list[Failure], transport: Client) -> StatefulFailure | None:
    if not failures:
        return None
    best = min(reversed(failures), key=lambda f: len(f.exchanges))
    config = getattr(transport, "settings", None)
    script = render_script(
        best.exchanges,
        best.violations,
        endpoint_url=getattr(config, "endpoint_url", None),
        region=getattr(config, "region", "us-east-1"),
    )
    return StatefulFailure(best.violations, best.exchanges, script)
