"""The client rule for naming an error: header first, then __type, undecorated."""

from __future__ import annotations

import pytest

from conformance.schemas import error_message, error_type


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
            {"X-Amzn-Errortype": "ThrottlingException:http://internal.amazon.com/"},
            {"__type": "Other"},
            "ThrottlingException",
        ),
        ({"x-amzn-errortype": "ns#AccessDeniedException:x"}, None, "AccessDeniedException"),
        ({}, {"__type": "A:b#c"}, "A"),
        ({}, {"message": "no type"}, None),
        (None, None, None),
        ({"X-Amzn-Errortype": ""}, {"__type": "Fallback"}, "Fallback"),
    ],
)
def test_error_type(
    headers: dict[str, str] | None, body: dict[str, str] | None, expected: str | None
) -> None:
    assert error_type(headers, body) == expected


def test_error_message_either_spelling() -> None:
    assert error_message({"message": "a"}) == "a"
    assert error_message({"Message": "b"}) == "b"
    assert error_message({}) is None
