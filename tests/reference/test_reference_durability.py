"""The `--state` file: nothing acknowledged is lost, one process per file, foreign files untouched.

Through real `serve` processes and unmodified boto3 (standard retries, so a retry after a 500
is exactly what a real client does). A full volume is made real with RLIMIT_FSIZE, the kernel's
per-process file size cap, set on the running server with prlimit: past it every write of the
journal fails with EFBIG just as on a full disk, whoever the user is (root ignores file
permissions, so a read-only chmod would prove nothing here).
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.cli import main
from conformance.errors import EXIT_USAGE
from conformance.reference import operations
from conformance.reference.faces import person_image
from conformance.reference.persistence import NullJournal, StateWriteError
from conformance.reference.store import Store

from ..serving import running_serve
from .conftest import make_client


def retrying_client(url: str) -> Any:
    return make_client(url, attempts=2)


def all_users(client: Any, collection: str) -> set[str]:
    pages = client.get_paginator("list_users").paginate(CollectionId=collection)
    return {user["UserId"] for page in pages for user in page["Users"]}


def test_acknowledged_writes_survive_a_full_volume(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    acknowledged: list[str] = []
    refused = 0
    with running_serve("--state", str(state), stderr=subprocess.DEVNULL) as (process, url):
        client = retrying_client(url)
        client.create_collection(CollectionId="kept")
        for number in range(3):
            client.create_user(CollectionId="kept", UserId=f"early-{number}")
            acknowledged.append(f"early-{number}")
        used = sum(f.stat().st_size for f in tmp_path.iterdir())
        # Room for a few more commits, then the volume is "full" for this process.
        resource.prlimit(
            process.pid, resource.RLIMIT_FSIZE, (used + 16_384, resource.RLIM_INFINITY)
        )
        for number in range(12):
            user = f"late-{number}"  # boto3 fills ClientRequestToken: retries reuse it
            try:
                client.create_user(CollectionId="kept", UserId=user)
                acknowledged.append(user)
            except ClientError as error:
                assert error.response["Error"]["Code"] == "InternalServerError"
                refused += 1
        served = all_users(client, "kept")
    with running_serve("--state", str(state), stderr=subprocess.DEVNULL) as (_, url):
        restored = all_users(retrying_client(url), "kept")
    assert len(restored) < 3 + 12, "the file size cap never made a write fail: proves nothing"
    assert set(acknowledged) <= restored, f"acknowledged, then lost: {set(acknowledged) - restored}"
    assert refused == 3 + 12 - len(restored)  # every write not saved was answered as such
    assert served == restored  # memory never showed what the file did not hold


class _CommitFails(NullJournal):
    """In-process stand-in for a journal whose commit fails (the disk filled meanwhile)."""

    failing = False

    def commit(self) -> None:
        if self.failing:
            raise StateWriteError("the state file could not be written: disk full")


def _snapshot(store: Store) -> Any:
    return {
        cid: (
            {f.face_id: f.user_id for f in c.faces.values()},
            {u.user_id: list(u.face_ids) for u in c.users.values()},
            dict(c.tokens),
        )
        for cid in store.collection_ids()
        if (c := store.collection(cid)) is not None
    }


def test_every_failed_write_leaves_memory_as_it_was() -> None:
    store = Store()
    journal = _CommitFails()
    store._journal = journal
    call = {name: getattr(operations, name) for name in dir(operations)}

    def index(seed: int) -> str:
        image = {"Bytes": person_image(seed)}
        result = call["index_faces"](store, {"CollectionId": "c", "Image": image})
        face_id: str = result["FaceRecords"][0]["Face"]["FaceId"]
        return face_id

    call["create_collection"](store, {"CollectionId": "c"})
    kept = [index(1), index(1), index(2)]
    call["create_user"](store, {"CollectionId": "c", "UserId": "u", "ClientRequestToken": "t"})
    call["associate_faces"](
        store, {"CollectionId": "c", "UserId": "u", "FaceIds": kept[:2], "UserMatchThreshold": 0}
    )
    writes: list[tuple[str, dict[str, Any]]] = [
        ("create_collection", {"CollectionId": "d"}),
        ("index_faces", {"CollectionId": "c", "Image": {"Bytes": person_image(3)}}),
        ("create_user", {"CollectionId": "c", "UserId": "v", "ClientRequestToken": "t2"}),
        (
            "associate_faces",
            {
                "CollectionId": "c",
                "UserId": "u",
                "FaceIds": [kept[2]],
                "UserMatchThreshold": 0,
                "ClientRequestToken": "t3",
            },
        ),
        ("disassociate_faces", {"CollectionId": "c", "UserId": "u", "FaceIds": [kept[0]]}),
        ("delete_faces", {"CollectionId": "c", "FaceIds": [kept[2]]}),
        ("delete_user", {"CollectionId": "c", "UserId": "u"}),
        ("delete_collection", {"CollectionId": "c"}),
    ]
    journal.failing = True
    for name, params in writes:
        before = _snapshot(store)
        with pytest.raises(StateWriteError):
            call[name](store, params)
        assert _snapshot(store) == before, name
    journal.failing = False
    for name, params in writes:  # and once the disk has room again, each write goes through
        call[name](store, params)
    assert store.collection_ids() == ["d"]


def test_second_serve_on_one_state_file_refuses_naming_the_holder(tmp_path: Path) -> None:
    state = str(tmp_path / "state.sqlite")
    with running_serve("--state", state, stderr=subprocess.DEVNULL) as (first, url):
        second = subprocess.run(
            [sys.executable, "-m", "conformance", "serve", "--port", "0", "--state", state],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == EXIT_USAGE
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and f"pid {first.pid}" in lines[0], second.stderr
        retrying_client(url).create_collection(CollectionId="still-mine")
    with running_serve("--state", state, stderr=subprocess.DEVNULL) as (_, url):  # lock freed
        assert retrying_client(url).list_collections()["CollectionIds"] == ["still-mine"]


def _foreign_sqlite(path: Path, table: str) -> None:
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute(f"INSERT INTO {table} (body) VALUES ('somebody else''s data')")
    db.commit()
    db.close()


@pytest.mark.parametrize("kind", ["other-sqlite", "same-table-name", "not-sqlite"])
def test_a_state_file_that_is_not_ours_is_refused_untouched(
    tmp_path: Path, kind: str, capsys: Any
) -> None:
    foreign = tmp_path / "app.db"
    if kind != "not-sqlite":  # another app's "users" table must not pass for ours either
        _foreign_sqlite(foreign, "notes" if kind == "other-sqlite" else "users")
    else:
        foreign.write_bytes(b"plain text that merely sits where a state file could be\n" * 50)
    before = foreign.read_bytes()
    assert main(["serve", "--state", str(foreign)]) == EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refusing" in err[0] and "Traceback" not in err[0]
    assert foreign.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["app.db"]  # no -wal, -shm or lock left behind


def test_a_state_file_whose_rows_do_not_fit_is_one_line(tmp_path: Path, capsys: Any) -> None:
    state = tmp_path / "state.sqlite"
    Store(state).close()
    db = sqlite3.connect(state)
    db.execute("INSERT INTO users VALUES ('no-such-collection', 'u')")
    db.commit()
    db.close()
    assert main(["serve", "--state", str(state)]) == EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot load state file" in err[0]
