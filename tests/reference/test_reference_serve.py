"""`searchusers-conformance serve` as a real process: URL line, SIGTERM, --state, faults."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.reference import faces

from ..serving import running_serve
from .conftest import make_client


@contextmanager
def serve(*args: str) -> Iterator[str]:
    """SIGTERM (what `running_serve` sends) must end the server cleanly: exit 0, no traceback."""
    with running_serve(*args, stderr=subprocess.PIPE) as (process, url):
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    assert process.returncode == 0
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_serve_subprocess_answers_boto3_and_logs(tmp_path: Path) -> None:
    with serve() as url:
        client = make_client(url)
        client.create_collection(CollectionId="proc")
        assert client.list_collections()["CollectionIds"] == ["proc"]


def test_state_survives_restart(tmp_path: Path) -> None:
    state = str(tmp_path / "state.sqlite")
    with serve("--state", state) as url:
        client = make_client(url)
        client.create_collection(CollectionId="kept")
        face_id = client.index_faces(CollectionId="kept", Image={"Bytes": faces.person_image(1)})[
            "FaceRecords"
        ][0]["Face"]["FaceId"]
        client.create_user(CollectionId="kept", UserId="u", ClientRequestToken="tok")
        client.associate_faces(CollectionId="kept", UserId="u", FaceIds=[face_id])
        client.create_user(CollectionId="kept", UserId="empty")
        probe = client.index_faces(
            CollectionId="kept", Image={"Bytes": faces.person_image(1, variant=0.1)}
        )["FaceRecords"][0]["Face"]["FaceId"]
        before = client.search_users(CollectionId="kept", FaceId=probe)["UserMatches"]
    with serve("--state", state) as url:
        client = make_client(url)
        assert client.describe_collection(CollectionId="kept")["FaceCount"] == 2
        users = client.list_users(CollectionId="kept")["Users"]
        assert users == [
            {"UserId": "empty", "UserStatus": "CREATED"},
            {"UserId": "u", "UserStatus": "ACTIVE"},
        ]
        assert client.search_users(CollectionId="kept", FaceId=probe)["UserMatches"] == before
        assert before and before[0]["User"]["UserId"] == "u"
        # the idempotency record survived too: replay, not ConflictException
        client.create_user(CollectionId="kept", UserId="u", ClientRequestToken="tok")


def test_seed_demo(tmp_path: Path) -> None:
    with serve("--seed-demo") as url:
        client = make_client(url)
        users = {
            u["UserId"]: u["UserStatus"] for u in client.list_users(CollectionId="demo")["Users"]
        }
        assert users == {"alice": "ACTIVE", "bob": "ACTIVE", "carol": "ACTIVE", "dave": "CREATED"}
        matches = client.search_users(CollectionId="demo", UserId="alice", UserMatchThreshold=0)
        assert "alice" not in [m["User"]["UserId"] for m in matches["UserMatches"]]


def test_serve_with_fault_over_subprocess() -> None:
    with serve("--fault", "wrong-content-type") as url:
        response = make_client(url).list_collections()
        assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/json"


def test_unknown_fault_is_a_usage_error(capsys: Any) -> None:
    assert main(["serve", "--fault", "no-such-fault"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-fault" in err[0]


def test_bad_port_is_a_usage_error(capsys: Any) -> None:
    assert main(["serve", "--port", "70000"]) == 4
    assert "--port" in capsys.readouterr().err


def test_list_faults(capsys: Any) -> None:
    assert main(["serve", "--list-faults"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert {"unordered-results", "ignore-max-users", "wrong-content-type"} <= set(names)


@pytest.mark.parametrize("flag", ["--help"])
def test_help_mentions_state(flag: str, capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["serve", flag])
    assert "--state" in capsys.readouterr().out


def test_state_file_that_is_not_a_database(tmp_path: Path, capsys: Any) -> None:
    bogus = tmp_path / "state.sqlite"
    bogus.write_bytes(b"this is not sqlite" * 100)
    assert main(["serve", "--state", str(bogus)]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "state file" in err[0]


def test_state_in_missing_directory(tmp_path: Path, capsys: Any) -> None:
    assert main(["serve", "--state", str(tmp_path / "no" / "such" / "dir.sqlite")]) == 4
    assert "state file" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        url = process.stdout.readline().strip()
        make_client(url).list_collections()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        err = process.stderr.read()
        assert "interrupted" in err and "Traceback" not in err
        assert "ListCollections 200" in err  # one log line per request
    finally:
        if process.poll() is None:
            process.kill()
