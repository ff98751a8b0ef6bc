"""What the UserMatches list of a successful search must look like on its own.

The `results` family (rule ids `results.*`); the module is not named after it so it does not
read as the run's `conformance.results`.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from conformance.evidence import CollectionView
from conformance.evidence.reading import (
    MAX_USERS_CAP,
    SIMILARITY_TOLERANCE,
    body_of,
    float32,
    search_request,
    similarities_of,
    user_ids_of,
)
from conformance.exchange import Exchange
from conformance.rules.base import Finding, Level, passed, violated
from conformance.rules.per_exchange import judged, search_rule
from conformance.rules.sources import api, model, observed

FAMILY = "results"


def _answered(exchange: Exchange) -> bool:
    return exchange.ok and body_of(exchange) is not None


@search_rule(
    "results.order",
    "UserMatches are ordered by Similarity, highest first (equal scores in any order).",
    source=api("SearchUsers", "ordered by similarity score with the highest similarity first"),
    family=FAMILY,
    leaves_open="The order of users with equal Similarity.",
)
def order(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    if not _answered(exchange):
        return None
    scores = similarities_of(body_of(exchange))
    problems = [
        f"UserMatches[{i}].Similarity {s} > UserMatches[{j}].Similarity {prev}"
        for (j, prev), (i, s) in pairwise(scores)
        if s > prev
    ]
    return judged(problems, exchange)


@search_rule(
    "results.threshold",
    "Every Similarity is at least the effective UserMatchThreshold (80 when omitted), "
    "allowing for float32 rounding.",
    source=api(
        "SearchUsers",
        "Optional value that specifies the minimum confidence in the matched UserID to return. "
        "Default value of 80.",
    ),
    family=FAMILY,
    leaves_open="Whether a score exactly equal to the threshold is returned.",
)
def threshold(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = search_request(exchange)
    limit = request.threshold if request is not None else None
    if not _answered(exchange) or limit is None:
        return None
    floor = min(limit, float32(limit)) - SIMILARITY_TOLERANCE
    problems = [
        f"UserMatches[{i}].Similarity {s} < UserMatchThreshold {limit}"
        for i, s in similarities_of(body_of(exchange))
        if s < floor
    ]
    return judged(problems, exchange)


@search_rule(
    "results.range",
    "Every Similarity lies within 0..100.",
    source=model("Percent", note="min 0, max 100"),
    family=FAMILY,
)
def similarity_range(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    if not _answered(exchange):
        return None
    problems = [
        f"UserMatches[{i}].Similarity {s} outside 0..100"
        for i, s in similarities_of(body_of(exchange))
        if not 0 <= s <= 100
    ]
    return judged(problems, exchange)


@search_rule(
    "results.max-users",
    "UserMatches holds at most MaxUsers entries when MaxUsers is given, and never more than 500.",
    source=(
        model("SearchUsersRequest.MaxUsers", note="1..500"),
        model("UserMatchList", note="at most 500"),
    ),
    family=FAMILY,
    leaves_open="How many users are returned when MaxUsers is omitted (up to 500).",
)
def max_users(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = body_of(exchange)
    matches = body.get("UserMatches") if body is not None else None
    request = search_request(exchange)
    if not exchange.ok or not isinstance(matches, list) or request is None:
        return None
    limit = request.max_users or MAX_USERS_CAP
    if len(matches) <= limit:
        return passed(exchange)
    return violated(f"{len(matches)} UserMatches > MaxUsers {limit}", exchange)


@search_rule(
    "results.unique",
    "No user appears twice in UserMatches.",
    source=api(
        "SearchUsers",
        "A provided ID for the UserID. Unique within the collection.",
        note="so one entry per matched user",
    ),
    family=FAMILY,
)
def unique(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    if not _answered(exchange):
        return None
    ids = user_ids_of(body_of(exchange))
    counts = Counter(user for _, user in ids)
    problems = [
        f"UserId {user!r} appears at UserMatches{[i for i, u in ids if u == user]}"
        for user, n in counts.items()
        if n > 1
    ]
    return judged(problems, exchange)


@search_rule(
    "results.self-excluded",
    "A search by UserId never returns that user among its own matches.",
    source=(
        observed(
            "AWS re:Post answer by AWS, and observed responses",
            note="the searched UserId is not among its own matches",
        ),
        api(
            "SearchUsers",
            "This API can be used to find the closest UserID (with a highest similarity) to "
            "associate a face.",
            note="a self-match would defeat it",
        ),
    ),
    family=FAMILY,
)
def self_excluded(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = search_request(exchange)
    if not _answered(exchange) or request is None or request.kind != "UserId":
        return None
    searched = request.query_id
    hits = [i for i, user in user_ids_of(body_of(exchange)) if user == searched]
    if not hits:
        return passed(exchange)
    return violated(f"searched UserId {searched!r} returned at UserMatches{hits}", exchange)


#: The lowest score a user may give the very face it is made of: AWS's own example answers a
#: search by a face with its user at 100.0; half of that leaves room for any aggregation.
OWN_FACE_FLOOR = 50.0


@search_rule(
    "results.own-face-scale",
    "A user whose only face (complete ListFaces, same epoch) is F, returned by a search by "
    "FaceId F, scores at least 50: Similarity is a percentage and a face is as similar to "
    "itself as anything can be.",
    source=(
        api("SearchUsers", note="its example returns a face's user at 100.0"),
        model("Percent", note="0..100"),
    ),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="The exact self-similarity (AWS's example says 100.0); users with several "
    "faces (their score aggregates faces that differ).",
)
def own_face_scale(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = search_request(exchange)
    if view is None or view.faces is None or request is None or not request.well_formed:
        return None
    owner = view.faces.get(request.query_id) if request.kind == "FaceId" else None
    if owner is None or sum(1 for user in view.faces.values() if user == owner) != 1:
        return None
    if not _answered(exchange):
        return None
    at = dict(similarities_of(body_of(exchange)))
    scores = [at[i] for i, user in user_ids_of(body_of(exchange)) if user == owner and i in at]
    if not scores:
        return None
    low = [s for s in scores if s < OWN_FACE_FLOOR]
    if not low:
        return passed(exchange, *view.listing_sources)
    return violated(
        f"user {owner!r}, whose only face is {request.query_id!r}, scores {low[0]} when "
        f"searched by that face; AWS answers 100.0 (a 0..1 scale?)",
        exchange,
        *view.listing_sources,
    )
