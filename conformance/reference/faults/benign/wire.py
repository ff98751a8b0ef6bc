"""Wire-level freedom: header forms, error shapes and wording, extra members, model version.

botocore takes the error type from the body's `__type` (dropping a `namespace#` prefix and a
`:suffix`; a header beside it is harmless), the message from `message` or `Message`; media-type
parameters are allowed; members AWS adds later must be ignored; the request id is opaque; the
FaceModelVersion string only has to be one collection's own, consistently.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from conformance.contract.caller_view import output_shape
from conformance.contract.model import empty_output
from conformance.reference.faults import RequestPlan, ResponseHook, Result, WireResponse
from conformance.reference.faults._kit import (
    JSON_TYPE,
    SEARCH,
    VARIATION_FAMILY,
    asked,
    body_of,
    error,
    error_type,
    message,
    response_fault,
    variation,
)

UNKNOWN_ID_MESSAGE = "Request has invalid parameters"
MODEL_MEMBERS = ("FaceModelVersion", "IndexFacesModelVersion")


def _model_version_6(_plan: RequestPlan, result: Result) -> Result:
    out = {key: ("6" if key in MODEL_MEMBERS else value) for key, value in result.items()}
    if "FaceModelVersions" in out:
        out["FaceModelVersions"] = ["6"] * len(out["FaceModelVersions"])
    return out


variation(
    "face-model-version-6",
    'every operation reports FaceModelVersion "6" (AWS\'s own examples), consistently',
    on_result=_model_version_6,
)


def _rewrite_error(change: Callable[[WireResponse], WireResponse]) -> ResponseHook:
    def on_response(_operation: str | None, response: WireResponse) -> WireResponse:
        if response.status < 400 or not error_type(response):
            return response
        return change(response)

    return on_response


def _reworded(response: WireResponse) -> WireResponse:
    body = {**body_of(response), "Message": f"Rejected: {message(response).lower()}."}
    return WireResponse(response.status, response.headers, json.dumps(body).encode())


variation(
    "error-messages-reworded",
    "error messages use other wording (AWS's exact messages are not part of the contract)",
    on_response=_rewrite_error(_reworded),
)


def _qualified(response: WireResponse) -> WireResponse:
    kind = error_type(response)
    headers = {
        **response.headers,
        "X-Amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/com.amazonaws.rekognition/",
    }
    body = {"__type": f"com.amazonaws.rekognition#{kind}", "message": message(response)}
    return WireResponse(response.status, headers, json.dumps(body).encode())


variation(
    "error-type-qualified",
    "error types carry a namespace# prefix in __type and a :suffix in X-Amzn-Errortype",
    on_response=_rewrite_error(_qualified),
)


def _empty_body(operation: str | None, response: WireResponse) -> WireResponse:
    if response.status != 200 or operation is None or not empty_output(operation):
        return response
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return WireResponse(200, headers, b"")


variation(
    "empty-body-for-empty-output",
    "operations whose documented output is empty (CreateUser, DeleteUser) answer HTTP 200 with "
    "an empty body, as AWS documents",
    on_response=_empty_body,
)


def _absent_as_null(plan: RequestPlan, result: Result) -> Result:
    members = getattr(output_shape(plan.operation), "members", {})
    return {**dict.fromkeys(members), **{k: v for k, v in result.items() if v is not None}}


variation(
    "null-for-absent-members",
    "answers spell every absent output member as JSON null (SearchedFace: null, NextToken: null),"
    " as Jackson-style serialisers do; null is absent in AWS JSON 1.1",
    on_result=_absent_as_null,
)


def _charset(_operation: str | None, response: WireResponse) -> WireResponse:
    headers = {**response.headers, "Content-Type": f"{JSON_TYPE}; charset=utf-8"}
    return WireResponse(response.status, headers, response.body)


variation(
    "content-type-charset",
    "Content-Type: application/x-amz-json-1.1; charset=utf-8",
    on_response=_charset,
)


def _request_id_hex(_operation: str | None, response: WireResponse) -> WireResponse:
    headers = {**response.headers, "x-amzn-RequestId": uuid.uuid4().hex.upper()}
    return WireResponse(response.status, headers, response.body)


variation(
    "request-id-hex",
    "x-amzn-RequestId is 32 upper-case hex digits instead of a dashed UUID (it is opaque)",
    on_response=_request_id_hex,
)


def _extra_members(_plan: RequestPlan, result: Result) -> Result:
    found = [{**m, "MatchDetail": {"Faces": 1}} for m in result.get("UserMatches") or []]
    extra: Result = {"SearchLatencyMillis": 3, "UnsearchedFaces": []}
    return {**result, **extra, "UserMatches": found}


variation(
    "extra-response-members",
    "SearchUsers answers carry members the model does not know yet, at top level and per match",
    operations=SEARCH,
    on_result=_extra_members,
)


def _unknown_face_not_found(
    plan: RequestPlan | None, response: WireResponse
) -> WireResponse | None:
    """Only the unknown-face answer is retyped: a malformed FaceId stays InvalidParameter."""
    by_face_only = asked(plan, "FaceId") is not None and asked(plan, "UserId") is None
    unknown = (error_type(response), message(response)) == (
        "InvalidParameterException",
        UNKNOWN_ID_MESSAGE,
    )
    if not (by_face_only and unknown):
        return None
    return error(400, "ResourceNotFoundException", "The face does not exist in the collection")


response_fault(
    "unknown-face-resource-not-found",
    "an unknown FaceId is ResourceNotFoundException (SearchFaces was seen to say InvalidParameter)",
    ("errors.unknown-face-type",),
    _unknown_face_not_found,
    VARIATION_FAMILY,
    benign=True,
)
