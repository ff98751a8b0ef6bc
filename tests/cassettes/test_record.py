"""Recording: nothing secret reaches the file, whoever sent the request."""

from __future__ import annotations

from pathlib import Path

import boto3
import yaml

from conformance.cli import main
from conformance.recording import lint, use_cassette
from conformance.reference.server import ReferenceServer
from conformance.transport import Transport, TransportSettings

from .conftest import ACCESS_KEY, CREDENTIALS, SECRET_KEY, SESSION_TOKEN


def test_a_recording_holds_no_credential_of_any_client(
    tmp_path: Path, server: ReferenceServer, wire: list[dict[str, str]]
) -> None:
    path = tmp_path / "secrets.yaml"
    with use_cassette(path, mode="all"):
        transport = Transport(TransportSettings(endpoint_url=server.url), CREDENTIALS)
        transport.call("CreateCollection", {"CollectionId": "c1"})
        transport.call("SearchUsers", {"CollectionId": "c1", "UserId": "nobody"})
        client = boto3.client(
            "rekognition",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=SESSION_TOKEN,
        )
        assert client.list_collections()["CollectionIds"] == ["c1"]
    text = path.read_text()
    # the requests really carried the credentials...
    assert len(wire) == 3
    assert all(ACCESS_KEY in h["Authorization"] and h["X-Amz-Security-Token"] for h in wire)
    assert "amz-sdk-invocation-id" in wire[-1]  # boto3's own request, with its session id
    # ...and none of it, nor any signing header value, reached the file
    forbidden = {ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, SESSION_TOKEN[:24]}
    for headers in wire:
        forbidden |= {headers["Authorization"], headers["X-Amz-Security-Token"]}
        forbidden |= {headers["X-Amz-Date"], headers.get("amz-sdk-invocation-id", "")} - {""}
        signature = headers["Authorization"].rsplit("Signature=", 1)[1]
        forbidden.add(signature)
    assert not [secret for secret in forbidden if secret in text]
    assert "authorization" not in text.lower() and "security-token" not in text.lower()
    assert lint(path) == []
    # and what was recorded is still a faithful exchange
    interactions = yaml.safe_load(text)["interactions"]
    assert [i["request"]["headers"]["X-Amz-Target"] for i in interactions] == [
        ["RekognitionService.CreateCollection"],
        ["RekognitionService.SearchUsers"],
        ["RekognitionService.ListCollections"],
    ]


def test_record_command_writes_the_gate_and_refuses_to_overwrite(
    gate_cassette: Path, capsys: object
) -> None:
    before = gate_cassette.read_bytes()
    assert main(["record", "--cassette", str(gate_cassette)]) == 4
    assert gate_cassette.read_bytes() == before
    meta = yaml.safe_load(before)["metadata"]
    assert meta["recorded_exit_code"] == 0 and "embedded reference" in meta["source"]
    assert lint(gate_cassette) == []


def test_overwrite_replaces_only_after_a_complete_run(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("precious: data\n")
    # options that cannot work together fail before anything is touched
    assert main(["record", "--cassette", str(path), "--overwrite", "--read-only"]) == 4
    assert path.read_text() == "precious: data\n"
    assert not (tmp_path / "old.yaml.partial").exists()
    assert main(["record", "--cassette", str(path), "--overwrite", "--max-examples", "2"]) == 0
    assert yaml.safe_load(path.read_text())["interactions"]


def test_record_refuses_a_non_yaml_destination(tmp_path: Path) -> None:
    assert main(["record", "--cassette", str(tmp_path / "x.txt")]) == 4
    assert not (tmp_path / "x.txt").exists()
