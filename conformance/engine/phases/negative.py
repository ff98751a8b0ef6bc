"""One violated constraint per request, every other member valid and pointing at real data.

Keeping the rest of the request valid (the collection exists, the user has faces) means the
only reason left to refuse it is the constraint under test, so a 2xx or a 5xx cannot be
explained away. The list is explicit rather than drawn at random: every constraint kind the
contract states (length, pattern, range, type, missing CollectionId, neither id) is sent on
every run, and only with values whose invalidity does not depend on a lenient JSON reader:
type errors use arrays and objects (a number where a string belongs may legitimately be coerced
by AWS's deserialiser), never `null` (which AWS reads as an absent member). Requests go out
through the raw transport, so botocore's client-side validation never stops them.
"""

from __future__ import annotations

from typing import Any

from conformance.engine.context import Call, Context, search

LABEL = "negative"
VALID_FACE_ID = "11111111-2222-4333-8444-555555555555"
"""Well-formed, only used where another member is the violation."""
LETTERED_FACE_ID = "abcdef12-3456-4789-8abc-def123456789"
"""Well-formed and containing hex letters, for the upper-case probe when none was discovered."""


def violations(
    collection: str, user: str, face: str = LETTERED_FACE_ID
) -> list[tuple[str, dict[str, Any]]]:
    """(constraint, request) pairs; the base request searches `user` in `collection`.

    `face` should be a FaceId that exists: its upper-cased form then differs from a real face
    only by case, so an implementation that lower-cases ids (or matches case-insensitively)
    answers 2xx and is caught; the contract's pattern is lower-case hex only.
    """
    by_user = {"CollectionId": collection, "UserId": user}
    by_face = {"CollectionId": collection, "FaceId": VALID_FACE_ID}
    return [
        ("CollectionId.required", {"UserId": user}),
        ("CollectionId.minLength", {**by_user, "CollectionId": ""}),
        ("CollectionId.maxLength", {**by_user, "CollectionId": "c" * 256}),
        ("CollectionId.pattern", {**by_user, "CollectionId": "not/a collection"}),
        ("CollectionId.type", {**by_user, "CollectionId": [collection]}),
        ("UserId.minLength", {**by_user, "UserId": ""}),
        ("UserId.maxLength", {**by_user, "UserId": "u" * 129}),
        ("UserId.pattern", {**by_user, "UserId": "user name/with*spaces"}),
        ("UserId.type", {**by_user, "UserId": {"UserId": user}}),
        ("FaceId.pattern", {**by_face, "FaceId": "not-a-face-id"}),
        ("FaceId.type", {**by_face, "FaceId": [VALID_FACE_ID]}),
        ("FaceId.pattern:upper-case", {**by_face, "FaceId": face.upper()}),
        ("UserMatchThreshold.minimum", {**by_user, "UserMatchThreshold": -1}),
        ("UserMatchThreshold.maximum", {**by_user, "UserMatchThreshold": 100.5}),
        ("UserMatchThreshold.type", {**by_user, "UserMatchThreshold": {"value": 80}}),
        ("MaxUsers.minimum", {**by_user, "MaxUsers": 0}),
        ("MaxUsers.maximum", {**by_user, "MaxUsers": 501}),
        ("MaxUsers.type", {**by_user, "MaxUsers": [5]}),
        ("UserId|FaceId.oneRequired", {"CollectionId": collection}),
    ]


BOUND = len(violations("c", "u"))


def requests(ctx: Context) -> list[Call]:
    users = ctx.discovery.searchable_users()
    user = users[0] if users else "user"
    lettered = [f for f in ctx.discovery.associated_faces() if f != f.upper()]
    face = lettered[0] if lettered else LETTERED_FACE_ID
    return [
        search(f"{LABEL}:{constraint}", request)
        for constraint, request in violations(ctx.collection_id, user, face)
    ]
