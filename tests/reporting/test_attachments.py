"""Reproductions of image requests: the bytes go to a file beside the snippet, and the snippet
run from that folder sends exactly those bytes (against a real reference, through boto3)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3

from conformance.reference.faces import person_image
from conformance.reference.server import ReferenceServer
from conformance.reporting.files import write_reports
from conformance.reporting.reproduce import Endpoint, reproduce
from conformance.results import RunSettings
from conformance.rules.base import Finding, RuleVerdict, Status
from tests.reporting.conftest import make_exchange, make_result, make_rule

IMAGE = person_image(301)
FILE = "exchange-7-image-bytes.png"


def image_exchange(collection: str = "c1", *, replayed: bool = False) -> Any:
    """A SearchUsersByImage exchange as a live run logs it (bytes) or a replay (base64 text)."""
    encoded = base64.b64encode(IMAGE).decode()
    bytes_value: Any = encoded if replayed else IMAGE
    params = {"CollectionId": collection, "Image": {"Bytes": bytes_value}, "MaxUsers": 3}
    wire = {"CollectionId": collection, "Image": {"Bytes": encoded}, "MaxUsers": 3}
    return make_exchange(
        params, operation="SearchUsersByImage", body=json.dumps(wire).encode(), index=7
    )


def test_image_bytes_are_a_file_not_a_megabyte_of_escapes() -> None:
    repro = reproduce(image_exchange(), Endpoint("http://127.0.0.1:4566"))
    encoded = base64.b64encode(IMAGE).decode()
    assert not repro.raw and repro.boto3 is not None
    assert [(a.name, a.data, a.what) for a in repro.attachments] == [(FILE, IMAGE, "Image.Bytes")]
    text = repro.text()
    assert encoded[:40] not in text and "\\x89PNG" not in text
    assert f"open('{FILE}', 'rb').read()" in repro.boto3
    assert f"$(base64 < {FILE} | tr -d '\\n')" in repro.shell
    assert f"{FILE} ({len(IMAGE):,} bytes: the request's Image.Bytes)" in text
    assert repro.to_dict()["files"] == [
        {"name": FILE, "path": f"reproductions/{FILE}", "bytes": len(IMAGE), "what": "Image.Bytes"}
    ]


def test_a_replayed_exchange_gets_the_same_file() -> None:
    """Cassettes hold the wire's base64: decoded, it is the same image file."""
    repro = reproduce(image_exchange(replayed=True), Endpoint("http://127.0.0.1:4566"))
    assert [(a.name, a.data) for a in repro.attachments] == [(FILE, IMAGE)]


def test_short_blobs_stay_inline() -> None:
    params = {"CollectionId": "c1", "Image": {"Bytes": b"not an image"}}
    wire = {"CollectionId": "c1", "Image": {"Bytes": base64.b64encode(b"not an image").decode()}}
    exchange = make_exchange(params, operation="SearchUsersByImage", body=json.dumps(wire).encode())
    repro = reproduce(exchange, Endpoint("http://127.0.0.1:4566"))
    assert repro.attachments == () and "b'not an image'" in (repro.boto3 or "")


def test_a_large_raw_body_is_sent_from_a_file() -> None:
    body = json.dumps({"CollectionId": "c1", "Image": {"Bytes": 12345}, "pad": "x" * 5000})
    exchange = make_exchange(None, operation="SearchUsersByImage", body=body.encode(), index=9)
    repro = reproduce(exchange, Endpoint("http://127.0.0.1:4566"))
    assert repro.raw and "--data-binary @exchange-9-body.json" in repro.shell
    assert "open('exchange-9-body.json', 'rb').read()" in (repro.python or "")
    assert [a.data for a in repro.attachments] == [body.encode()]
    assert "x" * 100 not in repro.text()


def test_the_reports_write_the_file_and_the_snippets_run_from_there(tmp_path: Path) -> None:
    """End to end: the file the report writes, read by the printed boto3 snippet and by the
    printed CLI JSON, reaches a real reference and finds the pictured user."""
    with ReferenceServer(quiet=True) as server:
        client = boto3.client(
            "rekognition",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_collection(CollectionId="pics")
        record = client.index_faces(CollectionId="pics", Image={"Bytes": IMAGE})
        client.create_user(CollectionId="pics", UserId="pictured")
        face = record["FaceRecords"][0]["Face"]["FaceId"]
        client.associate_faces(CollectionId="pics", UserId="pictured", FaceIds=[face])

        exchange = image_exchange("pics")
        finding = Finding(False, "made up for the test", (exchange,))
        verdict = RuleVerdict(make_rule("results.order"), Status.FAIL, violations=[finding])
        result = make_result([verdict], settings=RunSettings(endpoint_url=server.url))
        reports = tmp_path / "reports"
        written = write_reports(result, reports)
        folder = reports / "reproductions"
        assert folder / FILE in written and (folder / FILE).read_bytes() == IMAGE
        shown = json.loads((reports / "report.json").read_text())
        [reproduction] = shown["rules"][0]["violations"][0]["reproductions"]
        assert reproduction["files"][0]["path"] == f"reproductions/{FILE}"
        assert base64.b64encode(IMAGE).decode()[:40] not in json.dumps(reproduction)

        repro = reproduce(exchange, Endpoint(server.url, loopback_credentials=True))
        assert repro.boto3 is not None
        out = run_in(folder, [sys.executable, "-c", repro.boto3])
        assert "'UserId': 'pictured'" in out

    cli_json = repro.shell.split("--cli-input-json ", 1)[1].split(" --region", 1)[0]
    printed = run_in(folder, ["sh", "-c", f"printf %s {cli_json}"])
    assert json.loads(printed)["Image"] == {"Bytes": base64.b64encode(IMAGE).decode()}


def run_in(folder: Path, argv: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout
