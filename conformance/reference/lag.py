"""Eventual consistency on demand: reads that see each collection as it was `seconds` ago.

AWS promises no read-after-write for the user API (an IndexFaces followed at once by a search
may not find the face; AssociateFaces "may take a minute or so"), so a correct implementation
may answer a read with stale state. `serve --read-lag SECONDS` (and the `read-lag` benign
variation) make the reference do exactly that, to prove the gate waits instead of crying wolf.

Writes act on the live store and see the current state (AWS validates against it too); after
each write the written collection is copied into a short history, and a read is served from the
newest copy at least `seconds` old. Copies share the (immutable) face embeddings, so one costs a
dict of small records; the history keeps only what a read may still need.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from conformance.reference.records import UserRecord
from conformance.reference.store import Collection, Store

NEVER = float("-inf")
"""Time of the state a collection had before the history started: always old enough."""


def _copy(collection: Collection | None) -> Collection | None:
    if collection is None:
        return None
    return Collection(
        collection.collection_id,
        collection.created,
        faces={face_id: replace(face) for face_id, face in collection.faces.items()},
        users={uid: UserRecord(uid, list(u.face_ids)) for uid, u in collection.users.items()},
    )


class LaggedStore:
    """The store as reads see it: `collection()` answers from the history; writes go through
    `write()`, which records the collection's state before and after."""

    def __init__(
        self, store: Store, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.lock = store.lock
        self.seconds = seconds
        self._clock = clock
        self._history: dict[str, list[tuple[float, Collection | None]]] = {}
        self._history_lock = threading.Lock()

    # -- what read operations call ------------------------------------------------------------

    def collection(self, collection_id: str) -> Collection | None:
        with self._history_lock:
            history = self._history.get(collection_id)
            if not history:
                return self.store.collection(collection_id)
            horizon = self._clock() - self.seconds
            visible = [i for i, (at, _state) in enumerate(history) if at <= horizon]
            newest = visible[-1] if visible else 0
            del history[:newest]  # older copies can never be read again
            return history[0][1]

    def collection_ids(self) -> list[str]:
        """Live: ListCollections is no part of the user API under test."""
        return self.store.collection_ids()

    # -- around writes ------------------------------------------------------------------------

    def before_write(self, collection_id: object) -> None:
        """Keep the state the write is about to change, if the history does not hold it yet."""
        if not isinstance(collection_id, str):
            return
        with self._history_lock:
            if collection_id not in self._history:
                state = _copy(self.store.collection(collection_id))
                self._history[collection_id] = [(NEVER, state)]

    def after_write(self, collection_id: object) -> None:
        if not isinstance(collection_id, str):
            return
        with self._history_lock:
            history = self._history.setdefault(collection_id, [(NEVER, None)])
            history.append((self._clock(), _copy(self.store.collection(collection_id))))
