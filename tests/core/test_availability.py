"""Reading "this operation is not implemented" from answers: strict, so no correct target is
ever called unimplemented (unit level: exchanges built in-process, no server needed)."""

from __future__ import annotations

import json

import pytest

from conformance.availability import missing_shape, unavailable
from conformance.exchange import Exchange

JSON = {"content-type": "application/x-amz-json-1.1"}
HTML = {"content-type": "text/html; charset=utf-8"}


def answer(
    status: int,
    body: object,
    headers: dict[str, str],
    operation: str = "SearchUsers",
    index: int = 1,
) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange(index, operation, {}, {}, b"{}", status, headers, raw)


def typed(kind: str, status: int = 400) -> tuple[int, object, dict[str, str]]:
    return status, {"__type": kind, "message": kind}, JSON


@pytest.mark.parametrize(
    ("status", "body", "headers", "shape"),
    [
        (500, b"<html><h1>Internal Server Error</h1></html>", HTML, "HTTP 500 text/html"),
        (500, b"", {}, "HTTP 500 no Content-Type, an empty body"),
        (
            500,
            b" \n" * 3,
            JSON,
            "HTTP 500 application/x-amz-json-1.1, a body of 6 bytes of whitespace only",
        ),
        (500, {"message": "boom"}, JSON, "HTTP 500 application/x-amz-json-1.1"),
        (*typed("UnknownOperationException"), "HTTP 400 UnknownOperationException"),
        (
            *typed("com.amazon.coral.service#UnknownOperationException"),
            "HTTP 400 UnknownOperationException",
        ),
        (*typed("InternalFailure", 501), "HTTP 501 InternalFailure"),
        (404, b"Not Found", {"content-type": "text/plain"}, "HTTP 404 text/plain"),
    ],
)
def test_answers_that_say_the_operation_is_missing(
    status: int, body: object, headers: dict[str, str], shape: str
) -> None:
    assert missing_shape(answer(status, body, headers)) == shape


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        typed("InternalServerError", 500),  # a correct implementation's bad moment
        typed("ResourceNotFoundException"),
        typed("ValidationException"),
        typed("ThrottlingException"),
        (503, b"<html>Service Unavailable</html>", HTML),  # throttling, not absence
        (502, b"<html>502 Bad Gateway</html>", HTML),  # the proxy in front, not the target
        (504, b"<html>Gateway Timeout</html>", HTML),
        (200, b"<html>ok</html>", HTML),  # a wrong success is for the rules to judge
        (400, b"bad request", {"content-type": "text/plain"}),  # an untyped 400 is a rule's
    ],
)
def test_answers_that_do_not(status: int, body: object, headers: dict[str, str]) -> None:
    assert missing_shape(answer(status, body, headers)) is None


def test_one_real_answer_among_many_keeps_the_operation_available() -> None:
    page = b"<html>500</html>"
    log = [answer(500, page, HTML, index=i) for i in range(1, 40)]
    assert [u.line() for u in unavailable(log)] == [
        "SearchUsers is not implemented by this target (39/39 answers: HTTP 500 text/html)"
    ]
    log.append(answer(200, {"UserMatches": []}, JSON, index=40))
    assert unavailable(log) == []


def test_missing_operations_come_in_implementation_order_and_probes_never_count() -> None:
    page = b"<html>500</html>"
    log = [
        answer(500, page, HTML, operation, index)
        for index, operation in enumerate(
            ["SearchUsers", "DeleteFaces", "IndexFaces", "SearchUsersConformanceProbe", None], 1
        )
    ]
    assert [u.operation for u in unavailable(log)] == ["IndexFaces", "SearchUsers", "DeleteFaces"]


def test_hang_ups_make_an_operation_missing_only_without_a_real_answer() -> None:
    """A call the target closed without answering counts like a missing-shaped answer; one real
    answer (a typed error) still proves the operation is there."""
    gaps = unavailable([], {"SearchUsers": 2})
    assert [gap.line() for gap in gaps] == [
        "SearchUsers is not implemented by this target "
        "(2/2 calls: connection closed without an answer)"
    ]
    found = answer(*typed("ResourceNotFoundException"))
    assert unavailable([found], {"SearchUsers": 1}) == []
    html = answer(500, b"<html></html>", HTML)
    [mixed] = unavailable([html], {"SearchUsers": 1})
    assert mixed.answers == 2 and "3 calls" not in mixed.line()
    assert "HTTP 500 text/html x1" in mixed.line() and "without an answer x1" in mixed.line()
