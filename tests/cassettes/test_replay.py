"""Replay: offline, faithful to the live run, and clear about broken cassettes."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.config import RunConfig
from conformance.engine.replay import NetworkBlocked, network_blocked, replay
from conformance.errors import CassetteError
from conformance.recording import Interaction, load_exchanges, to_exchanges, use_cassette
from conformance.reference.server import ReferenceServer
from conformance.reporting.json_report import report_dict
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings
from tests.reference.conftest import make_client

from .conftest import SHIPPED, Recorded


@pytest.fixture
def sockets(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every socket created from here on (a replay must create none)."""
    created: list[Any] = []
    original = socket.socket.__init__

    def counting(self: socket.socket, *args: Any, **kwargs: Any) -> None:
        created.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "__init__", counting)
    return created


def test_replay_gives_the_live_verdicts_without_opening_a_socket(
    gate_recording: Recorded, sockets: list[Any]
) -> None:
    result = replay(RunConfig(cassette=gate_recording.path))
    assert sockets == []
    live = gate_recording.live
    assert {v.rule.id: v.status for v in result.verdicts} == {
        v.rule.id: v.status for v in live.verdicts
    }
    assert result.exit_code == 0 and len(result.exchanges) == len(live.exchanges)
    assert any(e.operation == "SearchUsers" for e in result.exchanges)


def test_replay_of_a_broken_recording_fails_the_gate(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    with ReferenceServer(quiet=True, faults=["unordered-results"]) as faulty:
        # the fault catalog's settings, with which it shows this fault caught
        argv = ["record", "--cassette", str(path), "--endpoint-url", faulty.url]
        assert main([*argv, "--max-examples", "5", "--seed", "1"]) in (1, 2)
    result = replay(RunConfig(cassette=path))
    assert result.exit_code == 1
    assert "results.order" in {v.rule.id for v in result.failing()}
    # the live run shrank a property example; a replay explores nothing, and says so alike
    assert result.falsified == ()
    assert report_dict(result)["falsified"] == []


def test_the_network_is_blocked_during_a_replay(server: ReferenceServer) -> None:
    with network_blocked(), pytest.raises(NetworkBlocked):
        urllib.request.urlopen(server.url, timeout=2)
    # and restored afterwards
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(server.url, timeout=2)


def test_vcr_matching_ignores_port_and_key_order_but_not_the_operation(
    tmp_path: Path, server: ReferenceServer, sockets: list[Any]
) -> None:
    path = tmp_path / "trap.yaml"
    with use_cassette(path, mode="all"):
        transport = Transport(TransportSettings(endpoint_url=server.url), LOOPBACK_CREDENTIALS)
        transport.call("CreateCollection", {"CollectionId": "c1"})
        searched = transport.call("SearchUsers", {"CollectionId": "c1", "UserId": "u"})
        listed = make_client(server.url).list_collections()
    sockets.clear()
    # another port, the operations in another order, members in another order
    with use_cassette(path):
        client = make_client("http://127.0.0.1:1")
        assert client.list_collections()["CollectionIds"] == listed["CollectionIds"]
        transport = Transport(
            TransportSettings(endpoint_url="http://127.0.0.1:2"), LOOPBACK_CREDENTIALS
        )
        again = transport.call_raw(b'{"UserId": "u", "CollectionId": "c1"}')
        assert again.json == searched.json and again.status == searched.status
    assert not [s for s in sockets if s and s[0] != socket.AF_UNIX]


def test_an_unrecorded_request_is_reported_as_such(tmp_path: Path) -> None:
    cassette = SHIPPED / "aws-example-search-users.yaml"
    transport = Transport(
        TransportSettings(endpoint_url="http://127.0.0.1:1"), LOOPBACK_CREDENTIALS
    )
    with (
        pytest.raises(
            CassetteError, match=r"holds no .*answer for POST RekognitionService\.SearchUsers"
        ),
        use_cassette(cassette),
    ):
        # MaxUsers 2.0 is not the recorded 2: types matter
        transport.call_raw(
            b'{"CollectionId": "MyCollection", "MaxUsers": 2.0, "UserId": "DemoUser",'
            b' "UserMatchThreshold": 70}'
        )


def _interaction(number: int, status: int, body: bytes = b'{"CollectionId": "c"}') -> Interaction:
    return Interaction(
        number,
        "POST",
        "https://rekognition.us-east-1.amazonaws.com/",
        {"x-amz-target": "RekognitionService.SearchUsers"},
        body,
        status,
        {"content-type": "application/x-amz-json-1.1"},
        b'{"__type": "ThrottlingException"}' if status != 200 else b'{"UserMatches": []}',
    )


def test_retries_of_a_throttled_request_fold_into_one_exchange() -> None:
    folded = to_exchanges(
        [_interaction(1, 400), _interaction(2, 400), _interaction(3, 200), _interaction(4, 200)]
    )
    assert [(e.status, e.attempts) for e in folded] == [(200, 3), (200, 1)]
    other = to_exchanges([_interaction(1, 400), _interaction(2, 200, b'{"CollectionId": "d"}')])
    assert [(e.status, e.attempts) for e in other] == [(400, 1), (200, 1)]


def _cut(source: Path, target: Path, share: float) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * share)])
    return target


