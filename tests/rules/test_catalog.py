"""The catalog as a whole, and `check_search_users` as users call it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.contract.strategies import (
    invalid_search_users_requests,
    search_users_requests,
    search_users_responses,
)
from conformance.evidence import Evidence
from conformance.rules import Status, catalog, judge
from conformance.rules.base import Level
from conformance.rules.per_exchange import SINGLE
from conformance.rules.single import check_exchange, check_search_users
from conformance.rules.sources import Kind
from tests.rules.conftest import FACE_A, discovery, exchange, search
from tests.rules.test_each_rule import CASES

catalog()  # registers the per-exchange checks in SINGLE
SINGLE_IDS = tuple(SINGLE)

AWS_REQUEST = {
    "CollectionId": "MyCollection",
    "MaxUsers": 2,
    "UserId": "DemoUser",
    "UserMatchThreshold": 70,
}
AWS_RESPONSE = {
    "FaceModelVersion": "6",
    "SearchedUser": {"UserId": "DemoUser"},
    "UserMatches": [
        {"Similarity": 99.88186645507812, "User": {"UserId": "demoUser1", "UserStatus": "ACTIVE"}}
    ],
}


def test_catalog_entries_are_complete_and_unique() -> None:
    rules = catalog()  # duplicate ids cannot happen: registration raises on them
    for r in rules:
        assert r.statement.strip() and r.statement.endswith(".")
        # "code": what the installed botocore does, read in its source and run by the rule
        # (a rule still giving its source as text names the kind as a prefix; "obs" = observed)
        kinds = {s.kind.value for s in r.sources} or {r.source.split(":", 1)[0]}
        assert kinds <= {k.value for k in Kind} | {"obs"}, r.id
        assert isinstance(r.level, Level)
        assert r.id.split(".", 1)[0] == r.family
    # a read-only run cannot exercise a stateful rule: each says so itself (Rule.needs_writes)
    assert all(r.needs_writes for r in rules if r.family == "stateful")
    assert not any(r.needs_writes for r in rules if r.family in ("results", "validation"))


def test_single_findings_name_their_rule_as_data() -> None:
    """The property phase and users' tests read the rule from the finding, never its text."""
    broken = {**AWS_RESPONSE, "UserMatches": [{"Similarity": 50.0, "User": {"UserId": "x"}}]}
    found = check_search_users(AWS_REQUEST, broken)
    assert found and all(f.rule_id in {r.id for r in catalog()} for f in found)
    assert all(not f.message.startswith(f.rule_id) for f in found)
    assert all(f.line == f"{f.rule_id}: {f.message}" for f in found)


def test_undocumented_corners_are_declared_open() -> None:
    by_id = {r.id: r for r in catalog()}
    assert "equal to the threshold" in by_id["results.threshold"].leaves_open
    assert "omitted" in by_id["results.max-users"].leaves_open
    assert "both" in by_id["validation.requires-an-id"].leaves_open


def test_aws_published_example_conforms() -> None:
    assert check_search_users(AWS_REQUEST, AWS_RESPONSE) == []


def test_boto3_response_metadata_is_judged_not_treated_as_body() -> None:
    metadata = {
        "RequestId": "abc",
        "HTTPStatusCode": 200,
        "HTTPHeaders": {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "abc"},
    }
    assert check_search_users(AWS_REQUEST, {**AWS_RESPONSE, "ResponseMetadata": metadata}) == []
    no_id = {**metadata, "HTTPHeaders": {"Content-Type": "application/x-amz-json-1.1"}}
    found = check_search_users(AWS_REQUEST, {**AWS_RESPONSE, "ResponseMetadata": no_id})
    assert [f.rule_id for f in found] == ["response.request-id"]


