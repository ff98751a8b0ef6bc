"""The conformance engine: decide what to send so every rule has something to judge, and
conclude a run from its exchanges.

`engine.live` runs the gate against a target (`prepare`, then `run`); `engine.replay` judges a
cassette offline; both end in `engine.conclude`, so a replay reaches the verdict its live run
had. This module is the door to both and loads neither until asked: a replay must not pay for
the hypothesis, phases and targets a live run imports (`benchmarks/replay.py` measures it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.engine.health import MOSTLY, health_problem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conformance.config import RunConfig
    from conformance.engine.live import Notice, Prepared, Progress
    from conformance.errors import ConformanceError
    from conformance.exchange import Exchange
    from conformance.results import RunResult


def prepare(config: RunConfig) -> Prepared:
    """Check `config`, build its target and plan the run, without sending anything (once per
    run: the plan printed is the plan `run` executes)."""
    from conformance.engine import live

    return live.prepare(config)


def run(
    config: RunConfig,
    *,
    prepared: Prepared | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> RunResult:
    """Run the gate `config` describes (a cassette is replayed); `prepared` is
    `prepare(config)` when already called."""
    from conformance.engine import live

    return live.run(config, prepared=prepared, progress=progress, notice=notice)


def failed_to_start(
    config: RunConfig, error: ConformanceError, exchanges: Sequence[Exchange] = ()
) -> RunResult:
    """The result of a run that stopped before judging anything (with what it had sent), for
    the report files."""
    from conformance.engine import live

    return live.failed_to_start(config, error, exchanges)


def describe(config: RunConfig) -> str:
    """Where the run points, without building a target (which may be what failed)."""
    from conformance.engine import live

    return live.describe(config)


__all__ = ["MOSTLY", "describe", "failed_to_start", "health_problem", "prepare", "run"]
