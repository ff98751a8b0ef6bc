"""Credentials in formats no pattern knows are still masked: the run masks what it used.

The hostile target is a real loopback server in front of the reference that echoes the
caller's key id, secret and an STS session token in a format none of the patterns match
(`AQoDYXdz...`) into every error message and into SearchUsers answers that break the contract
(so they become evidence in the reports). The CLI runs as a real process with those
credentials in its environment, as `aws` would find them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import yaml

from conformance.exchange import Exchange
from conformance.reporting.failures import EXCERPT_CHARS, response_text

from .conftest import Reply, ScriptedServer, clean_env, run_cli

KEY = "LKIAEMULATORKEY0000000042"  # not AKIA/ASIA-shaped: only the exact value can catch it
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLE00"
TOKEN = "AQoDYXdzEJr//////////wEaDOKz" + "Zm9yZWlnbi1zdHMtdG9rZW4+/=" * 12
ECHO = f"signed by {KEY} (secret {SECRET}) in session {TOKEN}"
SHIPPED = Path(__file__).resolve().parents[2] / "cassettes" / "aws-example-search-users.yaml"


def _leaks(text: str) -> list[str]:
    """Whole values, their encodings, and the first 12 characters a cut could leave behind."""
    forms = {v for value in (KEY, SECRET, TOKEN) for v in (value, quote(value, safe=""))}
    forms |= {value[:12] for value in (KEY, SECRET, TOKEN)}
    return sorted(form for form in forms if form in text)


def _echo(operation: str | None, reply: Reply) -> Reply:
    try:
        body = json.loads(reply.body)
    except ValueError:
        return reply
    if not isinstance(body, dict):
        return reply
    if reply.status >= 400:
        body["message"] = f"{body.get('message', '')} ({ECHO})"
    elif operation == "SearchUsers":
        body["FaceModelVersion"] = ECHO
        body["UserMatches"] = [
            {"Similarity": 101.5, "User": {"UserId": "echo", "UserStatus": "ACTIVE"}}
        ]
    return Reply(reply.status, json.dumps(body).encode(), reply.headers)


def _env() -> dict[str, str]:
    return clean_env(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN)


def test_credentials_echoed_by_a_target_reach_no_report_log_or_cassette(
    scripted: ScriptedServer, tmp_path: Path
) -> None:
    scripted.rewrite = _echo
    reports = tmp_path / "reports"
    common = ["--endpoint-url", scripted.url, "--max-examples", "2", "--max-requests", "120"]
    ran = run_cli(["run", *common, "--report-dir", str(reports)], tmp_path, _env())
    assert ran.returncode == 1, ran.stderr  # the broken Similarity is a violation
    assert any(KEY in auth for auth in scripted.authorizations)  # these credentials were used
    report = (reports / "report.json").read_text()
    assert "echo" in report  # the echoing answers are in the evidence...
    for name in ("report.json", "report.md", "junit.xml"):
        assert _leaks((reports / name).read_text()) == [], name  # ...but not the values
    assert _leaks(ran.stdout + ran.stderr) == []

    cassette = tmp_path / "echo.yaml"
    recorded = run_cli(["record", "--cassette", str(cassette), *common], tmp_path, _env())
    assert recorded.returncode == 1, recorded.stderr
    text = cassette.read_text()
    decoded = json.dumps(yaml.safe_load(text), default=lambda b: b.decode("latin-1"))
    assert "echo" in decoded
    assert _leaks(text) == [] and _leaks(decoded) == []
    assert _leaks(recorded.stdout + recorded.stderr) == []


def test_lint_finds_this_machines_credentials_in_a_cassette_whatever_their_format(
    tmp_path: Path,
) -> None:
    cassette = tmp_path / "leaky.yaml"
    shutil.copy(SHIPPED, cassette)
    original = cassette.read_text()
    assert "FaceModelVersion" in original
    cassette.write_text(original.replace("FaceModelVersion", f"Echo-{TOKEN}-", 1))
    clean = run_cli(["cassettes", "lint", str(cassette)], tmp_path)
    assert clean.returncode == 0, clean.stdout  # no pattern knows this token's format
    linted = run_cli(["cassettes", "lint", str(cassette)], tmp_path, _env())
    assert linted.returncode == 1
    assert "session token of the credentials in use here" in linted.stdout
    assert _leaks(linted.stdout + linted.stderr) == []


def test_excerpts_mask_before_they_cut() -> None:
    for offset in range(EXCERPT_CHARS - 19, EXCERPT_CHARS + 1):  # every cut through the key
        _check_cut_at(offset)


def _check_cut_at(offset: int) -> None:
    key = "AKIAIOSFODNN7EXAMPLE"
    message = "x" * (offset - len('{"__type":"E","message":"') - 1) + " " + key
    body = json.dumps({"__type": "E", "message": message}, separators=(",", ":")).encode()
    assert body.index(key.encode()) == offset
    exchange = Exchange(0, "SearchUsers", {}, {}, b"{}", 400, {}, body)
    shown = response_text(exchange)
    assert shown.endswith("...") and "IOSF" not in shown, shown  # masked (AKIA****...), then cut
