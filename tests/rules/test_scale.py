"""Judging stays near-linear in the searches of one query (replay of long cassettes).

The pairwise metamorphic rules used to compare every pair of answers to one query: 5,000
replayed interactions took 180 s. Counted, not timed: the number of comparisons (findings) must
grow with the answers, not with their pairs, and a wrong answer among them must still be caught.
"""

from __future__ import annotations

from conformance.exchange import Exchange
from tests.rules.conftest import findings, search, verdict

N = 300
BOB = [("bob", 99.0)]


def thresholds(broken_at: int | None = None) -> list[Exchange]:
    return [
        search(
            {"UserMatchThreshold": 50 + i / 10, "MaxUsers": 10},
            matches=[] if i == broken_at else BOB,
        )
        for i in range(N)
    ]


def limits(broken_at: int | None = None) -> list[Exchange]:
    return [
        search(
            {"UserMatchThreshold": 50, "MaxUsers": 1 + i},
            matches=[("carol", 99.0)] if i == broken_at else BOB,
        )
        for i in range(N)
    ]


def test_threshold_filter_compares_each_answer_once() -> None:
    assert 0 < len(findings("metamorphic.threshold-filter", thresholds())) < N
    assert verdict("metamorphic.threshold-filter", thresholds()) == "pass"
    assert verdict("metamorphic.threshold-filter", thresholds(broken_at=N // 2)) == "fail"


def test_max_users_prefix_compares_each_answer_once() -> None:
    assert 0 < len(findings("metamorphic.max-users-prefix", limits())) < N
    assert verdict("metamorphic.max-users-prefix", limits()) == "pass"
    assert verdict("metamorphic.max-users-prefix", limits(broken_at=N // 2)) == "fail"
