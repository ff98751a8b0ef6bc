"""The packaged suite's verdict mapping, against a scripted engine (see conftest)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conformance.config import RunConfig
from conformance.exchange import Exchange
from conformance.rules import catalog
from conformance.rules.base import Level

MUST_ID = next(r.id for r in catalog() if r.level is Level.MUST)
SHOULD_ID = next(r.id for r in catalog() if r.level is Level.SHOULD)
LAST_ID = catalog()[-1].id


def _run_suite(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--pyargs", "conformance.suite", "-p", "no:cacheprovider", "-rA", *args
    )


def test_one_test_per_rule_with_rule_ids(
    pytester: pytest.Pytester, fake_engine: list[RunConfig]
) -> None:
    result = pytester.runpytest("--pyargs", "conformance.suite", "--collect-only", "-q")
    out = result.stdout.str()
    for rule in catalog():
        assert f"test_rule[{rule.id}]" in out
    assert fake_engine == []  # collecting runs nothing


def test_verdicts_map_to_outcomes(pytester: pytest.Pytester, fake_engine: list[RunConfig]) -> None:
    result = _run_suite(pytester)
    total = len(catalog()) + 1  # + test_run_was_verifiable
    result.assert_outcomes(failed=1, skipped=1, passed=total - 2, warnings=1)
    out = result.stdout.str()
    failed = [line for line in result.stdout.lines if line.startswith("FAILED")]
    assert len(failed) == 1 and f"test_rule[{MUST_ID}]" in failed[0]
    assert "must broken" in out and "aws rekognition search-users" in out
    assert "not verified: never exercised" in out
    assert "ParityWarning" in out and "parity off" in out
    assert len(fake_engine) == 1  # the gate runs once per session
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_strict_fails_should_deviations(
    pytester: pytest.Pytester, fake_engine: list[RunConfig]
) -> None:
    result = _run_suite(pytester, "--su-strict")
    result.assert_outcomes(failed=2, skipped=1, passed=len(catalog()) + 1 - 3)
    assert f"test_rule[{SHOULD_ID}]" in "\n".join(
        line for line in result.stdout.lines if line.startswith("FAILED")
    )


def test_unverified_run_does_not_pass(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, fake_engine: list[RunConfig]
) -> None:
    import conformance.engine
    from tests.plugin.conftest import scripted_result

    def throttled(config: RunConfig, *, progress: object = None) -> object:
        result = scripted_result(config)
        result.unverified_reason = "target throttled 9 of 10 requests"
        return result

    monkeypatch.setattr(conformance.engine, "run", throttled)
    result = _run_suite(pytester, "-k", "verifiable")
    result.assert_outcomes(failed=1)
    assert "not verified: target throttled 9 of 10 requests" in result.stdout.str()


def test_gate_that_cannot_start_errors_in_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conformance.engine
    from conformance.errors import TargetUnavailable

    def unreachable(config: RunConfig, *, progress: object = None) -> object:
        raise TargetUnavailable("cannot reach http://nowhere.invalid")

    monkeypatch.setattr(conformance.engine, "run", unreachable, raising=False)
    result = _run_suite(pytester, "-k", "verifiable")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "could not verify: cannot reach http://nowhere.invalid" in out
    assert "Traceback" not in out and "raise TargetUnavailable" not in out


def test_a_gate_stopped_after_sending_still_writes_reports_counting_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conformance.engine
    from conformance.errors import TargetUnavailable
    from tests.rules.conftest import exchange

    def stopped(config: RunConfig, *, progress: Callable[[Exchange], None]) -> object:
        for _ in range(3):  # three probes answered, then the target gives up
            progress(exchange("DescribeCollection", {"CollectionId": "c"}, status=500, body={}))
        raise TargetUnavailable("the target stopped answering")

    monkeypatch.setattr(conformance.engine, "run", stopped, raising=False)
    result = _run_suite(pytester, "--su-report-dir=out", "-k", "verifiable")
    result.assert_outcomes(errors=1)
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert report["start_error"] == "the target stopped answering"
    assert report["stats"]["total"] == 3 and report["stats"]["server_errors"] == 3
    assert {r["status"] for r in report["rules"]} == {"not verified"}
    assert (pytester.path / "out" / "junit.xml").exists()


def test_reports_and_terminal_summary(
    pytester: pytest.Pytester, fake_engine: list[RunConfig]
) -> None:
    result = _run_suite(pytester, "--su-report-dir=out", "-k", "verifiable")
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert {r["id"] for r in report["rules"]} == {r.id for r in catalog()}
    assert (pytester.path / "out" / "junit.xml").exists()
    out = result.stdout.str()
    assert "searchusers-conformance" in out and "1 violation" in out
