"""Which searches a run judges (`--operations`), and what that means before and after it.

Deselecting a search removes everything about it from the run: its phases send nothing, the
availability probe leaves it alone, the plan does not count it, its answers in a cassette are
not judged, and the rules that judge only it say why they are "not verified". A search that is
deselected can therefore never fail a run, nor make it "not verified" by being missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from conformance.availability import needs
from conformance.config import SEARCH_OPERATIONS, RunConfig
from conformance.exchange import Exchange
from conformance.rules.base import RuleVerdict, Status


def deselected(config: RunConfig) -> frozenset[str]:
    return frozenset(SEARCH_OPERATIONS) - set(config.operations)


def judged_only(exchanges: Iterable[Exchange], config: RunConfig) -> list[Exchange]:
    """The exchanges the rules may see: none of a deselected search."""
    left_out = deselected(config)
    return [e for e in exchanges if e.operation not in left_out]


def explain(verdicts: list[RuleVerdict], config: RunConfig) -> None:
    """A rule that judges only deselected searches is not verified because nobody asked."""
    left_out = deselected(config)
    if not left_out:
        return
    why = f"not selected (--operations {','.join(config.operations)})"
    for verdict in verdicts:
        if verdict.status is Status.NOT_VERIFIED and needs(verdict.rule) & left_out:
            verdict.reason = why
