"""Synthetic runs for report tests: reports must render any RunResult, not just our engine's."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from conformance.exchange import JSON_CONTENT_TYPE, Exchange, TransportStats
from conformance.results import RunResult, RunSettings
from conformance.rules.base import Finding, Level, Rule, RuleVerdict, Status

ExchangeFactory = Callable[..., Exchange]


def make_exchange(
    params: Mapping[str, Any] | None = None,
    *,
    response: Any = None,
    status: int = 200,
    operation: str | None = "SearchUsers",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    index: int = 1,
    label: str = "property: example",
) -> Exchange:
    if params is None and body is None:
        params = {"CollectionId": "c1", "UserId": "alice"}
    request_body = body if body is not None else json.dumps(params).encode()
    request_headers = dict(headers) if headers is not None else {"content-type": JSON_CONTENT_TYPE}
    if operation and "x-amz-target" not in request_headers:
        request_headers["x-amz-target"] = f"RekognitionService.{operation}"
    payload = response if response is not None else {"UserMatches": [], "FaceModelVersion": "7.0"}
    return Exchange(
        index=index,
        operation=operation,
        params=params,
        request_headers=request_headers,
        request_body=request_body,
        status=status,
        response_headers={"content-type": JSON_CONTENT_TYPE, "x-amzn-requestid": "rid-1"},
        response_body=payload if isinstance(payload, bytes) else json.dumps(payload).encode(),
        label=label,
    )


def make_rule(rule_id: str, level: Level = Level.MUST, **extra: str) -> Rule:
    return Rule(
        id=rule_id,
        statement=extra.get("statement", f"statement of {rule_id}"),
        source=extra.get("source", "DOC: API reference"),
        level=level,
        family=extra.get("family", rule_id.split(".")[0]),
        check=lambda evidence: [],
        leaves_open=extra.get("leaves_open", ""),
    )


def make_result(
    verdicts: list[RuleVerdict],
    *,
    strict: bool = False,
    unverified_reason: str | None = None,
    settings: RunSettings | None = None,
    target: str = "http://127.0.0.1:9999",
) -> RunResult:
    stats = TransportStats()
    stats.sent.update({"SearchUsers": 7, "ListUsers": 2})
    stats.throttled = 1
    exchanges = [e for v in verdicts for f in v.violations for e in f.exchanges]
    return RunResult(
        target=target,
        verdicts=verdicts,
        exchanges=exchanges,
        stats=stats,
        strict=strict,
        duration_s=1.25,
        unverified_reason=unverified_reason,
        settings=settings if settings is not None else RunSettings(endpoint_url=target),
    )


def failing_verdict(rule: Rule, *exchanges: Exchange, message: str = "broken") -> RuleVerdict:
    return RuleVerdict(
        rule, Status.FAIL, checked=3, violations=[Finding(False, message, exchanges)]
    )


@pytest.fixture
def mixed_result() -> RunResult:
    return build_mixed_result()


def build_mixed_result() -> RunResult:
    """One verdict of every kind: MUST failure, SHOULD deviation, pass, not verified."""
    bad = make_exchange(
        {"CollectionId": "c1", "UserId": "alice", "MaxUsers": 2},
        response={"UserMatches": [{"Similarity": 50.0, "User": {"UserId": "bob"}}]},
        index=4,
    )
    parity = make_exchange(
        {"CollectionId": "c1", "UserId": "ghost"},
        response={"__type": "ResourceNotFoundException"},
        status=400,
        index=5,
    )
    return make_result(
        [
            failing_verdict(
                make_rule("results.threshold"), bad, message="Similarity 50.0 below 80"
            ),
            failing_verdict(
                make_rule("errors.unknown_user", Level.SHOULD), parity, message="not AWS's error"
            ),
            RuleVerdict(make_rule("response.schema"), Status.PASS, checked=12),
            RuleVerdict(
                make_rule("metamorphic.threshold"),
                Status.NOT_VERIFIED,
                reason="no exchange exercised this rule",
            ),
        ]
    )


@pytest.fixture(autouse=True)
def _log_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Console tests assert on whole table cells: render at the log width, whatever COLUMNS
    the surrounding pytest run (or xdist worker) inherited."""
    monkeypatch.delenv("COLUMNS", raising=False)
