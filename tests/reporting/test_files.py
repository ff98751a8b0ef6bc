from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.errors import EXIT_UNVERIFIED, UsageError
from conformance.reporting.files import REPORT_FILES, write_reports
from conformance.reporting.markdown import render_catalog
from conformance.results import RunResult, RunSettings
from conformance.rules.base import Level
from tests.reporting.conftest import failing_verdict, make_exchange, make_result, make_rule


def test_writes_all_three_reports(tmp_path: Path, mixed_result: RunResult) -> None:
    written = write_reports(mixed_result, tmp_path / "deep" / "reports")
    assert sorted(p.name for p in written) == sorted(REPORT_FILES)
    assert all(p.stat().st_size > 0 for p in written)


def test_junit_has_one_case_per_rule(tmp_path: Path, mixed_result: RunResult) -> None:
    write_reports(mixed_result, tmp_path)
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == [v.rule.id for v in mixed_result.verdicts]
    assert suite.get("failures") == "1" and suite.get("skipped") == "1"
    failure = cases["results.threshold"].find("failure")
    assert failure is not None and failure.get("message") == "Similarity 50.0 below 80"
    assert "aws rekognition search-users" in (failure.text or "")
    skipped = cases["metamorphic.threshold"].find("skipped")
    assert skipped is not None and skipped.get("message") == "no exchange exercised this rule"
    deviation = cases["errors.unknown_user"]
    assert deviation.find("failure") is None  # a SHOULD deviation does not fail the gate
    assert "SHOULD deviation" in (deviation.findtext("system-out") or "")
    assert cases["response.schema"].find("*") is None


def test_junit_survives_control_characters_in_bodies(tmp_path: Path) -> None:
    weird = make_exchange(response=b'{"x": "\x00\x07"}', status=500)
    write_reports(make_result([failing_verdict(make_rule("protocol.x"), weird)]), tmp_path)
    ET.parse(tmp_path / "junit.xml")  # raises if the XML is not well-formed


def test_json_report_carries_rules_evidence_and_run_metadata(
    tmp_path: Path, mixed_result: RunResult
) -> None:
    write_reports(mixed_result, tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["target"] == mixed_result.target
    assert report["exit_code"] == 1 and report["verdict"].startswith("1 violation")
    assert report["stats"]["sent"] == {"SearchUsers": 7, "ListUsers": 2}
    assert report["stats"]["throttled"] == 1
    rules = {r["id"]: r for r in report["rules"]}
    failed = rules["results.threshold"]
    for key in ("level", "family", "statement", "source", "leaves_open", "status", "checked"):
        assert key in failed
    assert failed["status"] == "fail" and failed["fails_gate"] is True
    evidence = failed["violations"][0]["exchanges"][0]
    assert evidence["request"]["params"]["MaxUsers"] == 2
    assert evidence["response"]["status"] == 200
    assert "client.search_users" in failed["violations"][0]["reproductions"][0]["boto3"]
    assert rules["errors.unknown_user"]["fails_gate"] is False
    assert rules["metamorphic.threshold"]["reason"] == "no exchange exercised this rule"


def test_json_report_writes_every_setting_as_json(tmp_path: Path) -> None:
    settings = RunSettings(faults=("a",), planned_phases={"seed": 3}, notes=("n",))
    result = make_result([], settings=settings)
    result.unverified_reason = "budget exhausted"
    write_reports(result, tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["settings"] == {**report["settings"], "faults": ["a"], "notes": ["n"]}
    assert set(report["settings"]) == {f.name for f in dataclasses.fields(RunSettings)}
    assert report["stats"]["planned_phases"] == {"seed": 3}
    assert report["exit_code"] == EXIT_UNVERIFIED


def test_markdown_matrix(tmp_path: Path, mixed_result: RunResult) -> None:
    write_reports(mixed_result, tmp_path)
    text = (tmp_path / "report.md").read_text()
    assert "| `results.threshold` | MUST | **FAIL** | 3 |" in text
    assert "| `errors.unknown_user` | SHOULD | deviation (SHOULD) |" in text
    assert "## results.threshold" in text and "aws rekognition search-users" in text


def test_markdown_fence_cannot_be_closed_by_a_body(tmp_path: Path) -> None:
    sneaky = make_exchange(response={"Message": "```\n# injected"}, status=400)
    write_reports(make_result([failing_verdict(make_rule("errors.y"), sneaky)]), tmp_path)
    text = (tmp_path / "report.md").read_text()
    assert "````text" in text


def test_no_secret_reaches_any_file(tmp_path: Path) -> None:
    leaky = make_exchange(
        response={"Message": "AKIAIOSFODNN7EXAMPLE on arn:aws:iam::123456789012:role/r"},
        status=400,
    )
    result = make_result(
        [failing_verdict(make_rule("errors.z"), leaky, message="ASIAY34FZKBOKMUTVV7A")],
        settings=RunSettings(endpoint_url="https://user:pa55word@emu.example:4566"),
    )
    for path in write_reports(result, tmp_path):
        text = path.read_text()
        for secret in ("AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "123456789012", "pa55word"):
            assert secret not in text, (path.name, secret)


def test_unwritable_folder_is_a_usage_error(tmp_path: Path, mixed_result: RunResult) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UsageError) as caught:
        write_reports(mixed_result, blocker / "reports")
    message = str(caught.value)
    assert str(blocker / "reports") in message and "\n" not in message


def test_catalog_table() -> None:
    rules = [
        make_rule("results.order", statement="ordered | highest first"),
        make_rule(
            "results.threshold",
            Level.SHOULD,
            leaves_open="a score exactly equal to the threshold",
        ),
    ]
    lines = render_catalog(rules).splitlines()
    assert lines[0] == "| id | level | statement | source | leaves open |"
    assert len(lines) == 4
    assert "ordered \\| highest first" in lines[2]
    assert lines[3].endswith("| a score exactly equal to the threshold |")
    assert "| SHOULD |" in lines[3]
