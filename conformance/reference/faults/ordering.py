"""Wrong UserMatches order: the first thing a hand-rolled search gets wrong."""

from __future__ import annotations

from conformance.reference.faults._kit import Matches, matches_fault, similarity

FAMILY = "ordering"
ORDER = ("results.order",)


def _reversed(found: Matches) -> Matches:
    return list(reversed(found))


def _by_user_id(found: Matches) -> Matches:
    return sorted(found, key=lambda m: str(m["User"]["UserId"]))


def _rotated(found: Matches) -> Matches:
    """The best match last: an off-by-one in a hand-written insertion sort."""
    return found[1:] + found[:1]


def _ascending_similarity(found: Matches) -> Matches:
    return sorted(found, key=similarity)


matches_fault(
    "unordered-results",
    "UserMatches come lowest similarity first (the list is reversed)",
    ORDER,
    _reversed,
    FAMILY,
)
matches_fault(
    "order-by-user-id",
    "UserMatches are sorted by UserId instead of by Similarity",
    ORDER,
    _by_user_id,
    FAMILY,
)
matches_fault(
    "order-best-last",
    "the best match is moved to the end of UserMatches (unsorted)",
    ORDER,
    _rotated,
    FAMILY,
)
matches_fault(
    "order-ascending-sort",
    "UserMatches are sorted ascending, as a distance would be",
    ORDER,
    _ascending_similarity,
    FAMILY,
)
