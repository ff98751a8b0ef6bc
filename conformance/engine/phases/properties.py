"""Hypothesis-generated valid requests, judged one by one so failures shrink.

Each example is sent and immediately run through the catalog's single-exchange rules (with the
collection as discovery saw it); a violation raises, so hypothesis shrinks it to a minimal
request and stores it in its example database (`.conformance/examples` by default): the next
run replays it first. The verdicts themselves still come from the final judgement over all
exchanges; this phase only chooses what to send.

Requests are deduplicated, so hypothesis re-running an example (shrinking, its final replay)
reuses the first answer rather than paying for it again, and a fixed allowance bounds what
generation plus shrinking may spend: past it, examples pass without being sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import HypothesisException

from conformance.contract.strategies import search_users_requests
from conformance.engine.context import Context, search
from conformance.evidence import Evidence
from conformance.exchange import Exchange
from conformance.results import Falsified
from conformance.rules import catalog
from conformance.rules.base import Finding, Level
from conformance.rules.single import check_exchange

LABEL = "property"


def shrink_allowance(examples: int) -> int:
    """Requests shrinking may add on top of generation (it stops early past this).

    Requests are deduplicated and a shrink step that was already sent costs nothing, so a
    modest allowance usually reaches a minimal example.
    """
    return examples // 2 + 5 if examples else 0


def bound(examples: int) -> int:
    return examples + shrink_allowance(examples)


def examples_within(requests: int) -> int:
    """The most examples whose bound fits in `requests`."""
    examples = 0
    while bound(examples + 1) <= requests:
        examples += 1
    return examples


class PropertyViolation(AssertionError):
    """Raised inside the hypothesis test so it shrinks; never escapes the phase. It carries the
    exchange and its findings, so the shrunk example leaves the phase as data, not as text."""

    def __init__(self, exchange: Exchange, findings: list[Finding]) -> None:
        super().__init__(f"{exchange.operation} #{exchange.index}: {findings[0].line}")
        self.exchange = exchange
        self.findings = findings


@dataclass
class PropertyOutcome:
    sent: int = 0
    falsified: Falsified | None = None
    """The shrunk request and its violations, when an example failed."""
    notes: list[str] = field(default_factory=list)


def run(ctx: Context, examples: int) -> PropertyOutcome:
    outcome = PropertyOutcome()
    if examples <= 0 or not ctx.allows("SearchUsers"):
        return outcome
    found = ctx.discovery
    generated = search_users_requests(
        collection_ids=[ctx.collection_id],
        user_ids=sorted(found.users),
        face_ids=sorted(found.faces),
    )
    # mostly the collection under test: a random CollectionId only ever meets "not found"
    pinned = generated.map(lambda request: {**request, "CollectionId": ctx.collection_id})
    strategy = st.one_of(pinned, pinned, pinned, generated)
    allowance = bound(examples)
    answers: dict[str, Exchange] = {}
    gating = _gating_rules(ctx.config.strict)
    # discovery is all reads and a search changes nothing, so the views are built once, not
    # per example (a large read-only collection has thousands of listed faces to walk)
    views = {view.collection_id: view for view in Evidence(found.exchanges).views()}

    def answer(request: Mapping[str, Any]) -> Exchange | None:
        key = json.dumps(request, sort_keys=True, default=str)
        if key not in answers:
            remaining = ctx.session.client.remaining()
            if outcome.sent >= allowance or remaining == 0:
                return None
            exchange = ctx.send(search(LABEL, request))
            if exchange is None:
                return None
            outcome.sent += 1
            answers[key] = exchange
        return answers[key]

    @settings(
        max_examples=examples,
        database=_database(ctx),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @hypothesis_seed(ctx.seed)
    @given(strategy)
    def search_users_property(request: dict[str, Any]) -> None:
        exchange = answer(request)
        if exchange is None:
            return
        view = views.get(exchange.collection_id)
        problems = [f for f in check_exchange(exchange, view) if f.rule_id in gating]
        if problems:
            raise PropertyViolation(exchange, problems)

    try:
        search_users_property()
    except PropertyViolation as exc:
        violations = tuple((f.rule_id, f.message) for f in exc.findings)
        outcome.falsified = Falsified(LABEL, violations, (exc.exchange,))
    except HypothesisException as exc:
        outcome.notes.append(f"property phase ended early: {type(exc).__name__}")
    if outcome.sent >= allowance:
        outcome.notes.append(f"property phase spent its allowance of {allowance} requests")
    return outcome


def _gating_rules(strict: bool) -> frozenset[str]:
    return frozenset(r.id for r in catalog() if strict or r.level is Level.MUST)


def _database(ctx: Context) -> DirectoryBasedExampleDatabase | None:
    directory = ctx.config.examples_dir
    return DirectoryBasedExampleDatabase(str(directory)) if directory is not None else None
