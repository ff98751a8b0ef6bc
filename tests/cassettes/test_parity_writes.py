"""Parity never writes outside what it creates, whatever the cassette asks for.

A two-interaction cassette that deletes a user and then the collection `keep-me` is re-sent
to a real `serve` process holding exactly that collection: nothing of it may change, the run
must say the writes were left out (exit 2), and `cassettes lint` must flag them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from conformance.cli import main
from conformance.reference.server import ReferenceServer
from tests.reference.conftest import make_client
from tests.serving import running_serve


def _interaction(operation: str, body: str, answer: str, status: int = 200) -> str:
    """One recorded exchange in vcrpy's cassette layout."""
    return f"""\
- request:
    body: '{body}'
    headers:
      Content-Type: [application/x-amz-json-1.1]
      X-Amz-Target: [RekognitionService.{operation}]
    method: POST
    uri: https://rekognition.us-east-1.amazonaws.com/
  response:
    body: {{string: '{answer}'}}
    headers:
      Content-Type: [application/x-amz-json-1.1]
    status: {{code: {status}, message: OK}}
"""


HOSTILE = (
    "interactions:\n"
    + _interaction("DeleteUser", '{"CollectionId": "keep-me", "UserId": "precious"}', "{}")
    + _interaction("DeleteCollection", '{"CollectionId": "keep-me"}', '{"StatusCode": 200}')
    + "version: 1\n"
)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_parity_leaves_a_collection_it_did_not_create_alone(tmp_path: Path) -> None:
    cassette = tmp_path / "hostile.yaml"
    cassette.write_text(HOSTILE)
    with running_serve(stderr=subprocess.DEVNULL) as (_, url):
        client = make_client(url)
        client.create_collection(CollectionId="keep-me")
        client.create_user(CollectionId="keep-me", UserId="precious")
        parity = _cli("parity", "--cassette", str(cassette), "--endpoint-url", url)
        assert client.list_collections()["CollectionIds"] == ["keep-me"]
        users = client.list_users(CollectionId="keep-me")["Users"]
        assert [u["UserId"] for u in users] == ["precious"]
    assert parity.returncode == 2, parity.stdout + parity.stderr
    assert "2 recorded write(s) outside what parity creates" in parity.stderr
    assert "'keep-me', which the recording did not create" in parity.stderr
    assert "2 write(s) not sent" in parity.stdout
    assert "Traceback" not in parity.stderr

    linted = _cli("cassettes", "lint", str(cassette))
    assert linted.returncode == 1
    flagged = [line for line in linted.stdout.splitlines() if "write outside the recording" in line]
    assert len(flagged) == 2 and "DeleteCollection to collection 'keep-me'" in flagged[1]


MISSING = '{"__type": "ResourceNotFoundException", "Message": "no such collection"}'
PROBING = (
    "interactions:\n"
    + _interaction("DeleteUser", '{"CollectionId": "keep-me", "UserId": "precious"}', MISSING, 400)
    + "version: 1\n"
)


def test_a_write_the_recorded_target_answered_as_absent_goes_nowhere(tmp_path: Path) -> None:
    """The gate's availability probes write to collections that do not exist; such a recording
    lints clean and replays, to a fresh name that exists nowhere on the target either."""
    cassette = tmp_path / "probing.yaml"
    cassette.write_text(PROBING)
    linted = _cli("cassettes", "lint", str(cassette))
    assert "write outside the recording" not in linted.stdout, linted.stdout
    with running_serve(stderr=subprocess.DEVNULL) as (_, url):
        client = make_client(url)
        client.create_collection(CollectionId="keep-me")
        client.create_user(CollectionId="keep-me", UserId="precious")
        parity = _cli("parity", "--cassette", str(cassette), "--endpoint-url", url)
        users = client.list_users(CollectionId="keep-me")["Users"]
        assert [u["UserId"] for u in users] == ["precious"]
        assert client.list_collections()["CollectionIds"] == ["keep-me"]
    assert parity.returncode == 0, parity.stdout + parity.stderr
    assert "not sent" not in parity.stdout


def _collections(url: str) -> list[str]:
    found: list[str] = make_client(url).list_collections()["CollectionIds"]
    return found


def test_parity_prints_its_plan_honours_the_budget_and_deletes_what_it_created(
    gate_cassette: Path, capsys: Any
) -> None:
    with ReferenceServer(quiet=True) as server:
        make_client(server.url).create_collection(CollectionId="theirs")
        args = ["parity", "--cassette", str(gate_cassette), "--endpoint-url", server.url]
        assert main([*args, "--max-requests", "40"]) == 2
        assert _collections(server.url) == ["theirs"]  # the run's own was deleted
        seen = server.store.collection("theirs")
        assert seen is not None and not seen.faces and not seen.users
    captured = capsys.readouterr()
    assert "total: " in captured.err and "budget 40" in captured.err
    assert "request budget of 40 spent" in captured.out
