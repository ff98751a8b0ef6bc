"""The packaged suite against the real engine and the embedded reference, in a subprocess."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.serving import running_serve

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
    result, outcomes = _suite(
        pytester, "plain", "--su-seed=5", "--su-max-examples=5", "--su-report-dir=out"
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert "failure" not in outcomes.values()
    assert "passed" in outcomes.values()
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert report["exit_code"] == 0 and report["settings"]["seed"] == 5


def test_broken_reference_fails_with_same_verdicts_under_xdist(pytester: pytest.Pytester) -> None:
    # the fault catalog's seed and example count, with which it shows this fault caught
    args = (
        "--su-seed=1",
        "--su-max-examples=5",
        "--su-faults=unordered-results",
        "--su-report-dir=out",
    )
    serial, serial_outcomes = _suite(pytester, "serial", *args)
    assert serial.ret == pytest.ExitCode.TESTS_FAILED
    assert serial_outcomes["test_rule[results.order]"] == "failure"
    parallel, parallel_outcomes = _suite(pytester, "parallel", "-n", "2", *args)
    assert parallel.ret == pytest.ExitCode.TESTS_FAILED
    assert parallel_outcomes == serial_outcomes
    # one gate run for the session: one set of reports, one verdict line
    assert sorted(p.name for p in (pytester.path / "out").iterdir()) == [
        "junit.xml",
        "report.json",
        "report.md",
    ]
    assert json.loads((pytester.path / "out" / "report.json").read_text())["exit_code"] == 1
    assert parallel.stdout.str().count("requests: ") == 1


REQUEST_LINE = re.compile(r'^\S+ "[A-Z]+ \S*" ')


def test_under_xdist_the_gate_runs_once_against_a_real_server(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with log.open("w") as sink, running_serve(stderr=sink) as (_process, url):
        result, outcomes = _suite(
            pytester,
            "xdist",
            "-n",
            "2",
            f"--su-endpoint-url={url}",
            "--su-seed=3",
            "--su-max-examples=3",
            "--su-report-dir=out",
        )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-3000:]
    assert "passed" in outcomes.values()
    served = [line for line in log.read_text().splitlines() if REQUEST_LINE.match(line)]
    assert sum(" CreateCollection " in line for line in served) == 1
    # the availability probe's DeleteCollection names a collection that does not exist
    assert sum(" DeleteCollection " in line for line in served) == 2
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert len(served) == report["stats"]["total"]
    assert result.stdout.str().count("requests: ") == 1
