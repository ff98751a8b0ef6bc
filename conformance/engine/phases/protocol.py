"""Bodies and headers no SDK would send: the JSON 1.1 front end must refuse them cleanly.

A read-only session skips the probes without a known X-Amz-Target, because `--read-only`
promises that nothing but the four read operations is ever sent.
"""

from __future__ import annotations

import json

from conformance.engine.context import Context, RawCall
from conformance.exchange import TARGET_PREFIX

LABEL = "protocol"
UNKNOWN_TARGET = TARGET_PREFIX + "SearchUsersConformanceProbe"


def requests(ctx: Context) -> list[RawCall]:
    users = ctx.discovery.searchable_users()
    return probes(ctx.collection_id, users[0] if users else "user")


def probes(collection: str, user: str) -> list[RawCall]:
    valid = json.dumps({"CollectionId": collection, "UserId": user})
    return [
        RawCall(f"{LABEL}:not-json", b'{"CollectionId": '),
        RawCall(f"{LABEL}:json-array", json.dumps([json.loads(valid)]).encode()),
        RawCall(f"{LABEL}:json-string", b'"SearchUsers"'),
        RawCall(f"{LABEL}:missing-target", valid.encode(), target=None),
        RawCall(f"{LABEL}:unknown-target", valid.encode(), target=UNKNOWN_TARGET),
    ]
