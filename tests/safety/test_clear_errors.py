"""Hostile answers and bad options end in one line and "not verified" (exit 2), never a
traceback (whose exit 1 CI reads as "violations").

Everything runs as real `searchusers-conformance` processes against real loopback servers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.errors import UsageError
from tests.safety.conftest import Reply, ScriptedServer, error_line, run_cli

DEEP = b"[" * 100_000 + b"]" * 100_000
FAST = ["--max-examples", "2"]


def test_deeply_nested_json_from_a_target(scripted: ScriptedServer, tmp_path: Path) -> None:
    scripted.script = lambda op, body: Reply(200, DEEP) if op == "SearchUsers" else None
    done = run_cli(["run", "--endpoint-url", scripted.url, *FAST], tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    line = error_line(done.stderr)
    assert "SearchUsers answered JSON nested 100,000 levels deep" in line, line


def cassette(path: Path, response_body: str) -> Path:
    interaction = {
        "request": {
            "body": json.dumps({"CollectionId": "c", "UserId": "u"}),
            "headers": {"X-Amz-Target": ["RekognitionService.SearchUsers"]},
            "method": "POST",
            "uri": "https://rekognition.us-east-1.amazonaws.com/",
        },
        "response": {
            "body": {"string": response_body},
            "headers": {"Content-Type": ["application/x-amz-json-1.1"]},
            "status": {"code": 200, "message": "OK"},
        },
    }
    path.write_text(json.dumps({"interactions": [interaction], "version": 1}))  # JSON is YAML
    return path


def test_deeply_nested_json_in_a_cassette(tmp_path: Path) -> None:
    path = cassette(tmp_path / "deep.yaml", DEEP.decode())
    done = run_cli(["run", "--cassette", str(path)], tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    line = error_line(done.stderr)
    assert "interaction 1 response body is JSON nested 100,000 levels deep" in line, line


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://127.0.0.1:abc", "http://[::1"])
def test_malformed_endpoint_url(url: str, tmp_path: Path) -> None:
    done = run_cli(["run", "--endpoint-url", url], tmp_path)
    assert done.returncode == UsageError.exit_code, done.stderr[-2000:]
    line = error_line(done.stderr)
    assert f"--endpoint-url {url!r} is not a valid URL" in line, line


def test_whitespace_body_is_not_called_empty(bare: ScriptedServer, tmp_path: Path) -> None:
    bare.script = lambda op, body: Reply(500, b" \n" * 500_000)
    done = run_cli(["run", "--endpoint-url", bare.url, *FAST], tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    line = error_line(done.stderr)
    assert "a body of 1,000,000 bytes of whitespace only" in line, line
    assert "empty" not in line


def test_a_cassette_body_beyond_the_limit(tmp_path: Path) -> None:
    path = cassette(tmp_path / "huge.yaml", " " * (21 * 1024 * 1024))
    done = run_cli(["run", "--cassette", str(path)], tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    line = error_line(done.stderr)
    assert "interaction 1 response body is larger than 20 MiB: cannot be judged" in line, line
