"""Errors of the wrong kind: unknown ids answered 200, wrong types, statuses and bodies."""

from __future__ import annotations

from conformance.reference.faults import RequestPlan, WireResponse
from conformance.reference.faults._kit import (
    ResponseRewrite,
    asked,
    error,
    error_type,
    json_response,
    message,
    response_fault,
)

FAMILY = "errors"
UNKNOWN_ID_MESSAGE = "Request has invalid parameters"
"""The reference's (and AWS's observed) message for an unknown UserId or FaceId."""


def _unknown(member: str) -> ResponseRewrite:
    def rewrite(plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
        if asked(plan, member) is None or error_type(response) != "InvalidParameterException":
            return None
        if message(response) != UNKNOWN_ID_MESSAGE:
            return None
        return json_response(200, {"UserMatches": [], "FaceModelVersion": "7.0"})

    return rewrite


def _missing_collection_empty(
    _plan: RequestPlan | None, response: WireResponse
) -> WireResponse | None:
    if error_type(response) != "ResourceNotFoundException":
        return None
    return json_response(200, {"UserMatches": []})


response_fault(
    "unknown-collection-empty-200",
    "a search of a collection that does not exist answers 200 with no matches",
    ("errors.unknown-collection",),
    _missing_collection_empty,
    FAMILY,
)
response_fault(
    "unknown-user-empty-200",
    "a search by an unknown UserId answers 200 with no matches",
    ("errors.unknown-user",),
    _unknown("UserId"),
    FAMILY,
)
response_fault(
    "unknown-face-empty-200",
    "a search by an unknown FaceId answers 200 with no matches",
    ("errors.unknown-face",),
    _unknown("FaceId"),
    FAMILY,
)


def _unknown_user_not_found(
    plan: RequestPlan | None, response: WireResponse
) -> WireResponse | None:
    if asked(plan, "UserId") is None or error_type(response) != "InvalidParameterException":
        return None
    if message(response) != UNKNOWN_ID_MESSAGE:
        return None
    return error(400, "ResourceNotFoundException", "The user does not exist")


response_fault(
    "unknown-user-not-found",
    "an unknown UserId is ResourceNotFoundException (AWS answers InvalidParameterException)",
    ("errors.unknown-user-type",),
    _unknown_user_not_found,
    FAMILY,
    strict=True,
)


def _retyped(kind: str, status: int) -> ResponseRewrite:
    def rewrite(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
        if error_type(response) != "InvalidParameterException":
            return None
        return error(status, kind, message(response))

    return rewrite


response_fault(
    "validation-exception-type",
    "invalid input is ValidationException (the generic Smithy type, not one SearchUsers has)",
    ("validation.invalid-parameter", "errors.error-type"),
    _retyped("ValidationException", 400),
    FAMILY,
    strict=True,
)
response_fault(
    "invalid-input-500",
    "invalid input crashes: 500 InternalServerError instead of a 4xx",
    ("validation.rejects-invalid",),
    _retyped("InternalServerError", 500),
    FAMILY,
)


def _not_found_404(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    if error_type(response) != "ResourceNotFoundException":
        return None
    return WireResponse(404, dict(response.headers), response.body)


response_fault(
    "not-found-404",
    "ResourceNotFoundException is sent with HTTP 404 (a REST habit) instead of 400",
    ("errors.status",),
    _not_found_404,
    FAMILY,
)


def _errors_as_200(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    if response.status < 400:
        return None
    return WireResponse(200, dict(response.headers), response.body)


response_fault(
    "errors-with-200",
    "errors are sent with HTTP 200 and the error document as the body",
    ("validation.rejects-invalid", "errors.unknown-collection", "response.schema"),
    _errors_as_200,
    FAMILY,
)


def _untyped(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    if response.status < 400:
        return None
    headers = {k: v for k, v in response.headers.items() if k.lower() != "x-amzn-errortype"}
    body = json_response(0, {"message": message(response)}).body
    return WireResponse(response.status, headers, body)


response_fault(
    "error-without-type",
    "error bodies carry only a message: no __type and no X-Amzn-ErrorType header",
    ("errors.error-type", "errors.body"),
    _untyped,
    FAMILY,
)


def _typed_outside_body(keep_code: bool) -> ResponseRewrite:
    """The type only where Smithy looks first and botocore never does: X-Amzn-Errortype (and a
    lower-case `code`), so every boto3 caller gets `Code '400'` and no modeled exception."""

    def rewrite(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
        kind = error_type(response)
        if response.status < 400 or not kind:
            return None
        body = {"code": kind} if keep_code else {}
        answer = json_response(response.status, {**body, "message": message(response)})
        answer.headers["X-Amzn-ErrorType"] = kind
        return answer

    return rewrite


response_fault(
    "error-type-header-and-code",
    "error bodies carry no __type: the type is in X-Amzn-Errortype and a lower-case `code`, "
    "which botocore ignores",
    ("sdk.error-code", "errors.error-type", "errors.body"),
    _typed_outside_body(keep_code=True),
    FAMILY,
)
response_fault(
    "error-type-header-only",
    "errors name their type only in the X-Amzn-Errortype header (no __type), which botocore "
    "ignores",
    ("sdk.error-code", "errors.error-type", "errors.body"),
    _typed_outside_body(keep_code=False),
    FAMILY,
)
