"""Discovery after seeding: wait until the target's listings show what the run wrote.

An eventually consistent target (AWS among them) may list none of the users seeding created a
moment ago. What the run wrote is read from its own exchange log (`conformance.evidence.writes`
replays the successful writes), never from what seeding meant to do, and the listings are read
again with the run's backoff until they show it or `--settle` runs out. The rules then judge the
last reading; the earlier ones are polls (`Evidence.superseded`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conformance.engine.discovery import Discovery, discover, probe_missing_collections
from conformance.evidence.writes import CollectionModel, RunModel
from conformance.exchange import Exchange
from conformance.settle import Settle, Waited
from conformance.transport import Client

SHOWN = 3
"""Ids named per kind of gap: enough to look one up, short enough for one line."""


def written(log: Sequence[Exchange], collection_id: str) -> CollectionModel | None:
    """The collection as the log's successful writes left it (None: the log wrote nothing)."""
    model = RunModel()
    for exchange in log:
        model.apply(exchange)
    return model.get(collection_id)


def _some(ids: Sequence[str]) -> str:
    shown = ", ".join(sorted(ids)[:SHOWN])
    return shown + (", ..." if len(ids) > SHOWN else "")


def unseen(state: CollectionModel, found: Discovery) -> str:
    """What the listings do not show of the writes, in one line ("" when they show it all)."""
    gaps: list[str] = []
    described = found.exchanges[0] if found.exchanges else None
    if described is not None and not described.ok:
        gaps.append("DescribeCollection does not find the collection")
    users = [u for u in state.users if u not in found.users]
    if users:
        gaps.append(f"ListUsers lacks {len(users)} of {len(state.users)} users ({_some(users)})")
    faces = [f for f in state.faces if f not in found.faces]
    if faces:
        gaps.append(f"ListFaces lacks {len(faces)} of {len(state.faces)} faces ({_some(faces)})")
    owners = [f for f, u in state.faces.items() if f in found.faces and found.faces[f] != u]
    if owners:
        gaps.append(f"ListFaces shows {len(owners)} faces without their user ({_some(owners)})")
    holding = [u for u, user in state.users.items() if user.faces and u in found.users]
    inactive = [u for u in holding if found.users[u] != "ACTIVE"]
    if inactive:
        gaps.append(f"{len(inactive)} users holding faces not ACTIVE ({_some(inactive)})")
    return "; ".join(gaps)


def settled_discovery(
    client: Client, collection_id: str, log: Sequence[Exchange], settle: Settle
) -> Waited[Discovery]:
    """Discover, reading again until the listings show the log's writes (or the wait ends)."""
    state = written(log, collection_id)
    waited = settle.wait(
        lambda: discover(client, collection_id, probe_missing=False),
        lambda found: unseen(state, found) if state is not None else "",
    )
    return replace(waited, value=probe_missing_collections(client, waited.value))
