"""The AWS JSON 1.1 wire format broken: headers, content types, bodies, unknown targets."""

from __future__ import annotations

from conformance.reference.faults import RequestPlan, ResponseHook, WireResponse
from conformance.reference.faults._kit import (
    error_type,
    fault,
    json_response,
    response_fault,
)

FAMILY = "protocol"
EVERYTHING: frozenset[str] = frozenset()


def _content_type(value: str) -> ResponseHook:
    def rewrite(_operation: str | None, response: WireResponse) -> WireResponse:
        return WireResponse(
            response.status, {**response.headers, "Content-Type": value}, response.body
        )

    return rewrite


def _no_request_id(_operation: str | None, response: WireResponse) -> WireResponse:
    headers = {k: v for k, v in response.headers.items() if k.lower() != "x-amzn-requestid"}
    return WireResponse(response.status, headers, response.body)


fault(
    "wrong-content-type",
    "every response says Content-Type: application/json (JSON, but not AWS's media type)",
    ("response.content-type-exact",),
    FAMILY,
    on_response=_content_type("application/json"),
    strict=True,
)
fault(
    "content-type-text-plain",
    "every response says Content-Type: text/plain",
    ("response.content-type",),
    FAMILY,
    on_response=_content_type("text/plain; charset=utf-8"),
)
fault(
    "missing-request-id",
    "responses carry no x-amzn-RequestId header",
    ("response.request-id",),
    FAMILY,
    on_response=_no_request_id,
)

HTML = b"<html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1></body></html>"


def _html_errors(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    if response.status < 400:
        return None
    return WireResponse(response.status, {"Content-Type": "text/html"}, HTML)


response_fault(
    "html-error-pages",
    "errors come back as a web server's HTML error page",
    ("response.json-body", "errors.body", "errors.error-type"),
    _html_errors,
    FAMILY,
)


def _serialization_crash(plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    if plan is not None or error_type(response) != "SerializationException":
        return None
    return json_response(
        500,
        {"__type": "InternalServerError", "message": "unexpected token"},
        **{"X-Amzn-ErrorType": "InternalServerError"},
    )


response_fault(
    "malformed-body-500",
    "a body that is not JSON crashes the parser: 500 InternalServerError",
    ("protocol.malformed-body",),
    _serialization_crash,
    FAMILY,
)


def _unknown_operation_ok(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    if error_type(response) != "UnknownOperationException":
        return None
    return json_response(200, {})


response_fault(
    "unknown-operation-200",
    "a missing or unknown X-Amz-Target answers 200 {} (a catch-all route)",
    ("protocol.unknown-operation",),
    _unknown_operation_ok,
    FAMILY,
    operations=EVERYTHING,
    needs_writes="read-only runs send no request outside the four read operations",
)
