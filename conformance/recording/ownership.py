"""Which recorded requests may be re-sent to a target: reads, and writes to what the recording made.

A cassette comes from elsewhere, and `parity` re-sends it. A recording that deletes a
collection it never created would delete the target's own collection of that name. So a
recorded request is re-sent only when it cannot change anything (no X-Amz-Target to dispatch,
a Rekognition read, our unknown-operation probe) or when it writes to a collection the
recording itself created, which parity maps onto a fresh collection of its own, or to a
collection the recorded target answered as absent every time (the gate's availability probes
write to such names on purpose): parity sends those to a fresh random name that exists nowhere,
so they reach nothing on the target either. Anything else
(a write to another collection, a write whose collection cannot be read from its body, another
service's operation sharing the endpoint) is never sent; `cassettes lint` flags such writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conformance.exchange import (
    READ_OPERATIONS,
    TARGET_PREFIX,
    Exchange,
    operation_from_target,
    rekognition_operations,
)

PROBE_OPERATION = "SearchUsersConformanceProbe"
"""The operation protocol probes name: no service has it, so it reads nothing and writes nothing."""


def created_collections(exchanges: Iterable[Exchange]) -> set[str]:
    """Collections the recording itself asked to create."""
    return {
        e.collection_id
        for e in exchanges
        if e.operation == "CreateCollection" and isinstance(e.collection_id, str)
    }


def absent_collections(exchanges: Iterable[Exchange]) -> set[str]:
    """Collections the recording did not create and the recorded target answered, every time
    they were named, as not existing: writing to them changed nothing."""
    answers: dict[str, set[str | None]] = {}
    for e in exchanges:
        if isinstance(e.collection_id, str):
            answers.setdefault(e.collection_id, set()).add(e.error_type)
    created = created_collections(exchanges)
    return {
        collection
        for collection, types in answers.items()
        if collection not in created and types == {"ResourceNotFoundException"}
    }


def writable_collections(exchanges: Iterable[Exchange]) -> set[str]:
    """Collections a recorded write may name and still be re-sent (see the module's note)."""
    recorded = list(exchanges)
    return created_collections(recorded) | absent_collections(recorded)


def is_read(exchange: Exchange) -> bool:
    target = exchange.request_headers.get("x-amz-target")
    if target is None:
        return True
    operation = operation_from_target(target)
    return operation in READ_OPERATIONS or operation == PROBE_OPERATION


@dataclass(frozen=True)
class ForeignWrite:
    """A recorded request that may change something the recording did not create."""

    exchange: Exchange
    what: str

    def __str__(self) -> str:
        return self.what


def foreign_write(exchange: Exchange, created: set[str]) -> ForeignWrite | None:
    """Why `exchange` must not be re-sent, or None when it is a read or writes only to a
    collection in `created`."""
    if is_read(exchange):
        return None
    target = exchange.request_headers.get("x-amz-target") or ""
    operation = operation_from_target(target)
    if operation is None or operation not in rekognition_operations():
        shown = target if len(target) <= 60 else target[:60] + "..."
        return ForeignWrite(exchange, f"{shown or 'a request'} (not a Rekognition operation)")
    collection = exchange.collection_id
    if not isinstance(collection, str):
        return ForeignWrite(exchange, f"{operation} without a readable CollectionId")
    if collection not in created:
        return ForeignWrite(
            exchange,
            f"{operation} to collection {collection!r}, which the recording did not create",
        )
    return None


def foreign_writes(exchanges: list[Exchange]) -> list[ForeignWrite]:
    created = writable_collections(exchanges)
    return [w for e in exchanges if (w := foreign_write(e, created)) is not None]


__all__ = [
    "PROBE_OPERATION",
    "TARGET_PREFIX",
    "ForeignWrite",
    "absent_collections",
    "created_collections",
    "foreign_write",
    "foreign_writes",
    "is_read",
    "writable_collections",
]
