"""A run that cannot start still writes --report-dir: CI's report steps must never find nothing.

Each kind of start failure against a real loopback socket: nothing listening, a name that does
not resolve, a server that is not AWS JSON, one that throttles from the first request, one that
refuses the credentials. Each leaves junit.xml with one errored test case naming the cause,
report.json with the verdict and reason, and report.md.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.cli import main
from tests.safety.conftest import ScriptedServer, aws_error, closed_port_url, error_line, html

FAST = ["--max-examples", "2"]


pytestmark = pytest.mark.usefixtures("isolated")


def _answering(reply: Callable[[], object]) -> Callable[[ScriptedServer], str]:
    def setup(server: ScriptedServer) -> str:
        server.script = lambda op, body: reply()  # type: ignore[assignment,return-value]
        return server.url

    return setup


KINDS: dict[str, tuple[Callable[[ScriptedServer], str], str]] = {
    "unreachable": (lambda server: closed_port_url(), "connection refused"),
    "dns": (lambda server: "http://su-conformance.invalid", "does not resolve"),
    "not-aws-json": (_answering(html), "HTTP 502"),
    "throttled": (_answering(lambda: aws_error("ThrottlingException")), "ThrottlingException"),
    "bad-credentials": (
        _answering(lambda: aws_error("UnrecognizedClientException", 403)),
        "UnrecognizedClientException",
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_run_that_cannot_start_still_writes_its_reports(
    kind: str,
    bare: ScriptedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a name that is not loopback gets no dummy credentials: give some, as a user would
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    setup, cause = KINDS[kind]
    url = setup(bare)
    reports = tmp_path / "reports"
    assert main(["run", "--endpoint-url", url, "--report-dir", str(reports), *FAST]) == 2
    line = error_line(capsys.readouterr().err)  # the error is still the last line
    assert cause in line

    suite = ET.parse(reports / "junit.xml").getroot()
    cases = suite.findall("testcase")
    assert len(cases) == 1 and suite.get("errors") == "1"
    error = cases[0].find("error")
    assert error is not None and cause in (error.get("message") or "")

    report = json.loads((reports / "report.json").read_text())
    assert report["exit_code"] == 2
    assert report["verdict"].startswith("not verified: the run could not start")
    assert cause in report["unverified_reason"] and cause in report["start_error"]
    assert {rule["status"] for rule in report["rules"]} == {"not verified"}

    assert cause in (reports / "report.md").read_text()


def test_a_configuration_error_found_at_start_keeps_its_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials for AWS: exit 4 (configuration), and still a report for CI."""
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    reports = tmp_path / "reports"
    assert main(["run", "--aws", "--report-dir", str(reports), *FAST]) == 4
    assert "no AWS credentials found" in error_line(capsys.readouterr().err)
    report = json.loads((reports / "report.json").read_text())
    assert report["exit_code"] == 4 and "no AWS credentials found" in report["start_error"]
