"""Shrunk failing examples (`RunResult.falsified`) reach every report, rerunnable and masked."""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.reporting.console import make_console, print_summary
from conformance.reporting.files import write_reports
from conformance.results import Falsified, RunResult
from tests.reporting.conftest import build_mixed_result, make_exchange

KEY = "AKIAIOSFODNN7EXAMPLE"
SCRIPT = f'"""Reproduces: stateful.face-count"""\nimport boto3\n# {KEY}\nr1 = call("list_faces")\n'
STATEFUL = Falsified(
    "stateful",
    (("stateful.face-count", "FaceCount 9, but the listing shows 3"),),
    (make_exchange(operation="ListFaces", index=7), make_exchange(index=8)),
    SCRIPT,
)
SEARCH = make_exchange(
    {"CollectionId": "c1", "UserId": "alice", "MaxUsers": 2},
    response={"UserMatches": [{"Similarity": 50.0}, {"Similarity": 90.0}]},
    index=12,
    label="property",
)
PROPERTY = Falsified(
    "property",
    (("results.order", "scores not descending"), ("results.threshold", f"50.0 below 80 {KEY}")),
    (SEARCH,),
)


def _with_falsified() -> RunResult:
    return dataclasses.replace(build_mixed_result(), falsified=(STATEFUL, PROPERTY))


def test_the_typed_value_names_its_rules_once() -> None:
    twice = dataclasses.replace(STATEFUL, violations=STATEFUL.violations * 2)
    assert twice.rule_ids == ("stateful.face-count",)
    assert PROPERTY.rule_ids == ("results.order", "results.threshold")


def test_report_json_carries_the_violations_as_pairs_and_the_script(tmp_path: Path) -> None:
    write_reports(_with_falsified(), tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    stateful, single = report["falsified"]
    assert stateful["phase"] == "stateful" and stateful["calls"] == 2
    assert stateful["exchanges"] == [7, 8]
    assert stateful["violations"] == [
        {"rule": "stateful.face-count", "message": "FaceCount 9, but the listing shows 3"}
    ]
    assert "import boto3" in stateful["script"] and stateful["reproductions"] == []
    assert single["phase"] == "property" and single["script"] is None
    assert [v["rule"] for v in single["violations"]] == ["results.order", "results.threshold"]
    (reproduction,) = single["reproductions"]
    assert reproduction["exchange"] == 12 and "search_users" in reproduction["boto3"]


def test_report_json_of_a_run_without_shrunk_examples_has_an_empty_list(tmp_path: Path) -> None:
    write_reports(build_mixed_result(), tmp_path)
    assert json.loads((tmp_path / "report.json").read_text())["falsified"] == []


def test_markdown_and_junit_show_the_script_and_the_reproduction(tmp_path: Path) -> None:
    write_reports(_with_falsified(), tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    assert "## stateful phase falsified, shrunk to 2 calls (stateful.face-count)" in markdown
    assert 'r1 = call("list_faces")' in markdown
    assert "## property phase falsified, shrunk to 1 call (results.order, results.threshold)" in (
        markdown
    )
    assert "- results.order: scores not descending" in markdown
    assert "aws rekognition search-users" in markdown
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    out = suite.findtext("system-out") or ""
    assert "stateful phase falsified, shrunk to 2 calls" in out and "import boto3" in out
    assert "property phase falsified" in out and "search_users" in out


def test_no_report_leaks_a_secret_of_a_shrunk_example(tmp_path: Path) -> None:
    write_reports(_with_falsified(), tmp_path)
    for name in ("report.json", "report.md", "junit.xml"):
        text = (tmp_path / name).read_text()
        assert KEY not in text, name
        assert "import boto3" in text, name
    stream = io.StringIO()
    print_summary(_with_falsified(), console=make_console(stream))
    assert KEY not in stream.getvalue()


def test_console_prints_each_shrunk_example_with_what_reruns_it() -> None:
    stream = io.StringIO()
    print_summary(_with_falsified(), console=make_console(stream))
    out = stream.getvalue()
    assert "SHRUNK: stateful phase falsified, shrunk to 2 calls (stateful.face-count)" in out
    assert "- stateful.face-count: FaceCount 9, but the listing shows 3" in out
    assert 'r1 = call("list_faces")' in out
    assert "SHRUNK: property phase falsified, shrunk to 1 call" in out
    assert "request:  SearchUsers" in out and "# boto3" in out
    quiet = io.StringIO()
    print_summary(build_mixed_result(), console=make_console(quiet))
    assert "SHRUNK" not in quiet.getvalue()
