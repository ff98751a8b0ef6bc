"""The engine's hook for the stateful phase (issue 8): `bound(config)` and `run(ctx)`.

The engine calls it last, only when the session owns a writable collection. Its exchanges reach
the run's log through the session client's listener like every other phase's, so the `stateful`
rules judge them with the rest; `run` returns summary notes and the shortest failing sequence
as data (`results.Falsified`, with its boto3 script), which the reports render.
"""

from __future__ import annotations

from conformance.config import RunConfig
from conformance.engine.context import Context
from conformance.results import Falsified
from conformance.settle import Settle
from conformance.stateful.runner import TEARDOWN_RESERVE, run_stateful

LABEL = "stateful"
ALLOWANCE = 200
"""Requests the phase may send besides teardown; a correct target needs about 190 (5 examples
of ~38: the opening with its probes, 8 steps, the final probe)."""


def bound(config: RunConfig) -> int:
    return ALLOWANCE + TEARDOWN_RESERVE


def run(ctx: Context, falsified: list[Falsified]) -> list[str]:
    """Run the phase; its shortest failing sequence, if any, goes to `falsified`."""
    outcome = run_stateful(
        ctx.session.client,
        ctx.collection_id,
        seed=ctx.seed,
        max_requests=ALLOWANCE,
        settle=Settle(ctx.config.settle_s),
    )
    failure = outcome.failure
    if failure is not None:
        falsified.append(
            Falsified(LABEL, tuple(failure.violations), tuple(failure.calls), failure.script)
        )
    return [
        f"stateful phase: {outcome.examples} examples, {outcome.requests} requests, "
        f"{outcome.duration_s:.1f} s",
        *outcome.notes,
    ]
