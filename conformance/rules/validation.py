"""Which requests a target must refuse, and which it must serve.

Validity is decided from the request alone (the committed request schema plus the documented
"either FaceId or UserId"), and existence from listings of the same epoch, so a target is never
judged by what our reference happens to accept.
"""

from __future__ import annotations

from conformance.evidence import CollectionView
from conformance.evidence.reading import (
    TRANSITIONAL,
    SearchRequest,
    describe_violations,
    outcome,
    search_request,
)
from conformance.exchange import Exchange
from conformance.rules.base import Finding, Level, passed, violated
from conformance.rules.per_exchange import search_rule
from conformance.rules.sources import api, model, observed

FAMILY = "validation"
INVALID_PARAMETER = "InvalidParameterException"
SERIALIZATION = "SerializationException"


def _invalid(exchange: Exchange) -> SearchRequest | None:
    """The request if it breaks a schema constraint (unknown members aside)."""
    request = search_request(exchange)
    return request if request is not None and request.constraint_violations else None


def _missing_ids(exchange: Exchange) -> SearchRequest | None:
    """The request if it is otherwise valid but names neither UserId nor FaceId."""
    request = search_request(exchange)
    if request is None or request.constraint_violations or request.ambiguous or request.ids_given:
        return None
    return request


@search_rule(
    "validation.rejects-invalid",
    "A request violating a schema constraint (length, pattern, range, type, missing "
    "CollectionId) gets a 4xx, never a 2xx or a 5xx.",
    source=model("SearchUsersRequest", note="member constraints"),
    family=FAMILY,
    leaves_open="Requests with unknown members (AWS may ignore or refuse them).",
)
def rejects_invalid(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = _invalid(exchange)
    if request is None:
        return None
    if exchange.client_error:
        return passed(exchange)
    return violated(
        f"{outcome(exchange)} for an invalid request "
        f"({describe_violations(request.constraint_violations)})",
        exchange,
    )


@search_rule(
    "validation.requires-an-id",
    "A request with neither UserId nor FaceId gets a 4xx.",
    source=api("SearchUsers", "The request must be provided with either FaceId or UserId."),
    family=FAMILY,
    leaves_open="A request with both UserId and FaceId (undocumented; not judged).",
)
def requires_an_id(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    if _missing_ids(exchange) is None:
        return None
    if exchange.client_error:
        return passed(exchange)
    return violated(f"{outcome(exchange)} for a request with neither UserId nor FaceId", exchange)


def accepted_types(request: SearchRequest) -> frozenset[str]:
    """InvalidParameterException always; SerializationException too when a member has the
    wrong JSON type, since AWS JSON front ends refuse such a body before validation runs."""
    if any(v.keyword == "type" for v in request.constraint_violations):
        return frozenset({INVALID_PARAMETER, SERIALIZATION})
    return frozenset({INVALID_PARAMETER})


@search_rule(
    "validation.invalid-parameter",
    "Such a rejection is InvalidParameterException (SerializationException accepted when a "
    "member has the wrong JSON type).",
    source=(
        model(
            "InvalidParameterException",
            "Input parameter violated a constraint.",
        ),
        observed(
            "AWS JSON 1.1 endpoints",
            note="answer SerializationException to ill-typed members",
        ),
    ),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="ValidationException is not accepted: SearchUsers does not declare it, so SDK "
    "users catching InvalidParameterException would miss it. Messages are not judged.",
)
def invalid_parameter(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = _invalid(exchange) or _missing_ids(exchange)
    if request is None or not exchange.client_error:
        return None
    wanted = accepted_types(request)
    if exchange.error_type in wanted:
        return passed(exchange)
    return violated(
        f"invalid request answered {exchange.error_type!r}, expected {' or '.join(sorted(wanted))}",
        exchange,
    )


def _known(request: SearchRequest, view: CollectionView) -> bool:
    """Whether the searched id certainly exists and is searchable in this epoch."""
    if request.kind == "FaceId":
        return view.faces is not None and request.query_id in view.faces
    with_faces = view.users_with_faces()
    return (
        view.users is not None
        and with_faces is not None
        and request.query_id in with_faces
        and request.query_id in view.users
        and view.users[request.query_id] not in TRANSITIONAL
    )


@search_rule(
    "validation.accepts-valid",
    "A well-formed request (schema-valid, exactly one of UserId/FaceId) for an existing "
    "collection, naming a face listed by ListFaces or a user listed by ListUsers with at least "
    "one face, gets a 2xx, boundary values included.",
    source=model("SearchUsersRequest", note="member constraints"),
    family=FAMILY,
    leaves_open="Searching a user that has no face, or whose associations are still in "
    "progress (UPDATING); a MaxUsers written as a float (5.0).",
)
def accepts_valid(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = search_request(exchange)
    if view is None or not view.exists or request is None or not request.well_formed:
        return None
    if not _known(request, view):
        return None
    if exchange.ok:
        return passed(exchange)
    return violated(f"{outcome(exchange)} for a valid request", exchange, *view.listing_sources)
