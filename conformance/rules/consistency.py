"""A search's matches must agree with the collection's listings of the same epoch.

Listings read in the same epoch describe the very state the search ran on (no mutating request
in between), so a match the listings cannot account for is a phantom user.
"""

from __future__ import annotations

from collections.abc import Callable

from conformance.evidence import CollectionView
from conformance.evidence.reading import TRANSITIONAL, Match, body_of, matches_of, user_ids_of
from conformance.exchange import Exchange
from conformance.rules.base import Finding, Level
from conformance.rules.per_exchange import judged, search_rule
from conformance.rules.sources import SEARCHABLE_ONCE_ASSOCIATED, api

FAMILY = "consistency"


def _each_user(
    exchange: Exchange,
    view: CollectionView | None,
    known: set[str] | None,
    problem: Callable[[int, str], str],
) -> Finding | None:
    """Pass unless a matched user is missing from `known` (None = nothing to compare with)."""
    if not exchange.ok or view is None or known is None:
        return None
    problems = [problem(i, user) for i, user in user_ids_of(body_of(exchange)) if user not in known]
    return judged(problems, exchange, *view.listing_sources)


@search_rule(
    "consistency.matches-listed",
    "Every matched user is listed by a complete ListUsers of the same epoch.",
    source=api(
        "ListUsers", "Returns metadata of the User such as UserID in the specified collection."
    ),
    family=FAMILY,
)
def matches_listed(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    users = set(view.users) if view is not None and view.users is not None else None
    return _each_user(
        exchange, view, users, lambda i, u: f"UserMatches[{i}] {u!r} is not listed by ListUsers"
    )


@search_rule(
    "consistency.matches-have-faces",
    "Every matched user has at least one face in a complete ListFaces of the same epoch "
    "(a user without faces never matches).",
    source=SEARCHABLE_ONCE_ASSOCIATED,
    family=FAMILY,
)
def matches_have_faces(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    with_faces = view.users_with_faces() if view is not None else None
    return _each_user(
        exchange, view, with_faces, lambda i, u: f"UserMatches[{i}] {u!r} has no face in ListFaces"
    )


def _status_problem(exchange: Exchange, view: CollectionView, match: Match) -> str | None:
    users = view.users or {}
    listed = users.get(match.user_id)
    if listed is None or match.status == listed:
        return None
    listings = [e.index for e in view.listing_sources if e.operation == "ListUsers"]
    listing = listings[0] if listings else exchange.index
    earlier = listed if listing < exchange.index else match.status
    if earlier in TRANSITIONAL:
        return None  # the association finished between the two reads
    return f"UserMatches[{match.position}] {match.user_id!r} is {match.status!r}, ListUsers says {listed!r}"


@search_rule(
    "consistency.status",
    "A matched user's UserStatus equals the one ListUsers reported in the same epoch.",
    source=api("SearchUsers", "The status of the user matched to a provided FaceID."),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="A change out of UPDATING/CREATING between the two reads (asynchronous).",
)
def status(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    matches = matches_of(body_of(exchange))
    if not exchange.ok or view is None or view.users is None or matches is None:
        return None
    problems = [p for m in matches if (p := _status_problem(exchange, view, m))]
    return judged(problems, exchange, *view.listing_sources)
