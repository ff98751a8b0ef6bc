"""Is a `--state` file ours? Decided by reading it, before anything in it is changed.

Opening another application's SQLite database the usual way would switch it to WAL and add our
tables before any error showed. So a file is inspected read-only first and adopted only when it
is empty (new), carries our application id, or holds exactly our tables (files written before
the id was stamped). Everything else is refused with one line, byte-identical.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conformance.reference.state_errors import StateError

APPLICATION_ID = 0x53554346  # "SUCF": PRAGMA application_id of every state file we create
COLUMNS = {
    "collections": frozenset({"id", "created"}),
    "faces": frozenset(
        {
            "collection",
            "face_id",
            "image_id",
            "external_image_id",
            "confidence",
            "contrast",
            "embedding",
            "user_id",
            "box",
        }
    ),
    "users": frozenset({"collection", "user_id"}),
    "tokens": frozenset({"collection", "operation", "token", "fingerprint", "response"}),
}
"""Every table and column a state file of any version of ours may hold."""
_SQLITE_HEADER = b"SQLite format 3\x00"


def check_ours(path: Path) -> None:
    """StateError unless `path` is missing, empty, or a reference-service state database."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(f"cannot read state file {str(path)!r}: {exc.strerror or exc}") from exc
    if not header:
        return
    if header != _SQLITE_HEADER:
        raise StateError(
            f"state file {str(path)!r} is not an SQLite database; refusing to touch it"
        )
    application_id, tables = _inspect(path)
    ours = all(columns <= COLUMNS.get(name, frozenset()) for name, columns in tables.items())
    if application_id == APPLICATION_ID or (application_id == 0 and ours):
        return
    raise StateError(
        f"state file {str(path)!r} belongs to something else"
        f" (application id {application_id}, tables {', '.join(sorted(tables)) or 'none'});"
        " refusing to touch it"
    )


def _inspect(path: Path) -> tuple[int, dict[str, set[str]]]:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (application_id,) = db.execute("PRAGMA application_id").fetchone()
            objects = list(
                db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
            )
            # We create tables only: an index, view or trigger of any name is someone else's.
            tables = {
                name: (
                    {row[1] for row in db.execute("SELECT * FROM pragma_table_info(?)", (name,))}
                    if kind == "table"
                    else {f"({kind})"}
                )
                for kind, name in objects
            }
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise StateError(f"cannot use state file {str(path)!r}: {exc}") from exc
    return int(application_id), tables
