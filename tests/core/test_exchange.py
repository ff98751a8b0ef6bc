from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from conformance.evidence import Evidence
from conformance.exchange import RAW, Exchange, TransportStats, parse_error_type


def ex(
    index: int, operation: str, params: dict[str, Any], body: Any, status: int = 200
) -> Exchange:
    return Exchange(
        index=index,
        operation=operation,
        params=params,
        request_headers={},
        request_body=json.dumps(params).encode(),
        status=status,
        response_headers={"content-type": "application/x-amz-json-1.1"},
        response_body=json.dumps(body).encode(),
    )


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({}, {"__type": "InvalidParameterException"}, "InvalidParameterException"),
        (
            {},
            {"__type": "com.amazonaws.rekognition#ResourceNotFoundException"},
            "ResourceNotFoundException",
        ),
        (
            {"x-amzn-errortype": "ThrottlingException:http://internal"},
            {"__type": "X"},
            "X",
        ),
        ({"x-amzn-errortype": "ThrottlingException"}, {"message": "m"}, None),
        ({}, {"Code": "AccessDeniedException"}, None),
        ({}, {"message": "no type"}, None),
        ({}, ["not", "an", "object"], None),
    ],
)
def test_error_type_is_what_botocore_reads(
    headers: dict[str, str], body: Any, expected: str | None
) -> None:
    assert parse_error_type(headers, body) == expected


def test_non_json_body_parses_to_none() -> None:
    e = Exchange(1, "SearchUsers", {}, {}, b"", 502, {}, b"<html>Bad gateway</html>")
    assert e.json is None and e.server_error and e.error_type is None


def test_listing_is_complete_only_after_the_last_page() -> None:
    c = {"CollectionId": "col"}
    log = [
        ex(1, "DescribeCollection", c, {"FaceModelVersion": "7.0"}),
        ex(
            2,
            "ListUsers",
            c,
            {"Users": [{"UserId": "a", "UserStatus": "ACTIVE"}], "NextToken": "t1"},
        ),
        ex(
            3,
            "ListUsers",
            {**c, "NextToken": "t1"},
            {"Users": [{"UserId": "b", "UserStatus": "CREATED"}]},
        ),
        ex(4, "ListFaces", c, {"Faces": [{"FaceId": "f1", "UserId": "a"}], "NextToken": "x"}),
        ex(5, "SearchUsers", {**c, "UserId": "a"}, {"UserMatches": []}),
    ]
    view = Evidence(log).view(log[-1])
    assert view is not None
    assert view.exists and view.face_model_version == "7.0"
    assert view.users == {"a": "ACTIVE", "b": "CREATED"}
    assert view.faces is None  # the ListFaces chain never reached its last page


def test_a_write_starts_a_new_epoch() -> None:
    c = {"CollectionId": "col"}
    log = [
        ex(1, "ListUsers", c, {"Users": [{"UserId": "a", "UserStatus": "ACTIVE"}]}),
        ex(2, "DeleteUser", {**c, "UserId": "a"}, {}),
        ex(3, "SearchUsers", {**c, "UserId": "b"}, {"UserMatches": []}),
    ]
    evidence = Evidence(log)
    assert evidence.epoch(log[0]) != evidence.epoch(log[2])
    view = evidence.view(log[2])
    assert view is not None and view.users is None


def test_resource_not_found_marks_the_collection_missing() -> None:
    log = [
        ex(
            1,
            "DescribeCollection",
            {"CollectionId": "gone"},
            {"__type": "ResourceNotFoundException"},
            400,
        ),
        ex(
            2,
            "SearchUsers",
            {"CollectionId": "gone", "UserId": "u"},
            {"__type": "ResourceNotFoundException"},
            400,
        ),
    ]
    view = Evidence(log).view(log[1])
    assert view is not None and view.exists is False


def test_a_filtered_listing_is_not_the_whole_collection() -> None:
    c = {"CollectionId": "col"}
    log = [
        ex(1, "ListFaces", {**c, "UserId": "a"}, {"Faces": [{"FaceId": "f1", "UserId": "a"}]}),
        ex(2, "SearchUsers", {**c, "UserId": "a"}, {"UserMatches": []}),
    ]
    view = Evidence(log).view(log[1])
    assert view is not None and view.faces is None


def test_refused_and_throttled_answers_are_told_apart() -> None:
    denied = ex(1, "SearchUsers", {}, {"__type": "AccessDeniedException"}, status=400)
    throttled = ex(2, "SearchUsers", {}, {"__type": "ThrottlingException"}, status=400)
    invalid = ex(3, "SearchUsers", {}, {"__type": "InvalidParameterException"}, status=400)
    assert (denied.refused, denied.throttled) == (True, False)
    assert (throttled.refused, throttled.throttled) == (False, True)
    assert not invalid.refused and not invalid.throttled


def test_stats_of_recorded_exchanges_count_every_attempt() -> None:
    retried = dataclasses.replace(ex(1, "SearchUsers", {}, {}), attempts=3, label="boundary:x")
    failed = ex(2, "ListUsers", {}, {"__type": "InternalServerError"}, status=500)
    raw = dataclasses.replace(ex(3, "SearchUsers", {}, {}), operation=None)
    stats = TransportStats.of([retried, failed, raw])
    assert stats.sent == {"SearchUsers": 3, "ListUsers": 1, RAW: 1}
    assert stats.phases == {"boundary": 3, "ListUsers": 1, "raw": 1}
    assert (stats.total, stats.retries, stats.server_errors, stats.throttled) == (5, 2, 1, 0)
