"""One cheap call per operation the run needs, before anything else is sent.

An emulator lacking several operations would otherwise stop the run at the first one it lacks
(seeding cannot go on without IndexFaces) and its author would learn of one gap per run. Each
probe addresses a collection that certainly does not exist (`su-conformance-missing-...`, a
prefix no user collection may have), so a real implementation answers a typed AWS JSON error
(ResourceNotFoundException, or a validation error) and nothing is created or changed, while an
unimplemented operation answers the way `conformance.availability` recognises. The one
operation that cannot be probed this way is CreateCollection (it would create the collection):
seeding's own first call is its probe.

Read-only runs probe only what they may send (the transport's allow-list), so the promise that
nothing but the four read operations is sent still holds.
"""

from __future__ import annotations

import uuid
from typing import Any

from conformance.availability import IMPLEMENTATION_ORDER
from conformance.config import COLLECTION_PREFIX, MISSING_PREFIX, SEARCH_OPERATIONS
from conformance.engine.context import Call
from conformance.engine.phases.image_search import blank_png
from conformance.exchange import READ_OPERATIONS
from conformance.targets.base import READ_ONLY_OPERATIONS

LABEL = "availability"
SEEDING_PROBE = "CreateCollection"
"""Probed by the seeding's first request instead: a probe of it would create a collection."""
STATEFUL_ONLY = frozenset({"DeleteUser", "DisassociateFaces", "DeleteFaces"})
PROBE_USER = "su-conformance-probe"
NOT_AN_IMAGE = b"su-conformance probe: not an image"
"""IndexFaces gets bytes no implementation can index, so even one that ignored the missing
collection would have nothing to add."""


def operations(
    *, read_only: bool, stateful: bool, searches: tuple[str, ...] = SEARCH_OPERATIONS
) -> list[str]:
    """What a run needs, in implementation order (a read-only run: only what it may send;
    only the searches it judges)."""
    skipped = set(SEARCH_OPERATIONS) - set(searches)
    needed = [op for op in IMPLEMENTATION_ORDER if op != SEEDING_PROBE and op not in skipped]
    if read_only:
        return [op for op in needed if op in READ_ONLY_OPERATIONS]
    return needed if stateful else [op for op in needed if op not in STATEFUL_ONLY]


def probes(operations: list[str]) -> list[Call]:
    """Reads first, so the search and the listings of the missing collection share one epoch
    (a write answered with a server error may have changed something; see `Exchange.mutating`)."""
    collection = MISSING_PREFIX + "probe-" + uuid.uuid4().hex[:12]
    face = str(uuid.uuid4())
    params: dict[str, dict[str, Any]] = {
        "DescribeCollection": {},
        "ListUsers": {"MaxResults": 1},
        "ListFaces": {"MaxResults": 1},
        "SearchUsers": {"UserId": PROBE_USER},
        "SearchUsersByImage": {"Image": {"Bytes": blank_png()}},
        "IndexFaces": {"Image": {"Bytes": NOT_AN_IMAGE}, "MaxFaces": 1},
        "CreateUser": {"UserId": PROBE_USER},
        "AssociateFaces": {"UserId": PROBE_USER, "FaceIds": [face]},
        "DeleteUser": {"UserId": PROBE_USER},
        "DisassociateFaces": {"UserId": PROBE_USER, "FaceIds": [face]},
        "DeleteFaces": {"FaceIds": [face]},
        "DeleteCollection": {},
    }
    reads = [op for op in operations if op in READ_OPERATIONS]
    ordered = reads + [op for op in operations if op not in reads]
    return [
        Call(f"{LABEL}:{op}", op, {"CollectionId": collection, **params.get(op, {})})
        for op in ordered
    ]


def creation() -> tuple[Call, Call]:
    """CreateCollection's probe when setup cannot happen anyway, and the call that undoes it.

    Only sent when the run is about to stop for other missing operations and DeleteCollection
    answered its own probe: otherwise seeding's first request probes CreateCollection for free.
    """
    collection = COLLECTION_PREFIX + "probe-" + uuid.uuid4().hex[:12]
    params = {"CollectionId": collection}
    return (
        Call(f"{LABEL}:CreateCollection", "CreateCollection", params),
        Call(f"{LABEL}:undo", "DeleteCollection", params),
    )
