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
TABLES = frozenset({"collections", "faces", "users", "tokens"})
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
    if application_id == APPLICATION_ID or (application_id == 0 and tables in (TABLES, set())):
        return
    raise StateError(
        f"state file {str(path)!r} belongs to something else"
        f" (application id {application_id}, tables {', '.join(sorted(tables)) or 'none'});"
        " refusing to touch it"
    )


def _inspect(path: Path) -> tuple[int, set[str]]:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (application_id,) = db.execute("PRAGMA application_id").fetchone()
            tables = {
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                )
            }
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise StateError(f"cannot use state file {str(path)!r}: {exc}") from exc
    return int(application_id), tables
