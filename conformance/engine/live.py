"""A live run: prepare the target and the plan, send every phase, then `conclude`.

Data flows one way: target setup -> discovery -> phases (boundary, negative, property,
metamorphic, protocol, then the stateful hook) -> every exchange -> `conclude` -> RunResult.
The engine never judges: the verdicts come from the exchanges alone, and a cassette's
exchanges go through the same `conclude` (`replay`, the engine's offline mode).

Whatever stops a run early (the budget, Ctrl-C, SIGTERM) still yields a judged, partial result
marked "not verified", after the target has deleted what it created. Problems that make a
verdict meaningless from the start (bad options, an unknown collection, an unreachable target)
are raised as `ConformanceError`s: one line, exit 2.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import ModuleType
from typing import NamedTuple

from conformance import availability
from conformance.config import RunConfig
from conformance.engine import probing
from conformance.engine import stateful as stateful_phase
from conformance.engine.conclude import conclude, fails
from conformance.engine.context import Context
from conformance.engine.discovery import Discovery, discover
from conformance.engine.interrupts import sigterm_as_interrupt
from conformance.engine.own_writes import settled_discovery
from conformance.engine.phases import (
    boundary,
    image_search,
    metamorphic,
    negative,
    properties,
    protocol,
)
from conformance.engine.plan import Plan, make_plan
from conformance.errors import BudgetExhausted, ConformanceError
from conformance.exchange import Exchange, TransportStats
from conformance.results import Falsified, RunResult, RunSettings
from conformance.rules import catalog
from conformance.rules.base import RuleVerdict, Status
from conformance.settle import Settle, Waited
from conformance.targets import build
from conformance.targets.base import Session, Target

Progress = Callable[[Exchange], None]
Notice = Callable[[str], None]


class Prepared(NamedTuple):
    """A checked run, ready to go: the target it points at (None for a cassette, which is
    judged offline) and the plan it announces and then executes."""

    target: Target | None
    plan: Plan


def prepare(config: RunConfig) -> Prepared:
    """Check `config`, build its target and plan the run, without sending anything.

    Done once per run: the CLI prints this plan and hands the same pair to `run`, so the plan
    printed is the plan executed (and faults, `--faces` and the checks are read once).
    """
    config.validate()
    if config.cassette is not None:
        return Prepared(None, Plan(f"cassette {config.cassette}", {}, None, config.seed or 0, 0))
    target = build(config)
    return Prepared(target, make_plan(config, target, stateful_bound=_stateful_bound(config)))


def run(
    config: RunConfig,
    *,
    prepared: Prepared | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> RunResult:
    """Run the gate `config` describes; `prepared` is `prepare(config)` when already called."""
    target, the_plan = prepared if prepared is not None else prepare(config)
    if target is None:
        # a recording is judged as recorded: the engine has nothing to choose or send
        from conformance.engine.replay import replay

        return replay(config)
    say = notice or (lambda message: None)
    exchanges: list[Exchange] = []
    stats = TransportStats()
    reason: str | None = None
    notes = list(the_plan.notes)
    kept: str | None = None
    hung_up: dict[str, int] = {}
    """Calls per operation the target closed the connection on (the probes'; no exchange)."""
    falsified: list[Falsified] = []
    """Shrunk failing examples, kept as they are found: a later phase may spend the budget."""
    started = time.perf_counter()
    with sigterm_as_interrupt():
        try:
            with target.open(say) as session:
                session.client.on_exchange(exchanges.append)
                if progress is not None:
                    session.client.on_exchange(progress)
                stats = session.client.stats
                try:
                    notes += _exercise(
                        config, session, the_plan, exchanges, say, hung_up, falsified
                    )
                except BudgetExhausted as stopped:
                    reason = f"{stopped}; rules it left unexercised are not verified"
                if config.keep_collection and fails(config, exchanges, hung_up):
                    kept = session.keep()
        except KeyboardInterrupt:
            reason = "interrupted before the run completed"
    return conclude(
        config,
        exchanges,
        target=target.description,
        stats=stats,
        started=started,
        stopped=reason,
        hung_up=hung_up,
        falsified=tuple(falsified),
        settings=replace(
            _settings(config, the_plan, notes),
            credentials=target.signing,
            kept_collection=kept,
            cleanup_command=target.cleanup_line(kept) if kept else None,
        ),
    )


def failed_to_start(
    config: RunConfig, error: ConformanceError, exchanges: Sequence[Exchange] = ()
) -> RunResult:
    """The result of a run that stopped before judging anything, for the report files.

    CI's report steps must find a report whatever happened: every rule is "not verified" for
    the one reason the error gives, and the error keeps its own exit code. `exchanges` are the
    answers that led to the error (say, the availability probes of an emulator lacking the
    operations): the reports count them as the console did, since they were paid for.
    """
    cause = str(error)
    verdicts = [
        RuleVerdict(rule, Status.NOT_VERIFIED, reason="the run could not start")
        for rule in catalog()
    ]
    return RunResult(
        target=describe(config),
        verdicts=verdicts,
        exchanges=list(exchanges),
        stats=TransportStats.of(exchanges),
        strict=config.strict,
        unverified_reason=f"the run could not start: {cause}",
        settings=_settings(config, None, []),
        start_error=cause,
        start_exit_code=error.exit_code,
    )


def describe(config: RunConfig) -> str:
    """Where the run points, without building a target (which may be what failed)."""
    if config.cassette is not None:
        return f"cassette {config.cassette}"
    if config.endpoint_url:
        return config.endpoint_url
    return f"AWS ({config.region})" if config.aws else "embedded reference"


def _exercise(
    config: RunConfig,
    session: Session,
    the_plan: Plan,
    exchanges: list[Exchange],
    say: Notice,
    hung_up: dict[str, int],
    falsified: list[Falsified],
) -> list[str]:
    """Probe, set the collection up, read it, and run every phase; returns summary notes
    (the shrunk failing examples go to `falsified`, as data)."""
    stateful = _stateful_module(config)
    missing = probing.probe(
        session,
        read_only=config.read_only,
        stateful=stateful is not None,
        searches=config.operations,
        log=exchanges,
        say=say,
        hung_up=hung_up,
    )
    try:
        collection = session.setup()
    except ConformanceError as failed:
        # seeding's first request is CreateCollection's probe: name every gap, not just it
        probing.stop_if_missing(availability.unavailable(exchanges, hung_up), session, failed)
        raise
    notes: list[str] = []
    if session.writable:
        waited = settled_discovery(session.client, collection, exchanges, Settle(config.settle_s))
        found = waited.value
        if waited.polls or not waited.settled:
            notes.append(waited.summary("discovery after seeding"))
        _require_content(found, session, waited)
    else:
        found = discover(session.client, collection)
        _require_content(found, session)
    ctx = Context(config, session, found, the_plan.seed, unavailable=missing)
    outcome = properties.PropertyOutcome()
    if config.judges("SearchUsers"):
        ctx.send_all(boundary.requests(ctx))
        ctx.send_all(negative.requests(ctx))
        outcome = properties.run(ctx, the_plan.property_examples)
        if outcome.falsified is not None:
            falsified.append(outcome.falsified)
        ctx.send_all(metamorphic.requests(ctx))
    if config.judges("SearchUsersByImage"):
        ctx.send_all(image_search.requests(ctx, exchanges))
    if config.judges("SearchUsers"):
        # last: evidence treats an unknown operation as possibly mutating, so nothing sent
        # after it could be compared with the discovery listings
        ctx.send_all(protocol.requests(ctx))
    stateful_notes: list[str] = []
    lacking = sorted(missing & availability.STATEFUL_NEEDS)
    if stateful is not None and session.writable and lacking:
        stateful_notes = [f"stateful phase skipped: {', '.join(lacking)} unavailable"]
    elif stateful is not None and session.writable:
        stateful_notes = list(stateful.run(ctx, falsified) or [])
    notes += list(outcome.notes) + stateful_notes
    if ctx.skipped:
        notes.append(f"read-only: skipped {len(ctx.skipped)} probe(s) ({', '.join(ctx.skipped)})")
    if ctx.withheld:
        notes.append(
            f"not sent: {len(ctx.withheld)} request(s) to operations the target does not "
            f"implement ({', '.join(sorted(missing))})"
        )
    return notes


def _require_content(
    found: Discovery, session: Session, waited: Waited[Discovery] | None = None
) -> None:
    """A collection without users or faces leaves nearly every rule with nothing to judge."""
    if found.searchable_users() and found.faces:
        return
    what = (
        "no users" if not found.users else "no faces" if not found.faces else "no user with a face"
    )
    if waited is not None and not waited.settled:
        raise ConformanceError(
            f"not verified: the target never showed its own writes within "
            f"{waited.seconds:.1f} s ({waited.polls} polls): {waited.missing}"
        )
    if session.writable:
        raise ConformanceError(
            f"after seeding, ListUsers/ListFaces show {what} in {found.collection_id}: "
            "nothing to verify"
        )
    raise ConformanceError(f"collection {found.collection_id!r} has {what}: nothing to verify")


def _stateful_module(config: RunConfig) -> ModuleType | None:
    """The stateful phase, where the run owns a collection (never in read-only mode)."""
    if not config.stateful or config.read_only or not config.judges("SearchUsers"):
        return None
    return stateful_phase


def _stateful_bound(config: RunConfig) -> int:
    module = _stateful_module(config)
    return int(module.bound(config)) if module is not None else 0


def _settings(config: RunConfig, the_plan: Plan | None, notes: list[str]) -> RunSettings:
    """What reports and reproductions need of the run's settings (never a credential)."""
    return RunSettings(
        endpoint_url=config.endpoint_url,
        aws=config.aws,
        region=config.region,
        profile=config.profile,
        collection_id=config.collection_id,
        read_only=config.read_only,
        seed=the_plan.seed if the_plan else config.seed,
        max_examples=config.max_examples,
        property_examples=the_plan.property_examples if the_plan else None,
        max_requests=config.max_requests,
        rps=config.rps,
        settle_s=config.settle_s,
        strict=config.strict,
        strict_schema=config.strict_schema,
        faults=config.faults,
        keep_collection=config.keep_collection,
        planned_requests=the_plan.total if the_plan else None,
        planned_phases=dict(the_plan.phases) if the_plan else {},
        notes=tuple(notes),
    )
