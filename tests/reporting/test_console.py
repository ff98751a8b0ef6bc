from __future__ import annotations

import io

from conformance.reporting.console import ProgressDisplay, make_console, print_plan, print_summary
from conformance.results import RunResult
from conformance.rules.base import Level, RuleVerdict, Status
from tests.reporting.conftest import failing_verdict, make_exchange, make_result, make_rule


def _capture() -> tuple[io.StringIO, object]:
    stream = io.StringIO()
    return stream, make_console(stream)


def test_plan_lists_operations_total_and_budget() -> None:
    stream = io.StringIO()
    print_plan(
        {"SearchUsers": 120, "ListUsers": 4}, budget=300, target="T", console=make_console(stream)
    )
    out = stream.getvalue()
    assert "SearchUsers" in out and "120" in out and "ListUsers" in out
    assert "total: 124 requests" in out and "budget 300" in out
    assert "exceeds" not in out


def test_plan_over_budget_warns() -> None:
    stream = io.StringIO()
    print_plan({"SearchUsers": 400}, budget=300, target="T", console=make_console(stream))
    assert "exceeds the budget by 100" in stream.getvalue()


def test_plan_without_budget() -> None:
    stream = io.StringIO()
    print_plan({"SearchUsers": 1}, budget=None, target="T", console=make_console(stream))
    assert "no budget" in stream.getvalue()


def test_plain_progress_prints_one_line_per_phase() -> None:
    stream = io.StringIO()
    with ProgressDisplay(total=5, console=make_console(stream)) as progress:
        for index, label in enumerate(["discover: a", "discover: b", "boundary: x", "negative 1"]):
            progress(make_exchange(label=label, index=index))
    lines = stream.getvalue().splitlines()
    assert [line.split()[1] for line in lines[:-1]] == ["discover", "boundary", "negative"]
    assert lines[-1].startswith("sent 4 requests")
    assert progress.count == 4


def test_summary_shows_failure_evidence_reproduction_and_verdict(mixed_result: RunResult) -> None:
    stream = io.StringIO()
    print_summary(mixed_result, console=make_console(stream))
    out = stream.getvalue()
    for expected in (
        "results.threshold",
        "Similarity 50.0 below 80",
        '"MaxUsers": 2',  # the request
        "HTTP 200 ok",  # the response
        "client.search_users(",  # boto3 reproduction
        "aws rekognition search-users",
        "SHOULD deviation: errors.unknown_user",
        "no exchange exercised this rule",
        "throttled 1",
        "SearchUsers 7",
        "verdict: 1 violation (results.threshold)",
    ):
        assert expected in out, expected


def test_summary_reproduction_lines_are_not_wrapped(mixed_result: RunResult) -> None:
    stream = io.StringIO()
    print_summary(mixed_result, console=make_console(stream))
    cli = [line for line in stream.getvalue().splitlines() if "aws rekognition" in line]
    assert cli and all("--endpoint-url" in line for line in cli)


def test_summary_never_prints_secrets() -> None:
    leaky = make_exchange(
        response={
            "__type": "AccessDeniedException",
            "Message": "AKIAIOSFODNN7EXAMPLE denied "
            "on arn:aws:rekognition:us-east-1:123456789012:collection/c1",
        },
        status=400,
    )
    result = make_result(
        [failing_verdict(make_rule("errors.type"), leaky, message="key AKIAIOSFODNN7EXAMPLE")]
    )
    stream = io.StringIO()
    print_summary(result, console=make_console(stream))
    out = stream.getvalue()
    assert "AKIAIOSFODNN7EXAMPLE" not in out and "123456789012" not in out
    assert "AKIA****************" in out


def test_summary_of_unverified_run() -> None:
    result = make_result(
        [RuleVerdict(make_rule("response.schema"), Status.PASS, checked=1)],
        unverified_reason="target throttled 80% of requests",
    )
    stream = io.StringIO()
    print_summary(result, console=make_console(stream))
    assert "verdict: not verified: target throttled 80% of requests" in stream.getvalue()


def test_strict_turns_a_deviation_into_a_violation() -> None:
    verdict = failing_verdict(make_rule("errors.unknown_user", Level.SHOULD), make_exchange())
    stream = io.StringIO()
    print_summary(make_result([verdict], strict=True), console=make_console(stream))
    assert "verdict: 1 violation (errors.unknown_user)" in stream.getvalue()
    stream = io.StringIO()
    print_summary(make_result([verdict]), console=make_console(stream))
    assert "verdict: conforms (1 SHOULD deviation(s)" in stream.getvalue()