OTHER_SERVICE = """interactions:
- request:
    body: '{"TableName": "t"}'
    headers:
      X-Amz-Target: [DynamoDB_20120810.DescribeTable]
    method: POST
    uri: https://dynamodb.us-east-1.amazonaws.com/
  response:
    body: {string: '{}'}
    headers: {}
    status: {code: 200, message: OK}
version: 1
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cassette not found"),
        ("", "is empty"),
        ("interactions: []\nversion: 1\n", "is empty"),
        ("interactions:\n- request: {method: POST\n", "not valid YAML"),
        ("just text\n", "not a vcrpy cassette"),
        ("interactions:\n- {}\nversion: 1\n", "interaction 1 has no request"),
        (OTHER_SERVICE, "holds no Rekognition requests"),
        (
            OTHER_SERVICE.replace(
                "DynamoDB_20120810.DescribeTable", "RekognitionService.ListCollections"
            ),
            "holds no SearchUsers or SearchUsersByImage exchange",
        ),
    ],
)
def test_bad_cassettes_give_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content)
    assert main(["run", "--cassette", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert any(message in line for line in err), err
    assert "Traceback" not in "\n".join(err)


@pytest.mark.parametrize("share", [0.5, 0.999])
def test_truncated_recordings_are_refused(
    gate_cassette: Path, tmp_path: Path, share: float
) -> None:
    cut = _cut(gate_cassette, tmp_path / "cut.yaml", share)
    with pytest.raises(CassetteError, match="truncated"):
        load_exchanges(cut)


def test_a_corrupt_cassette_fails_in_a_subprocess_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.yaml"
    path.write_bytes(b"interactions:\n  - request: [\x00\xff\n")
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--cassette", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and str(path) in errors[0] and "Traceback" not in done.stderr


def test_a_recording_that_was_not_verified_stays_not_verified(tmp_path: Path) -> None:
    text = (SHIPPED / "aws-example-search-users.yaml").read_text()
    path = tmp_path / "partial.yaml"
    path.write_text(text.replace("metadata:\n", "metadata:\n  recorded_exit_code: 2\n"))
    assert replay(RunConfig(cassette=path)).exit_code == 2
    assert replay(RunConfig(cassette=SHIPPED / "aws-example-search-users.yaml")).exit_code == 0


REFUSED = """- request:
    body: '{"CollectionId": "MyCollection", "UserId": "OtherUser"}'
    headers:
      X-Amz-Target:
      - RekognitionService.SearchUsers
    method: POST
    uri: https://rekognition.us-east-1.amazonaws.com/
  response:
    body:
      string: '{"__type": "AccessDeniedException", "Message": "not authorized"}'
    headers:
      Content-Type:
      - text/plain
    status:
      code: 400
      message: Bad Request
metadata:
"""


def test_a_replay_treats_refused_credentials_as_the_live_run_does(tmp_path: Path) -> None:
    """Refused answers are kept from the rules (a text/plain refusal would otherwise fail
    response.content-type) and make the run "not verified", as `engine.health` does live."""
    text = (SHIPPED / "aws-example-search-users.yaml").read_text()
    path = tmp_path / "refused.yaml"
    path.write_text(text.replace("metadata:\n", REFUSED, 1))
    result = replay(RunConfig(cassette=path))
    assert len(result.exchanges) == 2
    assert result.failing() == [] and result.exit_code == 2
    assert "refused 1 of 2 requests (AccessDeniedException x1)" in str(result.unverified_reason)


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_cassette_replays_to_a_conforming_verdict(path: Path) -> None:
    result = replay(RunConfig(cassette=path))
    assert result.exit_code == 0 and result.unverified_reason is None
    assert not [v for v in result.verdicts if v.status.value == "fail"]
    assert any(v.status.value == "pass" for v in result.verdicts)


def test_an_interrupted_replay_unpatches_http(server: ReferenceServer) -> None:
    with pytest.raises(KeyboardInterrupt), use_cassette(SHIPPED / "aws-example-search-users.yaml"):
        raise KeyboardInterrupt
    live = Transport(TransportSettings(endpoint_url=server.url), LOOPBACK_CREDENTIALS)
    assert live.call("ListCollections", {}).json["CollectionIds"] == []
