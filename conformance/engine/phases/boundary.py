"""Valid requests at the edges of the contract, plus well-formed ids that do not exist.

Boundaries are where implementations break (MaxUsers 500 rejected, threshold 0 treated as
"unset", a ':' refused in a UserId), so each documented edge is sent once on a query that has
matches. The same edges against a collection known not to exist must come back as
ResourceNotFoundException: that proves the format is accepted even when nothing may be created
(read-only runs). Unknown-but-well-formed UserId and FaceId show how absent ids are refused.
"""

from __future__ import annotations

import uuid

from conformance.engine.context import Call, Context, search

LABEL = "boundary"
ODD_CHARACTERS = ":.-_"
BOUND = 16

MISSING_USER_ID = ("su-conformance:missing_user.id-" + "x" * 128)[:128]
"""128 characters with every punctuation the UserId pattern allows."""


EDGES: tuple[dict[str, float], ...] = (
    {},
    {"MaxUsers": 1},
    {"MaxUsers": 500},
    {"UserMatchThreshold": 0},
    {"UserMatchThreshold": 100},
)
"""The documented edges (and the defaults), each sent on a query that has matches."""


def requests(ctx: Context) -> list[Call]:
    found = ctx.discovery
    collection = ctx.collection_id
    users = found.searchable_users()
    calls: list[Call] = []
    if users:
        query = {"CollectionId": collection, "UserId": users[0]}
        calls += [search(LABEL, {**query, **edge}) for edge in EDGES]
        calls += [
            search(LABEL, {**query, "UserId": user, "UserMatchThreshold": 0})
            for user in odd_users(users, skip=users[0])
        ]
    associated = found.associated_faces()
    if associated:
        calls.append(search(LABEL, {"CollectionId": collection, "FaceId": associated[0]}))
    calls += [
        search(
            LABEL,
            {"CollectionId": collection, "FaceId": face, "UserMatchThreshold": 0, "MaxUsers": 500},
        )
        for face in found.unassociated_faces()[:1]
    ]
    short, long = found.missing
    calls += [
        search(LABEL, {"CollectionId": long, "UserId": MISSING_USER_ID}),
        search(LABEL, {"CollectionId": long, "FaceId": str(uuid.uuid4())}),
        search(LABEL, {"CollectionId": short, "UserId": users[0] if users else "user"}),
        search(LABEL, {"CollectionId": collection, "UserId": unknown_user_id(found.users)}),
        search(LABEL, {"CollectionId": collection, "FaceId": unknown_face_id(found.faces)}),
    ]
    return calls


def odd_users(users: list[str], *, skip: str, limit: int = 3) -> list[str]:
    """The longest searchable UserId, then ids adding punctuation classes not yet covered."""
    chosen: list[str] = []
    covered: set[str] = set()
    candidates = [u for u in users if u != skip]
    if candidates:
        longest = max(candidates, key=lambda u: (len(u), u))
        chosen.append(longest)
        covered |= set(longest) & set(ODD_CHARACTERS)
    for user in sorted(candidates, key=lambda u: (-len(set(u) & set(ODD_CHARACTERS)), u)):
        if len(chosen) >= limit:
            break
        new = (set(user) & set(ODD_CHARACTERS)) - covered
        if new and user not in chosen:
            chosen.append(user)
            covered |= new
    return chosen


def unknown_user_id(known: dict[str, str | None]) -> str:
    while True:
        candidate = f"su-conformance-unknown:{uuid.uuid4().hex}"
        if candidate not in known:
            return candidate


def unknown_face_id(known: dict[str, str | None]) -> str:
    while True:
        candidate = str(uuid.uuid4())
        if candidate not in known:
            return candidate
