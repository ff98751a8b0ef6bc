"""Rules that judge one SearchUsers exchange at a time.

They are registered twice over: as catalog rules (run over every answered SearchUsers exchange
of a run) and in `SINGLE`, so `conformance.rules.single` can run exactly the same checks on one
request/response pair a user hands us, without a second copy of any check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from conformance.rules.base import Finding, passed, rule, violated

if TYPE_CHECKING:
    from conformance.evidence import CollectionView, Evidence
    from conformance.exchange import Exchange

ExchangeCheck = Callable[["Exchange", "CollectionView | None"], "Finding | None"]
"""Judges one exchange (with its collection's view, None when unknown); None = not applicable."""

SINGLE: dict[str, ExchangeCheck] = {}
SEARCH_USERS = frozenset({"SearchUsers"})
IMAGE_SEARCH = "SearchUsersByImage"
JUDGES: dict[str, frozenset[str]] = {}
"""Per single check, the operations whose exchanges it judges: a check written for SearchUsers
(say, "neither UserId nor FaceId") would raise false alarms on another operation's answer."""
BOTH_SEARCHES: set[str] = set()
"""SearchUsers rules whose statement holds word for word for SearchUsersByImage answers
(order, threshold, MaxUsers, the wire...): they judge those too (`conformance.rules.image`
says which)."""


def judged_operations(rule_id: str) -> frozenset[str]:
    own = JUDGES.get(rule_id, SEARCH_USERS)
    return own | {IMAGE_SEARCH} if rule_id in BOTH_SEARCHES else own


def answers(evidence: Evidence, rule_id: str) -> Iterator[Exchange]:
    """Every exchange of the operations `rule_id` judges that the target answered (throttled
    ones and bodies cut off by a front end excluded), in log order."""
    operations = judged_operations(rule_id)
    return (
        e
        for e in evidence.exchanges
        if e.operation in operations and not e.throttled and not e.cut_off
    )


def search_rule(
    id: str, statement: str, *, operations: frozenset[str] = SEARCH_USERS, **meta: Any
) -> Callable[[ExchangeCheck], ExchangeCheck]:
    """Register `check` as a catalog rule over the answered exchanges of `operations` (by
    default `Evidence.searches()`, SearchUsers) and as a single check for the same operations.

    `meta` is what `conformance.rules.base.rule` takes (source, family, level, leaves_open).
    """

    def register(check: ExchangeCheck) -> ExchangeCheck:
        def over_run(evidence: Evidence) -> Iterator[Finding]:
            for exchange in answers(evidence, id):
                view = evidence.comparable_view(exchange)
                finding = check(exchange, view)
                if finding is not None:
                    yield finding

        rule(id, statement, **meta)(over_run)
        SINGLE[id] = check
        JUDGES[id] = operations
        return check

    return register


def judged(problems: list[str], *exchanges: Exchange) -> Finding:
    """One finding for an instance: a violation listing every problem, or a pass."""
    return violated("; ".join(problems), *exchanges) if problems else passed(*exchanges)
