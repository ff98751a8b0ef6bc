"""How a SearchUsers error must look, and which errors unknown resources must produce.

The accepted error types are SearchUsers' documented exceptions plus the errors any AWS
JSON 1.1 front end answers before the operation runs (authentication, signing, protocol,
availability): a correct self-hosted service behind an AWS-style gateway legitimately produces
those, and every SDK maps them to a ClientError with a code.
"""

from __future__ import annotations

from typing import Any

from conformance.contract.errors import wire_error_types
from conformance.evidence import CollectionView
from conformance.evidence.reading import (
    SearchRequest,
    body_of,
    describe_violations,
    outcome,
    search_request,
)
from conformance.exchange import Exchange
from conformance.rules.base import Finding, Level, passed, violated
from conformance.rules.image_requests import ImageRequest, image_request
from conformance.rules.per_exchange import search_rule
from conformance.rules.sources import (
    api,
    code,
    common_errors,
    guide,
    json_protocol,
    model,
    observed,
)
from conformance.schemas import validate_error

FAMILY = "errors"

#: SearchUsers' exceptions in the service model; all but the last two are 400 there.
DOCUMENTED_400 = frozenset(
    {
        "InvalidParameterException",
        "ResourceNotFoundException",
        "ProvisionedThroughputExceededException",
        "AccessDeniedException",
    }
)
INTERNAL_SERVER_ERROR = "InternalServerError"
THROTTLING = "ThrottlingException"
"""Documented both as 400 ("Slow down") and 500 ("Service Unavailable")."""

#: AWS's "Common Errors" (every service may answer them) that mean the server failed.
COMMON_SERVER_ERRORS = frozenset(
    {"InternalFailure", "ServiceUnavailable", "ServiceUnavailableException"}
)

#: Errors an AWS JSON 1.1 endpoint answers before dispatching to the operation: the "Common
#: Errors" page of the API references plus the JSON protocol's own (botocore models and
#: observed responses: a bad body is SerializationException, an unknown target
#: UnknownOperationException, credential and signature problems the *Token*/Signature ones).
COMMON_CLIENT_ERRORS = frozenset(
    {
        "SerializationException",
        "UnknownOperationException",
        "ValidationException",
        "ValidationError",
        "InvalidSignatureException",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "RequestExpired",
        "NotAuthorized",
        "OptInRequired",
        "InvalidAction",
        "MissingAction",
        "MissingParameter",
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "InvalidQueryParameter",
        "MalformedQueryString",
        "RequestEntityTooLargeException",
    }
)
KNOWN_ERRORS = (
    DOCUMENTED_400
    | COMMON_CLIENT_ERRORS
    | COMMON_SERVER_ERRORS
    | {INTERNAL_SERVER_ERROR, THROTTLING}
)
IMAGE_400 = frozenset(
    {"InvalidImageFormatException", "ImageTooLargeException", "InvalidS3ObjectException"}
)
"""SearchUsersByImage's exceptions beyond SearchUsers' (400, as every Rekognition client error)."""
NOT_FOUND = "ResourceNotFoundException"
INVALID_PARAMETER = "InvalidParameterException"


