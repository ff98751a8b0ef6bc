"""Families of related searches, so the metamorphic rules have pairs to compare.

The rules need no oracle, only the right pairs in one epoch: one query at several thresholds
with the same explicit MaxUsers (large enough not to truncate), one query at several MaxUsers
with the same threshold (small enough to cut through the result, ties included when the data
has them), identical requests twice, and associated faces searched at threshold 0 so each must
find its owner.
"""

from __future__ import annotations

from typing import Any

from conformance.engine.context import Call, Context, search

LABEL = "metamorphic"
ALL = 500
THRESHOLDS = (0.0, 50.0, 90.0)
FACE_THRESHOLDS = (0.0, 85.0)
MAX_USERS = (1, 3, 5)
FACE_MAX_USERS = (2,)
OWNER_SAMPLE = 6
BOUND = (
    len(THRESHOLDS) + len(FACE_THRESHOLDS) + len(MAX_USERS) + len(FACE_MAX_USERS) + 2 + OWNER_SAMPLE
)


def requests(ctx: Context) -> list[Call]:
    found = ctx.discovery
    collection = ctx.collection_id
    calls: list[Call] = []
    users = found.searchable_users()
    if users:
        by_user = {"CollectionId": collection, "UserId": users[0]}
        calls += _family(f"{LABEL}:user", by_user, THRESHOLDS, MAX_USERS)
        calls.append(
            search(f"{LABEL}:repeat", {**by_user, "UserMatchThreshold": 0, "MaxUsers": ALL})
        )
        calls.append(search(f"{LABEL}:repeat", by_user))
    query_face = (found.unassociated_faces() or found.associated_faces())[:1]
    for face in query_face:
        by_face = {"CollectionId": collection, "FaceId": face}
        calls += _family(f"{LABEL}:face", by_face, FACE_THRESHOLDS, FACE_MAX_USERS)
    for face in owner_sample(ctx):
        calls.append(
            search(
                f"{LABEL}:owner",
                {
                    "CollectionId": collection,
                    "FaceId": face,
                    "UserMatchThreshold": 0,
                    "MaxUsers": ALL,
                },
            )
        )
    return calls


def _family(
    label: str,
    query: dict[str, Any],
    thresholds: tuple[float, ...],
    max_users: tuple[int, ...],
) -> list[Call]:
    """The query at each threshold (MaxUsers 500), then at each MaxUsers (threshold 0)."""
    calls = [search(label, {**query, "UserMatchThreshold": t, "MaxUsers": ALL}) for t in thresholds]
    calls += [search(label, {**query, "UserMatchThreshold": 0.0, "MaxUsers": k}) for k in max_users]
    return calls


def owner_sample(ctx: Context) -> list[str]:
    """Up to OWNER_SAMPLE associated faces, one per user first, picked with the run's seed."""
    owned = ctx.discovery.faces_of()
    rng = ctx.rng("owner-sample")
    per_user = [rng.choice(faces) for _, faces in sorted(owned.items())]
    rng.shuffle(per_user)
    return sorted(per_user[:OWNER_SAMPLE])
