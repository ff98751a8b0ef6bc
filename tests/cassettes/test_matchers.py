"""Our matchers become pytest-recording's defaults in any project that installs this package:
Rekognition requests match on operation and parsed body, everything else exactly as vcrpy would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import vcr.matchers
from vcr.request import Request

from conformance.recording import EVERYTHING, REKOGNITION, Scope, operation_matcher, port_matcher

AWS = {"X-Amz-Target": "RekognitionService.SearchUsers"}
DYNAMO = {"X-Amz-Target": "DynamoDB_20120810.PutItem"}


def matches(r1: Request, r2: Request, scope: Scope = REKOGNITION) -> bool:
    """vcrpy's default match_on, with `port` replaced by ours and our operation matcher added."""
    checks: list[Callable[[Any, Any], None]] = [
        vcr.matchers.method,
        vcr.matchers.scheme,
        vcr.matchers.host,
        port_matcher(scope),
        vcr.matchers.path,
        vcr.matchers.query,
        operation_matcher(scope),
    ]
    try:
        for check in checks:
            check(r1, r2)
    except AssertionError:
        return False
    return True


def vcrpy_default(r1: Request, r2: Request) -> bool:
    names = ("method", "scheme", "host", "port", "path", "query")
    return vcr.matchers.requests_match(r1, r2, [getattr(vcr.matchers, n) for n in names])


def test_rekognition_requests_ignore_port_and_key_order() -> None:
    a = Request("POST", "http://127.0.0.1:4000/", b'{"CollectionId": "c", "UserId": "u"}', AWS)
    b = Request("POST", "http://127.0.0.1:5000/", b'{"UserId": "u", "CollectionId": "c"}', AWS)
    assert matches(a, b)


def test_rekognition_requests_with_other_bodies_or_operations_do_not_match() -> None:
    a = Request("POST", "http://h/", b'{"CollectionId": "c", "UserId": "u"}', AWS)
    b = Request("POST", "http://h/", b'{"CollectionId": "c", "UserId": "v"}', AWS)
    listing = Request("POST", "http://h/", b"{}", {"X-Amz-Target": "RekognitionService.ListUsers"})
    assert not matches(a, b)
    assert not matches(a, listing)


def test_a_rekognition_request_never_matches_another_service() -> None:
    a = Request("POST", "http://h/", b"{}", AWS)
    assert not matches(a, Request("POST", "http://h/", b"{}", DYNAMO))
    assert not matches(a, Request("POST", "http://h/", b"{}", {}))


@pytest.mark.parametrize(
    ("other", "body", "headers"),
    [
        ("http://api.example/items?page=2", b"second", {}),  # query differs
        ("http://api.example:8080/items?page=1", b"second", {}),  # port differs
        ("http://api.example/items?page=1", b"second", {}),  # only the body differs
        ("http://api.example/items?page=1", b'{"Item": {"id": "2"}}', DYNAMO),
        ("http://api.example:8080/items?page=1", b'{"Item": {"id": "2"}}', DYNAMO),
    ],
)
def test_other_requests_match_exactly_as_vcrpy_decides(
    other: str, body: bytes, headers: dict[str, str]
) -> None:
    a = Request("POST", "http://api.example/items?page=1", b'{"Item": {"id": "1"}}', headers)
    b = Request("POST", other, body, headers)
    assert matches(a, b) is vcrpy_default(a, b)


def test_an_explicit_scope_opts_other_services_in() -> None:
    a = Request("POST", "http://h:1/", b'{"Item": {"id": "1"}}', DYNAMO)
    b = Request("POST", "http://h:1/", b'{"Item": {"id": "2"}}', DYNAMO)
    same = Request("POST", "http://h:2/", b'{"Item":{"id":"1"}}', DYNAMO)
    assert matches(a, b) and not matches(a, same)  # by default: vcrpy's port, no body
    dynamo = Scope.of(["DynamoDB_20120810."])
    assert not matches(a, b, dynamo) and matches(a, same, dynamo)
    assert EVERYTHING(Request("GET", "http://h/", b"", {}))
    assert Scope.of([]) == REKOGNITION
