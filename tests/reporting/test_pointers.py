"""The console points at report.json only when the run writes one."""

from __future__ import annotations

import io

from conformance.reporting.console import make_console, print_summary
from conformance.rules.base import Finding, RuleVerdict, Status
from tests.reporting.conftest import make_exchange, make_result, make_rule


def _many_violations() -> RuleVerdict:
    findings = [Finding(False, f"broken {n}", (make_exchange(index=n),)) for n in range(5)]
    return RuleVerdict(make_rule("results.order"), Status.FAIL, checked=5, violations=findings)


def _summary(full_report: str | None) -> str:
    stream = io.StringIO()
    result = make_result([_many_violations()])
    print_summary(result, console=make_console(stream), full_report=full_report)
    return stream.getvalue()


def test_hidden_violations_point_at_report_json_only_when_it_is_written() -> None:
    without = _summary(None)
    assert "... and 2 more violation(s)" in without
    assert "report.json" not in without
    written = _summary("reports/report.json")
    assert "... and 2 more violation(s) (see reports/report.json)" in written
