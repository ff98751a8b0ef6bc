"""The reference service's state: collections, faces, users and idempotency records.

State lives in memory; every mutation is first written to a journal, which is a no-op by default
and SQLite with `--state PATH` (see `persistence.py`), so a restart with the same path resumes.
Memory changes only follow a journal write and are undone if the transaction does not commit.
One re-entrant lock serialises all access: operations are short, and a single lock makes every
operation atomic without reasoning about interleavings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from conformance.reference.persistence import Journal, NullJournal, SqliteJournal, StateError
from conformance.reference.records import FaceRecord, TokenRecord, UserRecord
from conformance.reference.search import SearchIndex

FACE_MODEL_VERSION = "7.0"
ACCOUNT = "000000000000"
REGION = "us-east-1"


@dataclass
class Collection:
    collection_id: str
    created: float
    faces: dict[str, FaceRecord] = field(default_factory=dict)
    users: dict[str, UserRecord] = field(default_factory=dict)
    tokens: dict[tuple[str, str], TokenRecord] = field(default_factory=dict)
    _index: SearchIndex | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:rekognition:{REGION}:{ACCOUNT}:collection/{self.collection_id}"

    def invalidate(self) -> None:
        self._index = None

    def index(self) -> SearchIndex:
        """The search matrix, rebuilt lazily after any change to faces or associations."""
        if self._index is None:
            self._index = SearchIndex.build(
                (user.user_id, [self.faces[f].embedding for f in user.face_ids])
                for user in self.users.values()
            )
        return self._index


class Readable(Protocol):
    """What read operations need: the live `Store`, or a lagging view of it (`lag.py`)."""

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    def collection(self, collection_id: str) -> Collection | None: ...

    def collection_ids(self) -> list[str]: ...


class Store:
    """All collections, guarded by `lock`; mutate only inside `transaction()`.

    A write is acknowledged only once it is durable: each mutation writes the journal first and
    memory second, and records how to undo its memory change. When any step or the final commit
    fails (disk full, I/O error, a bug), the journal rolls back and memory is undone to match,
    idempotency records included, so a client's retry runs the write again instead of
    replaying a success that was never saved.
    """

    def __init__(self, state_path: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self._journal: Journal = SqliteJournal(state_path) if state_path else NullJournal()
        self._collections: dict[str, Collection] = {}
        self._undo: list[Callable[[], object]] | None = None  # None: no transaction open
        try:
            self._load()
        except Exception as exc:  # rows that do not fit together: one line, not a traceback
            self._journal.close()
            raise StateError(
                f"cannot load state file {str(state_path)!r}: {type(exc).__name__}: {exc}"
            ) from exc

    def _load(self) -> None:
        for cid, created in self._journal.load_collections():
            self._collections[cid] = Collection(cid, created)
        for cid, face in self._journal.load_faces():
            self._collections[cid].faces[face.face_id] = face
        for cid, user_id in self._journal.load_users():
            self._collections[cid].users[user_id] = UserRecord(user_id)
        for collection in self._collections.values():
            for face in sorted(collection.faces.values(), key=lambda f: f.face_id):
                if face.user_id is not None:
                    collection.users[face.user_id].face_ids.append(face.face_id)
        for cid, operation, token, record in self._journal.load_tokens():
            self._collections[cid].tokens[(operation, token)] = record

    def close(self) -> None:
        with self.lock:
            self._journal.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock; commit the journal if the block succeeds, otherwise roll back the
        journal and undo memory. A nested transaction joins the outer one."""
        with self.lock:
            if self._undo is not None:
                yield
                return
            self._undo = []
            try:
                yield
                self._journal.commit()
            except BaseException:
                self._rollback()
                raise
            finally:
                self._undo = None

    def _rollback(self) -> None:
        undo, self._undo = self._undo or [], None
        try:
            self._journal.rollback()
        finally:
            for step in reversed(undo):
                step()

    def _changed(self, undo: Callable[[], object]) -> None:
        """Record how to reverse a memory change that has just been made."""
        if self._undo is None:
            raise RuntimeError("Store mutations must run inside Store.transaction()")
        self._undo.append(undo)

    # --- reads -------------------------------------------------------------------------------

    def collection(self, collection_id: str) -> Collection | None:
        return self._collections.get(collection_id)

    def collection_ids(self) -> list[str]:
        return sorted(self._collections)

    # --- mutations (call inside transaction(); journal first, then memory) --------------------

    def create_collection(self, collection_id: str) -> Collection:
        collection = Collection(collection_id, time.time())
        self._journal.add_collection(collection_id, collection.created)
        self._collections[collection_id] = collection
        self._changed(lambda: self._collections.pop(collection_id))
        return collection

    def delete_collection(self, collection_id: str) -> None:
        self._journal.delete_collection(collection_id)
        collection = self._collections.pop(collection_id)
        self._changed(lambda: self._collections.__setitem__(collection_id, collection))

    def add_faces(self, collection: Collection, faces: Iterable[FaceRecord]) -> None:
        added = list(faces)
        self._journal.add_faces(collection.collection_id, added)
        for face in added:
            collection.faces[face.face_id] = face

        def undo() -> None:
            for face in added:
                collection.faces.pop(face.face_id, None)

        self._changed(undo)

    def delete_face(self, collection: Collection, face_id: str) -> None:
        self._journal.delete_face(collection.collection_id, face_id)
        face = collection.faces.pop(face_id)
        self._changed(lambda: collection.faces.__setitem__(face_id, face))

    def create_user(self, collection: Collection, user_id: str) -> None:
        self._journal.add_user(collection.collection_id, user_id)
        collection.users[user_id] = UserRecord(user_id)
        collection.invalidate()

        def undo() -> None:
            collection.users.pop(user_id)
            collection.invalidate()

        self._changed(undo)

    def import_user(
        self, collection: Collection, user_id: str, faces: Iterable[FaceRecord] = ()
    ) -> None:
        """Create a user together with new faces already associated: bulk set-up in one step."""
        owned = list(faces)
        for face in owned:
            face.user_id = user_id
        self.create_user(collection, user_id)
        self.add_faces(collection, owned)
        collection.users[user_id].face_ids.extend(face.face_id for face in owned)
        collection.invalidate()  # undoing create_user drops the user and its face list

    def delete_user(self, collection: Collection, user_id: str) -> None:
        for face_id in list(collection.users[user_id].face_ids):
            self.disassociate(collection, user_id, face_id)
        self._journal.delete_user(collection.collection_id, user_id)
        user = collection.users.pop(user_id)
        collection.invalidate()

        def undo() -> None:
            collection.users[user_id] = user
            collection.invalidate()

        self._changed(undo)

    def associate(self, collection: Collection, user_id: str, face_id: str) -> None:
        self._journal.set_face_user(collection.collection_id, face_id, user_id)
        user, face = collection.users[user_id], collection.faces[face_id]
        previous = face.user_id
        user.face_ids.append(face_id)
        face.user_id = user_id
        collection.invalidate()

        def undo() -> None:
            user.face_ids.pop()
            face.user_id = previous
            collection.invalidate()

        self._changed(undo)

    def disassociate(self, collection: Collection, user_id: str, face_id: str) -> None:
        self._journal.set_face_user(collection.collection_id, face_id, None)
        user, face = collection.users[user_id], collection.faces[face_id]
        position = user.face_ids.index(face_id)
        del user.face_ids[position]
        face.user_id = None
        collection.invalidate()

        def undo() -> None:
            user.face_ids.insert(position, face_id)
            face.user_id = user_id
            collection.invalidate()

        self._changed(undo)

    def remember_token(
        self, collection: Collection, operation: str, token: str, record: TokenRecord
    ) -> None:
        self._journal.add_token(collection.collection_id, operation, token, record)
        key = (operation, token)
        previous = collection.tokens.get(key)
        collection.tokens[key] = record

        def undo() -> None:
            if previous is None:
                collection.tokens.pop(key, None)
            else:
                collection.tokens[key] = previous

        self._changed(undo)
