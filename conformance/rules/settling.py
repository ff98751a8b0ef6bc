"""Which polls of a wait were stale: answers that contradicted the run's own writes.

A read sent again in the same epoch is usually a poll of the run's bounded wait (see
`conformance.settle`). Whether its earlier answer was *stale* (it contradicted a write the log
holds) or merely *different* (a target answering identical requests differently) matters to
the rules that compare identical requests: the first is eventual consistency, the second a
nondeterministic target. The stateful rules know what the writes established, so a superseded
read they would fail is a stale poll.
"""

from __future__ import annotations

from conformance.evidence import Evidence
from conformance.exchange import Exchange

CACHE = "stale_polls"
SETTLED_FROM = "settled_from"
LISTINGS = frozenset({"ListUsers", "ListFaces", "DescribeCollection"})


def stale_polls(evidence: Evidence) -> frozenset[int]:
    """Indices of superseded reads that a stateful rule would fail (computed once per log)."""
    cached = evidence.cache.get(CACHE)
    if isinstance(cached, frozenset):
        return cached
    from conformance.rules import catalog
    from conformance.rules.stateful import FAMILY

    stale: set[int] = set()
    evidence.judge_polls = True
    try:
        for rule in catalog():
            if rule.family != FAMILY:
                continue
            for finding in rule.check(evidence):
                if not finding.passed:
                    stale.update(e.index for e in finding.exchanges if evidence.superseded(e))
    finally:
        evidence.judge_polls = False
    result = frozenset(stale)
    evidence.cache[CACHE] = result
    return result


def settled_from(evidence: Evidence, exchange: Exchange) -> bool:
    """Whether `exchange` was sent once its epoch had settled: after the last poll whose answer
    changed, where that poll read the collection's listings, was the first read after the
    epoch's write, or contradicted the writes.

    A listing is what the run waits on after its writes, so a changed listing means the state
    the epoch's reads saw was still moving; before that point, two identical searches may
    differ without the target being nondeterministic.
    """
    points = evidence.cache.get(SETTLED_FROM)
    if not isinstance(points, dict):
        points = _settle_points(evidence)
        evidence.cache[SETTLED_FROM] = points
    return exchange.index >= points.get(evidence.epoch(exchange), 0)


def _settle_points(evidence: Evidence) -> dict[int, int]:
    stale = stale_polls(evidence)
    opening = _first_reads(evidence)
    points: dict[int, int] = {}
    for exchange in evidence.exchanges:
        reads = evidence.polls(exchange)
        if not reads or reads[-1] is not exchange:
            continue
        moved = len({r.response_body for r in reads}) > 1
        waited = (
            exchange.operation in LISTINGS
            or reads[0].index in opening
            or any(r.index in stale for r in reads)
        )
        if moved and waited:
            epoch = evidence.epoch(exchange)
            points[epoch] = max(points.get(epoch, 0), exchange.index)
    return points


def _first_reads(evidence: Evidence) -> set[int]:
    """The first read after each write: where a lagging target shows its lag."""
    first: set[int] = set()
    after_write = False
    for exchange in evidence.exchanges:
        if exchange.mutating:
            after_write = True
        elif after_write and exchange.operation is not None:
            first.add(exchange.index)
            after_write = False
    return first