def test_violations_name_their_rule() -> None:
    broken = {
        **AWS_RESPONSE,
        "SearchedUser": {"UserId": "Other"},
        "UserMatches": [
            {"Similarity": 50.0, "User": {"UserId": "DemoUser", "UserStatus": "ACTIVE"}},
        ],
    }
    found = check_search_users(AWS_REQUEST, broken)
    assert not any(f.passed for f in found)
    assert {f.rule_id for f in found} == {
        "results.threshold",
        "results.self-excluded",
        "echo.searched-user",
    }


def test_every_per_exchange_rule_is_also_a_single_check() -> None:
    assert len(SINGLE_IDS) > 10


@pytest.mark.parametrize("rule_id", sorted(SINGLE_IDS))
def test_single_checks_trip_where_the_catalog_rule_does(rule_id: str) -> None:
    """`check_search_users` (users' own tests) and the gate must agree: the broken exchange
    that trips a per-exchange rule in the catalog trips the same rule checked on its own."""
    _, bad = CASES[rule_id]
    log = bad()
    evidence = Evidence(log)
    flagged = {
        f.rule_id
        for exchange in log
        if exchange.operation in ("SearchUsers", "SearchUsersByImage")
        for f in check_exchange(exchange, evidence.view(exchange))
    }
    assert rule_id in flagged


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_valid_answers_never_trip_a_rule(data: st.DataObject) -> None:
    request = data.draw(search_users_requests())
    response = data.draw(search_users_responses(request))
    assert check_search_users(request, response) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_search_users_requests())
def test_accepting_an_invalid_request_is_caught(case: tuple[dict[str, Any], str]) -> None:
    request, constraint = case
    found = check_search_users(request, {"UserMatches": [], "FaceModelVersion": "7.0"})
    ids = {f.rule_id for f in found}
    if constraint == "additionalProperties":
        assert not ids & {"validation.rejects-invalid", "validation.requires-an-id"}
    else:
        assert ids & {"validation.rejects-invalid", "validation.requires-an-id"}, constraint


@settings(max_examples=60, deadline=None)
@given(invalid_search_users_requests())
def test_refusing_an_invalid_request_with_the_aws_error_conforms(
    case: tuple[dict[str, Any], str],
) -> None:
    request, _ = case
    refused = exchange(
        "SearchUsers", request, status=400, body={"__type": "InvalidParameterException"}
    )
    for verdict in judge(Evidence([refused])):
        if verdict.rule.family == "stateful":
            continue  # not this catalog's rules
        assert verdict.status is not Status.FAIL, (verdict.rule.id, verdict.violations)


WEIRD_BODIES: list[Any] = [
    None,
    [],
    "text",
    42,
    {"UserMatches": "none"},
    {"UserMatches": [None, 1, "x", {"Similarity": "90", "User": "bob"}, {"User": {"UserId": 5}}]},
    {"UserMatches": [{"Similarity": True, "User": {"UserId": "a"}}], "SearchedUser": "alice"},
    {"SearchedFace": [], "FaceModelVersion": 7},
    {"__type": 5, "message": None},
]


def test_malformed_answers_never_crash_a_rule() -> None:
    log = list(discovery())
    for body in WEIRD_BODIES:
        for status in (200, 400, 500):
            log.append(search(status=status, body=body))
            log.append(
                search(
                    {
                        "FaceId": FACE_A,
                        "MaxUsers": 3,
                        "UserMatchThreshold": 0,
                    },
                    status=status,
                    body=body,
                )
            )
    log.append(exchange("SearchUsers", None, raw_body=b"\xff\xfe", status=200, body=b"\x00"))
    log.append(
        exchange(
            "SearchUsers",
            {
                "CollectionId": "people",
                "UserId": "alice",
                "UserMatchThreshold": "high",
                "MaxUsers": [1],
            },
            body={},
        )
    )
    for verdict in judge(Evidence(log)):
        if verdict.rule.family == "stateful":
            continue  # not this catalog's rules
        assert "crashed" not in verdict.reason, (verdict.rule.id, verdict.reason)
