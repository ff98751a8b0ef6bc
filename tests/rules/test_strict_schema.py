from __future__ import annotations

import json

from conformance.evidence import Evidence
from conformance.exchange import Exchange
from conformance.rules import catalog, judge
from conformance.rules.base import Status

REQUEST = {"CollectionId": "c", "UserId": "u"}
BODY = {
    "FaceModelVersion": "7.0",
    "SearchedUser": {"UserId": "u"},
    "UserMatches": [],
    "SomethingAwsAddedLater": {"x": 1},
}


def _exchange() -> Exchange:
    return Exchange(
        index=1,
        operation="SearchUsers",
        params=REQUEST,
        request_headers={},
        request_body=json.dumps(REQUEST).encode(),
        status=200,
        response_headers={"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r"},
        response_body=json.dumps(BODY).encode(),
    )


def _schema_verdict(strict_schema: bool) -> Status:
    schema_rule = [r for r in catalog() if r.id == "response.schema"]
    (verdict,) = judge(Evidence([_exchange()], strict_schema=strict_schema), schema_rule)
    return verdict.status


def test_unknown_response_members_are_accepted_by_default() -> None:
    assert _schema_verdict(strict_schema=False) is Status.PASS


def test_strict_schema_flags_unknown_response_members() -> None:
    assert _schema_verdict(strict_schema=True) is Status.FAIL
