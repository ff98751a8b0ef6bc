"""One error-type reading for the package: botocore's (the body's __type, undecorated).

Every case is also run through the installed botocore's own parser (`caller_view`), so the
package's reading cannot drift from what a boto3 caller is handed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.contract.caller_view import caller_view
from conformance.contract.errors import wire_error_types
from conformance.schemas import error_message, error_type, validate_error

CASES: list[tuple[dict[str, str], Any, str | None]] = [
    ({}, {"__type": "InvalidParameterException"}, "InvalidParameterException"),
    (
        {},
        {"__type": "com.amazonaws.rekognition#ResourceNotFoundException"},
        "ResourceNotFoundException",
    ),
    (
        {"X-Amzn-Errortype": "ThrottlingException:http://internal.amazon.com/"},
        {"__type": "Other"},
        "Other",
    ),
    ({"x-amzn-errortype": "ns#AccessDeniedException:x"}, {"message": "m"}, None),
    ({}, {"__type": "A:b#c"}, "A"),
    ({}, {"__type": "ns#A:b"}, "A"),
    ({}, {"message": "no type"}, None),
    ({}, {"code": "InvalidParameterException", "message": "m"}, None),
    ({}, {"Code": "InvalidParameterException"}, None),
    ({"X-Amzn-Errortype": ""}, {"__type": "Fallback"}, "Fallback"),
]


@pytest.mark.parametrize(("headers", "body", "expected"), CASES)
def test_error_type(headers: dict[str, str], body: Any, expected: str | None) -> None:
    assert error_type(headers, body) == expected


@pytest.mark.parametrize(("headers", "body", "expected"), CASES)
def test_the_reading_is_botocores(headers: dict[str, str], body: Any, expected: str | None) -> None:
    view = caller_view("SearchUsers", 400, headers, json.dumps(body).encode())
    assert view is not None
    assert view.error_code == (expected if expected is not None else "400")


@pytest.mark.parametrize(("headers", "body", "expected"), CASES)
def test_validate_error_agrees_with_the_reading(
    headers: dict[str, str], body: Any, expected: str | None
) -> None:
    """A body validate_error accepts is one botocore reads a type from, and vice versa."""
    assert (validate_error(body) == []) == (expected is not None)


def test_none_is_no_type() -> None:
    assert error_type(None, None) is None


def test_wire_error_types_lists_every_place_in_smithy_order() -> None:
    found = wire_error_types(
        {"X-Amzn-ErrorType": "A:suffix"}, {"code": "B", "__type": "ns#C", "message": "m"}
    )
    assert list(found.items()) == [("X-Amzn-Errortype", "A"), ("code", "B"), ("__type", "C")]


def test_error_message_either_spelling() -> None:
    assert error_message({"message": "a"}) == "a"
    assert error_message({"Message": "b"}) == "b"
    assert error_message({}) is None