@search_rule(
    "errors.error-type",
    "An error response names its type in the body's __type (the only place botocore, and so "
    "boto3 and the AWS CLI, reads it), and the type is one of the operation's documented "
    "errors (SearchUsersByImage adds its image errors) or a common AWS JSON 1.1 "
    "protocol/authentication error.",
    source=(
        model("SearchUsers", note="its errors"),
        model("SearchUsersByImage", note="its errors"),
        common_errors(),
        json_protocol(),
        code("botocore parsers.BaseJSONParser._do_error_parse"),
    ),
    family=FAMILY,
    leaves_open="Smithy's awsJson1_1 rules also read X-Amzn-Errortype and a body code (before "
    "__type); the gate follows botocore, the client of record: a type only there reaches every "
    "boto3 caller as the HTTP status (sdk.error-code says so per answer).",
)
def error_type(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    if exchange.ok:
        return None
    kind = exchange.error_type
    image = exchange.operation == "SearchUsersByImage"
    if kind in KNOWN_ERRORS or (image and kind in IMAGE_400):
        return passed(exchange)
    if kind is None:
        elsewhere = wire_error_types(exchange.response_headers, body_of(exchange))
        where = "; ".join(f"{place} {name!r}" for place, name in elsewhere.items())
        return violated(
            f"HTTP {exchange.status} names no error type in __type"
            + (f" (only in {where}, which botocore ignores)" if where else "")
            + f": boto3 hands the caller Code '{exchange.status}'",
            exchange,
        )
    return violated(f"error type {kind!r} is not one SearchUsers or AWS can answer", exchange)


def expected_statuses(kind: str | None) -> tuple[str, range | tuple[int, ...]]:
    """The statuses a client may see with error type `kind`, and how to say so."""
    if kind in DOCUMENTED_400 | IMAGE_400:
        return "400", (400,)
    if kind == INTERNAL_SERVER_ERROR:
        return "500", (500,)
    if kind == THROTTLING:
        return "400, 429 or 5xx", (400, 429, *range(500, 600))
    if kind in COMMON_SERVER_ERRORS:
        return "5xx", range(500, 600)
    if kind in COMMON_CLIENT_ERRORS:
        return "4xx", range(400, 500)
    return "4xx or 5xx", range(400, 600)


@search_rule(
    "errors.status",
    "An error's HTTP status matches its type: 400 for the documented client errors, 4xx for "
    "other client errors, 500 for InternalServerError, 400 or 5xx for ThrottlingException.",
    source=(
        api("SearchUsers", note="HTTP status per error"),
        guide("error-handling", "developer guide: error handling", note="status codes"),
        common_errors(),
    ),
    family=FAMILY,
)
def status(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    if exchange.ok:
        return None
    wanted, statuses = expected_statuses(exchange.error_type)
    if exchange.status in statuses:
        return passed(exchange)
    return violated(
        f"HTTP {exchange.status} with error type {exchange.error_type!r}; expected {wanted}",
        exchange,
    )


@search_rule(
    "errors.body",
    "An error body is a valid AWS JSON 1.1 error document as botocore reads it: the type in "
    "__type (optionally namespace#-prefixed or :suffixed) and, when present, a string message.",
    source=(
        json_protocol(note="error responses"),
        guide("error-handling", "developer guide: error handling", note="its error example"),
        code("botocore parsers.BaseJSONParser._do_error_parse"),
    ),
    family=FAMILY,
    leaves_open="The exact error messages. An X-Amzn-Errortype header or a body code beside "
    "__type (Smithy reads them first; botocore ignores them).",
)
def body(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    document = body_of(exchange)
    if exchange.ok or document is None:
        return None  # a non-object body is response.json-body's
    try:
        problems = validate_error(document)
    except Exception as exc:  # an unvalidatable body is an invalid one
        return violated(f"error body could not be validated: {exc}", exchange)
    return violated(describe_violations(problems), exchange) if problems else passed(exchange)


@search_rule(
    "errors.unknown-collection",
    "A well-formed search (schema-valid, exactly one of UserId/FaceId; by image: a picture "
    "within the documented limits) of a collection known not to exist gets "
    "ResourceNotFoundException, not InvalidParameterException: this also shows that ids at "
    "the format boundaries are accepted.",
    source=(
        model(
            "ResourceNotFoundException", "The resource specified in the request cannot be found."
        ),
        observed("AWS answers", note="ResourceNotFoundException to an unknown CollectionId"),
    ),
    family=FAMILY,
)
def unknown_collection(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request: SearchRequest | ImageRequest | None = (
        image_request(exchange)
        if exchange.operation == "SearchUsersByImage"
        else search_request(exchange)
    )
    if view is None or view.exists is not False or request is None or not request.well_formed:
        return None
    if exchange.error_type == NOT_FOUND:
        return passed(exchange)
    return violated(
        f"{outcome(exchange)} for collection {request.collection_id!r} known not to exist; "
        f"expected {NOT_FOUND}",
        exchange,
    )


def _unknown_id(exchange: Exchange, view: CollectionView | None, kind: str) -> Any:
    """The searched id when a complete listing of this epoch shows it does not exist."""
    request = search_request(exchange)
    if view is None or request is None or not request.well_formed or request.kind != kind:
        return None
    known = view.users if kind == "UserId" else view.faces
    if known is None or request.query_id in known:
        return None
    return request.query_id


def _rejected(exchange: Exchange, view: CollectionView | None, kind: str) -> Finding | None:
    searched = _unknown_id(exchange, view, kind)
    if searched is None:
        return None
    sources = view.listing_sources if view is not None else []
    if exchange.client_error:
        return passed(exchange, *sources)
    return violated(
        f"{outcome(exchange)} for {kind} {searched!r}, absent from the complete listing",
        exchange,
        *sources,
    )


def _typed(exchange: Exchange, view: CollectionView | None, kind: str) -> Finding | None:
    if not exchange.client_error or _unknown_id(exchange, view, kind) is None:
        return None
    if exchange.error_type == INVALID_PARAMETER:
        return passed(exchange)
    return violated(
        f"unknown {kind} answered {exchange.error_type!r}, expected {INVALID_PARAMETER}", exchange
    )


@search_rule(
    "errors.unknown-user",
    "A well-formed UserId absent from a complete ListUsers listing (same epoch) gets a 4xx.",
    source=observed("AWS answers", note="InvalidParameterException for an unknown UserId"),
    family=FAMILY,
)
def unknown_user(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    return _rejected(exchange, view, "UserId")


@search_rule(
    "errors.unknown-user-type",
    "That rejection is InvalidParameterException.",
    source=observed("AWS CLI output", "InvalidParameterException: Request has invalid parameters"),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="The message text.",
)
def unknown_user_type(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    return _typed(exchange, view, "UserId")


@search_rule(
    "errors.unknown-face",
    "A well-formed FaceId absent from a complete ListFaces listing (same epoch) gets a 4xx.",
    source=api("SearchUsers", "ID for the existing face.", note="AWS's own answer is undocumented"),
    family=FAMILY,
)
def unknown_face(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    return _rejected(exchange, view, "FaceId")


@search_rule(
    "errors.unknown-face-type",
    "That rejection is InvalidParameterException.",
    source=observed(
        "SearchFaces answers",
        "faceId was not found in the collection.",
        note="none for SearchUsers: parity with SearchFaces and with an unknown UserId",
    ),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="The message text.",
)
def unknown_face_type(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    return _typed(exchange, view, "FaceId")
