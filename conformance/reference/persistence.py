"""Where mutations go besides memory: nowhere (default) or an SQLite file (`--state PATH`).

The journal is write-only while the service runs; it is read once, at start-up, to rebuild the
in-memory state. Keeping SQLite out of the read path keeps searches as fast with `--state` as
without it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from conformance.reference.faces import Embedding
from conformance.reference.records import FaceRecord, TokenRecord
from conformance.reference.state_errors import StateError, StateWriteError
from conformance.reference.state_file import APPLICATION_ID, check_ours
from conformance.reference.state_lock import StateLock

__all__ = ["Journal", "NullJournal", "SqliteJournal", "StateError", "StateWriteError"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (id TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS faces (
    collection TEXT NOT NULL, face_id TEXT NOT NULL, image_id TEXT NOT NULL,
    external_image_id TEXT, confidence REAL NOT NULL, contrast REAL NOT NULL,
    embedding BLOB NOT NULL, user_id TEXT, box TEXT, PRIMARY KEY (collection, face_id));
CREATE TABLE IF NOT EXISTS users (
    collection TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (collection, user_id));
CREATE TABLE IF NOT EXISTS tokens (
    collection TEXT NOT NULL, operation TEXT NOT NULL, token TEXT NOT NULL,
    fingerprint TEXT NOT NULL, response TEXT NOT NULL,
    PRIMARY KEY (collection, operation, token));
"""


class Journal:
    """The no-op journal: the in-memory default. Subclasses persist each call."""

    def load_collections(self) -> list[tuple[str, float]]:
        return []

    def load_faces(self) -> list[tuple[str, FaceRecord]]:
        return []

    def load_users(self) -> list[tuple[str, str]]:
        return []

    def load_tokens(self) -> list[tuple[str, str, str, TokenRecord]]:
        return []

    def add_collection(self, collection_id: str, created: float) -> None:
        pass

    def delete_collection(self, collection_id: str) -> None:
        pass

    def add_faces(self, collection_id: str, faces: Iterable[FaceRecord]) -> None:
        pass

    def delete_face(self, collection_id: str, face_id: str) -> None:
        pass

    def add_user(self, collection_id: str, user_id: str) -> None:
        pass

    def delete_user(self, collection_id: str, user_id: str) -> None:
        pass

    def set_face_user(self, collection_id: str, face_id: str, user_id: str | None) -> None:
        pass

    def add_token(
        self, collection_id: str, operation: str, token: str, record: TokenRecord
    ) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass


NullJournal = Journal


class SqliteJournal(Journal):
    """Journal into one SQLite file; callers serialise access (the store's lock).

    The file is locked against a second serve process and checked to be ours before it is
    opened for writing. Every write or commit failure surfaces as StateWriteError.
    """

    def __init__(self, path: str | Path) -> None:
        check_ours(Path(path))  # before the lock, so a refused file gains no sidecar either
        self._lock = StateLock(path)
        try:
            check_ours(Path(path))  # again under the lock: it may have changed meanwhile
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            try:
                # WAL + NORMAL: a commit per request without an fsync per request; a crash can
                # lose the last transactions but never corrupts the file.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                self._add_box_column()
                self._db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                self._db.commit()
            except BaseException:
                self._db.close()
                raise
        except sqlite3.Error as exc:
            self._lock.release()
            raise StateError(f"cannot use state file {str(path)!r}: {exc}") from exc
        except BaseException:
            self._lock.release()
            raise

    def _write(self, sql: str, *rows: tuple[object, ...]) -> None:
        """One statement per row; any SQLite failure means nothing of the transaction is saved."""
        try:
            self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise StateWriteError(f"the state file could not be written: {exc}") from exc

    def _add_box_column(self) -> None:
        """State files written before scenes have no ``box`` (their faces are whole-image)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(faces)")}
        if "box" not in columns:
            self._db.execute("ALTER TABLE faces ADD COLUMN box TEXT")

    def load_collections(self) -> list[tuple[str, float]]:
        return list(self._db.execute("SELECT id, created FROM collections ORDER BY id"))

    def load_faces(self) -> list[tuple[str, FaceRecord]]:
        rows = self._db.execute(
            "SELECT collection, face_id, image_id, external_image_id, confidence, contrast,"
            " embedding, user_id, box FROM faces"
        )
        return [
            (
                cid,
                FaceRecord(
                    face_id=face_id,
                    image_id=image_id,
                    external_image_id=external,
                    confidence=confidence,
                    embedding=Embedding.from_bytes(blob, contrast),
                    user_id=user_id,
                    bounding_box=json.loads(box) if box else None,
                ),
            )
            for cid, face_id, image_id, external, confidence, contrast, blob, user_id, box in rows
        ]

    def load_users(self) -> list[tuple[str, str]]:
        return list(self._db.execute("SELECT collection, user_id FROM users"))

    def load_tokens(self) -> list[tuple[str, str, str, TokenRecord]]:
        rows = self._db.execute(
            "SELECT collection, operation, token, fingerprint, response FROM tokens"
        )
        return [(c, op, tok, TokenRecord(fp, resp)) for c, op, tok, fp, resp in rows]

    def add_collection(self, collection_id: str, created: float) -> None:
        self._write("INSERT INTO collections VALUES (?, ?)", (collection_id, created))

    def delete_collection(self, collection_id: str) -> None:
        for table, column in (
            ("collections", "id"),
            ("faces", "collection"),
            ("users", "collection"),
            ("tokens", "collection"),
        ):
            self._write(f"DELETE FROM {table} WHERE {column} = ?", (collection_id,))

    def add_faces(self, collection_id: str, faces: Iterable[FaceRecord]) -> None:
        self._write(
            "INSERT INTO faces (collection, face_id, image_id, external_image_id, confidence,"
            " contrast, embedding, user_id, box) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            *[
                (
                    collection_id,
                    f.face_id,
                    f.image_id,
                    f.external_image_id,
                    f.confidence,
                    f.embedding.contrast,
                    f.embedding.to_bytes(),
                    f.user_id,
                    json.dumps(f.bounding_box) if f.bounding_box else None,
                )
                for f in faces
            ],
        )

    def delete_face(self, collection_id: str, face_id: str) -> None:
        self._write(
            "DELETE FROM faces WHERE collection = ? AND face_id = ?", (collection_id, face_id)
        )

    def add_user(self, collection_id: str, user_id: str) -> None:
        self._write("INSERT INTO users VALUES (?, ?)", (collection_id, user_id))

    def delete_user(self, collection_id: str, user_id: str) -> None:
        self._write(
            "DELETE FROM users WHERE collection = ? AND user_id = ?", (collection_id, user_id)
        )

    def set_face_user(self, collection_id: str, face_id: str, user_id: str | None) -> None:
        self._write(
            "UPDATE faces SET user_id = ? WHERE collection = ? AND face_id = ?",
            (user_id, collection_id, face_id),
        )

    def add_token(
        self, collection_id: str, operation: str, token: str, record: TokenRecord
    ) -> None:
        self._write(
            "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, ?)",
            (collection_id, operation, token, record.fingerprint, record.response),
        )

    def commit(self) -> None:
        try:
            self._db.commit()
        except sqlite3.Error as exc:
            raise StateWriteError(f"the state file could not be written: {exc}") from exc

    def rollback(self) -> None:
        self._db.rollback()

    def close(self) -> None:
        try:
            self._db.close()
        finally:
            self._lock.release()
