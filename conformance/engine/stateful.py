"""The engine's hook for the stateful phase (issue 8): `bound(config)` and `run(ctx)`.

The engine calls it last, only when the session owns a writable collection. Its exchanges reach
the run's log through the session client's listener like every other phase's, so the `stateful`
rules judge them with the rest; `run` returns summary notes, including the shortest failing
sequence as a boto3 script.
"""

from __future__ import annotations

from conformance.config import RunConfig
from conformance.engine.context import Context
from conformance.settle import Settle
from conformance.stateful.runner import TEARDOWN_RESERVE, run_stateful

ALLOWANCE = 200
"""Requests the phase may send besides teardown; a correct target needs about 190 (5 examples
of ~38: the opening with its probes, 8 steps, the final probe)."""


def bound(config: RunConfig) -> int:
    return ALLOWANCE + TEARDOWN_RESERVE


def run(ctx: Context) -> list[str]:
    outcome = run_stateful(
        ctx.session.client,
        ctx.collection_id,
        seed=ctx.seed,
        max_requests=ALLOWANCE,
        settle=Settle(ctx.config.settle_s),
    )
    notes = [
        f"stateful phase: {outcome.examples} examples, {outcome.requests} requests, "
        f"{outcome.duration_s:.1f} s",
        *outcome.notes,
    ]
    if outcome.failure is not None:
        notes.append(
            "stateful phase falsified (shrunk to "
            f"{len(outcome.failure.calls)} calls): {'; '.join(outcome.failure.messages)}\n"
            + outcome.failure.script
        )
    return notes
