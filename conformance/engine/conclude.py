"""Turn a run's exchanges into a `RunResult`: the one way a run ends, live or replayed.

A live run and the replay of its recording must reach the same verdict, so both hand their
exchanges here and nothing else decides: which exchanges the rules see (`health.judgeable`,
and only the searches `--operations` selects),
which operations the target lacks (`availability`), whether the answers can carry a verdict at
all (`health.health_problem`), and the order in which the reasons for "not verified" are told.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from conformance import availability, selection
from conformance.config import RunConfig
from conformance.engine.health import health_problem, judgeable
from conformance.exchange import Exchange, TransportStats
from conformance.results import Falsified, RunResult, RunSettings
from conformance.rules.base import Level, RuleVerdict, Status


def judged(
    config: RunConfig, exchanges: list[Exchange], hung_up: Mapping[str, int] | None = None
) -> availability.Judgement:
    """Every rule's verdict on the exchanges the rules may see.

    `hung_up` counts, per operation, the probes' calls the target closed the connection on:
    they left no exchange (so a cassette has none), but count as answers of a missing operation.
    """
    judgement = availability.judge_log(
        selection.judged_only(judgeable(exchanges), config),
        strict_schema=config.strict_schema,
        hung_up=hung_up,
    )
    selection.explain(judgement.verdicts, config)
    if config.read_only:
        _explain_read_only(judgement.verdicts)
    return judgement


def fails(
    config: RunConfig, exchanges: list[Exchange], hung_up: Mapping[str, int] | None = None
) -> bool:
    """Whether these exchanges fail the gate (MUST violations; SHOULD ones under --strict)."""
    return any(
        v.status is Status.FAIL and (config.strict or v.rule.level is Level.MUST)
        for v in judged(config, exchanges, hung_up).verdicts
    )


def conclude(
    config: RunConfig,
    exchanges: list[Exchange],
    *,
    target: str,
    stats: TransportStats,
    started: float,
    settings: RunSettings,
    stopped: str | None = None,
    hung_up: Mapping[str, int] | None = None,
    falsified: Sequence[Falsified] = (),
) -> RunResult:
    """Judge `exchanges` and say whether the run can be trusted.

    `started` is the run's `time.perf_counter()` at its start (its duration includes judging);
    `stopped` is why the run (or the recorded run) ended before it could reach a verdict;
    `falsified`, the shrunk examples of a live run's hypothesis phases (a replay has none).
    A missing operation, then an unhealthy target, is the root cause of whatever else went
    wrong (a budget spent on retries, say), so they are said first.
    """
    judgement = judged(config, exchanges, hung_up)
    missing = availability.todo_line(judgement.unavailable) if judgement.unavailable else None
    names = {gap.operation for gap in judgement.unavailable}
    health = health_problem([e for e in exchanges if e.operation not in names])
    return RunResult(
        target=target,
        verdicts=judgement.verdicts,
        exchanges=exchanges,
        stats=stats,
        strict=config.strict,
        duration_s=time.perf_counter() - started,
        unverified_reason="; ".join(r for r in (missing, health, stopped) if r) or None,
        settings=settings,
        unavailable=judgement.unavailable,
        falsified=tuple(falsified),
    )


def _explain_read_only(verdicts: list[RuleVerdict]) -> None:
    """Say why these rules were not exercised, so "not verified" does not read as a gap."""
    for verdict in verdicts:
        if verdict.status is Status.NOT_VERIFIED and verdict.rule.needs_writes:
            verdict.reason = "out of reach of a read-only run (needs writes or other operations)"
