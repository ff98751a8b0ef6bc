"""Our matchers become pytest-recording's defaults in any project that installs this package:
AWS JSON requests match on operation and parsed body, everything else exactly as vcrpy would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from vcr.request import Request

from conformance.recording import match_aws_target, match_json_body

AWS = {"X-Amz-Target": "RekognitionService.SearchUsers"}


def matches(r1: Request, r2: Request, *matchers: Callable[[Any, Any], None]) -> bool:
    try:
        for matcher in matchers:
            matcher(r1, r2)
    except AssertionError:
        return False
    return True


def test_aws_requests_ignore_port_and_key_order() -> None:
    a = Request("POST", "http://127.0.0.1:4000/", b'{"CollectionId": "c", "UserId": "u"}', AWS)
    b = Request("POST", "http://127.0.0.1:5000/", b'{"UserId": "u", "CollectionId": "c"}', AWS)
    assert matches(a, b, match_aws_target, match_json_body)


def test_aws_requests_with_other_bodies_do_not_match() -> None:
    a = Request("POST", "http://h/", b'{"CollectionId": "c", "UserId": "u"}', AWS)
    b = Request("POST", "http://h/", b'{"CollectionId": "c", "UserId": "v"}', AWS)
    assert not matches(a, b, match_aws_target, match_json_body)


@pytest.mark.parametrize(
    ("other", "same"),
    [
        ("http://api.example/items?page=2", False),  # query differs: vcrpy's default says no
        ("http://api.example:8080/items?page=1", False),  # port differs
        ("http://api.example/items?page=1", True),  # only the body differs: vcrpy ignores it
    ],
)
def test_other_requests_keep_vcrpys_defaults(other: str, same: bool) -> None:
    a = Request("POST", "http://api.example/items?page=1", b"first", {})
    b = Request("POST", other, b"second", {})
    assert matches(a, b, match_aws_target, match_json_body) is same
