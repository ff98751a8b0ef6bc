"""Installed in a project that does not test Rekognition, the package changes none of its
cassettes: recorded and replayed with our plugins they are what vcrpy and pytest-recording alone
make of them.

The project lives in a temporary folder with its own tests, ini file and cassettes, and runs in a
pytest subprocess, as someone else's suite would: plain HTTP with a bearer token, cookies, an
account id and a gzip body, and another AWS JSON service (DynamoDB PutItem with a fresh id, so
its body differs at every run).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_TESTS = """
import gzip
import json
import os
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config

URL = os.environ["APP_URL"]


def observe(name, value):
    with open(os.environ["OBSERVED"], "a") as out:
        out.write(json.dumps({name: value}, sort_keys=True, default=str) + "\\n")


@pytest.mark.vcr
def test_profile():
    request = urllib.request.Request(
        URL + "/profile?X-Amz-Credential=AKIAZ7QX3MHFS6TQ4WJP%2F20240101&X-Amz-Signature=abc123",
        headers={"Authorization": "Bearer tok-2b7e151628aed2a6", "Cookie": "session=old"},
    )
    with urllib.request.urlopen(request) as answer:
        headers, body = dict(answer.headers), answer.read()
    observe("profile", {"headers": headers, "body": body.hex()})
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Set-Cookie"].startswith("session=")
    assert json.loads(gzip.decompress(body))["arn"] == "arn:aws:iam::210987654321:user/app"


@pytest.mark.vcr
def test_put_item():
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id="AKIAZ7QX3MHFS6TQ4WJP",
        aws_secret_access_key="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",
        config=Config(retries={"max_attempts": 0}),
    )
    answer = dynamodb.put_item(TableName="orders", Item={"id": {"S": str(uuid.uuid4())}})
    observe("put_item", answer)
    assert answer["Attributes"]["owner"]["S"] == "arn:aws:iam::210987654321:user/app"
"""

PROFILE = json.dumps(
    {"arn": "arn:aws:iam::210987654321:user/app", "AccessKeyId": "AKIAZ7QX3MHFS6TQ4WJQ"}
).encode()
PUT_ITEM = json.dumps(
    {"Attributes": {"owner": {"S": "arn:aws:iam::210987654321:user/app"}}}
).encode()


class App(BaseHTTPRequestHandler):
    """The project's backend: fixed answers and fixed Date/Server headers, so two recordings of
    the same test are comparable."""

    def version_string(self) -> str:
        return "app/1.0"

    def date_time_string(self, timestamp: float | None = None) -> str:
        return "Mon, 01 Jan 2024 00:00:00 GMT"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = gzip.compress(PROFILE, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Set-Cookie", "session=9f8e7d; Path=/; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("x-amzn-RequestId", "R1")
        self.send_header("Content-Length", str(len(PUT_ITEM)))
        self.end_headers()
        self.wfile.write(PUT_ITEM)


@pytest.fixture
def app_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), App)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


WITHOUT_US = ("-p", "no:searchusers_conformance", "-p", "no:searchusers_conformance_vcr")


def make_project(root: Path) -> Path:
    root.mkdir()
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "test_app.py").write_text(PROJECT_TESTS)
    return root


def run_project(project: Path, url: str, *args: str) -> list[dict[str, Any]]:
    """Run the project's suite in a fresh interpreter; returns what its tests observed."""
    observed = project / "observed.jsonl"
    observed.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AWS_"))}
    env.update(APP_URL=url, OBSERVED=str(observed))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return [json.loads(line) for line in observed.read_text().splitlines()]


# botocore lists User-Agent feature codes in set order, which changes with hash randomisation
VOLATILE = {"authorization", "x-amz-date", "amz-sdk-invocation-id", "amz-sdk-request", "user-agent"}


def comparable(cassette: Path) -> Any:
    """The cassette with what changes at every run (signatures, dates, ids) blanked out."""
    data = yaml.safe_load(cassette.read_text())
    for interaction in data["interactions"]:
        request = interaction["request"]
        request["headers"] = {
            name: ["<varies>"] if name.lower() in VOLATILE else values
            for name, values in request["headers"].items()
        }
        if "DynamoDB" in str(request["headers"].get("X-Amz-Target")):
            request["body"] = "<fresh id>"
    return data


def test_recordings_and_replays_are_untouched_by_our_plugins(tmp_path: Path, app_url: str) -> None:
    bare, ours = make_project(tmp_path / "bare"), make_project(tmp_path / "ours")
    run_project(bare, app_url, "--record-mode", "once", *WITHOUT_US)
    run_project(ours, app_url, "--record-mode", "once")
    for name in ("test_profile.yaml", "test_put_item.yaml"):
        recorded = comparable(bare / "cassettes" / "test_app" / name)
        assert comparable(ours / "cassettes" / "test_app" / name) == recorded, name
    # replays: record mode none and the network blocked, so every answer comes from the cassette
    without = run_project(bare, app_url, "--block-network", *WITHOUT_US)
    with_us = run_project(bare, app_url, "--block-network")
    assert len(with_us) == 2 and with_us == without
