"""The packaged suite against the real engine and the embedded reference, in a subprocess."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _outcomes(junit: Path) -> dict[str, str]:
    cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        cases[case.get("name", "")] = kinds[0] if kinds else "passed"
    return cases


def _suite(
    pytester: pytest.Pytester, name: str, *args: str
) -> tuple[pytest.RunResult, dict[str, str]]:
    junit = pytester.path / f"{name}.xml"
    result = pytester.runpytest_subprocess(
        "--pyargs", "conformance.suite", "-p", "no:cacheprovider", f"--junitxml={junit}", *args
    )
    return result, _outcomes(junit)


def test_reference_conforms(pytester: pytest.Pytester) -> None:
    result, outcomes = _suite(pytester, "plain", "--su-seed=5", "--su-report-dir=out")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert "failure" not in outcomes.values()
    assert "passed" in outcomes.values()
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert report["exit_code"] == 0 and report["settings"]["seed"] == 5


def test_broken_reference_fails_with_same_verdicts_under_xdist(pytester: pytest.Pytester) -> None:
    args = ("--su-seed=9", "--su-faults=unordered-results", "--su-report-dir=out")
    serial, serial_outcomes = _suite(pytester, "serial", *args)
    assert serial.ret == pytest.ExitCode.TESTS_FAILED
    assert serial_outcomes["test_rule[results.order]"] == "failure"
    parallel, parallel_outcomes = _suite(pytester, "parallel", "-n", "2", *args)
    assert parallel.ret == pytest.ExitCode.TESTS_FAILED
    assert parallel_outcomes == serial_outcomes
    # every worker wrote its own reports: nothing collided
    workers = sorted(p.name for p in (pytester.path / "out").iterdir() if p.is_dir())
    assert workers == ["gw0", "gw1"]
    for worker in workers:
        report = json.loads((pytester.path / "out" / worker / "report.json").read_text())
        assert report["exit_code"] == 1
