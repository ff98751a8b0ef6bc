"""Whether a search returns as many users as it may: the check behind "MaxUsers capped".

A result cut short (a page size leaking into the API, a hard-coded cap) looks exactly like a
collection with fewer similar users; no relation between answers exposes it. What does is a
search at UserMatchThreshold 0: every similarity is >= 0, so every user with a face is a match,
and the complete ListUsers/ListFaces listings of the same epoch say how many there are.

This is parity (SHOULD), not contract: whether a similarity of exactly 0 passes a threshold of 0
is the undocumented equal-to-threshold case, and an implementation comparing strictly may leave
out users it scores at exactly 0 -- which one answer cannot tell from a cap, so such an
implementation is reported too (the benign variation `threshold-strictly-above` shows it); only
--strict turns that into a failure. AWS also considers at most 4096 matched user vectors, so
larger collections are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.evidence import Evidence
from conformance.evidence.reading import body_of, matches_of, search_request
from conformance.rules.base import Finding, Level, passed, rule, violated
from conformance.rules.metamorphic import unsettled
from conformance.rules.sources import api, model

FAMILY = "results"
AWS_VECTOR_CAP = 4096
"""'Search APIs consider at most 4096 matched user vectors' (Rekognition quotas)."""


@rule(
    "results.complete-at-zero",
    "A search at UserMatchThreshold 0 returns every other user that has a face, up to MaxUsers.",
    source=(
        api(
            "SearchUsers",
            "Optional value that specifies the minimum confidence in the matched UserID to return.",
        ),
        model("UserMatch.Similarity", note="0..100"),
        api("SearchUsers", "Maximum number of identities to return."),
    ),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open=f"Collections with more than {AWS_VECTOR_CAP} faces; the default MaxUsers (only "
    "explicit MaxUsers is judged). Known limit: an implementation comparing strictly (>) that "
    "scores some users exactly 0 is reported too, since one answer cannot tell it from a cap; "
    "that is why the rule is SHOULD (fails only under --strict).",
)
def complete_at_zero(evidence: Evidence) -> Iterator[Finding]:
    for exchange in evidence.searches():
        request = search_request(exchange)
        matches = matches_of(body_of(exchange))
        view = evidence.comparable_view(exchange)
        if (
            not exchange.ok
            or request is None
            or not request.well_formed
            or request.members.get("UserMatchThreshold") != 0
            or request.max_users is None
            or matches is None
            or view is None
            or view.faces is None
            or len(view.faces) > AWS_VECTOR_CAP
            or unsettled(evidence, exchange)
        ):
            continue
        candidates = view.users_with_faces() or set()
        if request.kind == "UserId":
            if str(request.query_id) not in candidates:
                continue  # a user with no face has nothing to compare: an empty answer is fine
            candidates.discard(str(request.query_id))
        elif request.query_id not in view.faces:
            continue  # an unknown face is errors.unknown-face's business
        expected = min(request.max_users, len(candidates))
        if len(matches) >= expected:
            yield passed(exchange)
            continue
        missing = sorted(candidates - {m.user_id for m in matches})
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        yield violated(
            f"threshold 0 and MaxUsers {request.max_users} returned {len(matches)} users, but "
            f"{len(candidates)} other users have faces (missing: {shown})",
            exchange,
        )
