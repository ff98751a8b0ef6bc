"""Input validation too strict at the boundaries, or too lenient beyond them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.reference.faults import RequestPlan, WireResponse
from conformance.reference.faults._kit import (
    error,
    json_response,
    params_fault,
    response_fault,
)

FAMILY = "validation"
ACCEPTS_VALID = ("validation.accepts-valid",)
REJECTS_INVALID = ("validation.rejects-invalid",)

Condition = Callable[[dict[str, Any]], bool]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _failing(when: Condition, status: int, kind: str) -> Any:
    def rewrite(plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
        original = plan.original if plan is not None else None
        if response.status != 200 or not isinstance(original, dict) or not when(original):
            return None
        return error(status, kind, "Request has invalid parameters")

    return rewrite


def _boundary(name: str, description: str, when: Condition, status: int = 500) -> None:
    kind = "InternalServerError" if status == 500 else "InvalidParameterException"
    response_fault(name, description, ACCEPTS_VALID, _failing(when, status, kind), FAMILY)


_boundary(
    "crash-at-max-users-500",
    "MaxUsers 500 (the maximum) crashes with a 500",
    lambda p: p.get("MaxUsers") == 500,
)
_boundary(
    "crash-at-threshold-100",
    "UserMatchThreshold 100 (the maximum) crashes with a 500",
    lambda p: _number(p.get("UserMatchThreshold")) and p["UserMatchThreshold"] == 100,
)
_boundary(
    "crash-at-128-char-user-id",
    "a 128-character UserId (the maximum) crashes with a 500",
    lambda p: isinstance(p.get("UserId"), str) and len(p["UserId"]) == 128,
)
_boundary(
    "rejects-threshold-0",
    "UserMatchThreshold 0 is rejected (0 treated as missing/falsy)",
    lambda p: _number(p.get("UserMatchThreshold")) and p["UserMatchThreshold"] == 0,
    400,
)
_boundary(
    "rejects-colon-in-user-id",
    "UserIds containing ':' are rejected (the pattern copied without ':')",
    lambda p: ":" in str(p.get("UserId", "")),
    400,
)
_boundary(
    "rejects-dot-in-ids",
    "UserIds or CollectionIds containing '.' are rejected",
    lambda p: "." in str(p.get("UserId", "")) or "." in str(p.get("CollectionId", "")),
    400,
)
_boundary(
    "rejects-max-users-above-100",
    "MaxUsers above 100 is rejected (the limit of another API copied over)",
    lambda p: _number(p.get("MaxUsers")) and p["MaxUsers"] > 100,
    400,
)


def _clamp(member: str, low: float, high: float) -> Callable[[dict[str, Any]], None]:
    def rewrite(params: dict[str, Any]) -> None:
        value = params.get(member)
        if isinstance(value, int | float) and not isinstance(value, bool):
            params[member] = type(value)(min(max(value, low), high))

    return rewrite


params_fault(
    "accepts-threshold-out-of-range",
    "UserMatchThreshold outside 0..100 is clamped instead of rejected",
    REJECTS_INVALID,
    _clamp("UserMatchThreshold", 0, 100),
    FAMILY,
)
params_fault(
    "accepts-max-users-out-of-range",
    "MaxUsers 0 or 501 is clamped to 1..500 instead of rejected",
    REJECTS_INVALID,
    _clamp("MaxUsers", 1, 500),
    FAMILY,
)


def _lowercase_face(params: dict[str, Any]) -> None:
    if isinstance(params.get("FaceId"), str):
        params["FaceId"] = params["FaceId"].lower()


params_fault(
    "accepts-uppercase-face-id",
    "an upper-case FaceId is lower-cased and searched instead of rejected",
    REJECTS_INVALID,
    _lowercase_face,
    FAMILY,
)


def _drop_wrong_types(params: dict[str, Any]) -> None:
    for member, kind in (("UserMatchThreshold", (int, float)), ("MaxUsers", (int,))):
        if member in params and not isinstance(params[member], kind):
            del params[member]
    for member in ("UserId", "FaceId", "CollectionId"):
        value = params.get(member)
        if isinstance(value, list) and value:
            params[member] = value[0]


params_fault(
    "accepts-wrong-types",
    "members of the wrong JSON type are unwrapped or dropped instead of rejected",
    REJECTS_INVALID,
    _drop_wrong_types,
    FAMILY,
)


def _neither_id_empty(plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    original = plan.original if plan is not None else None
    if not isinstance(original, dict) or "UserId" in original or "FaceId" in original:
        return None
    if "CollectionId" not in original or response.status != 400:
        return None
    return json_response(200, {"UserMatches": [], "FaceModelVersion": "7.0"})


response_fault(
    "accepts-neither-id",
    "a search with neither UserId nor FaceId answers 200 with no matches",
    ("validation.requires-an-id",),
    _neither_id_empty,
    FAMILY,
)
