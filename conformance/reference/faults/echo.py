"""SearchedUser / SearchedFace / FaceModelVersion echoed wrongly, or not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.reference.faults import RequestPlan, Result
from conformance.reference.faults._kit import fault, search_fault

FAMILY = "echo"
USER = ("echo.searched-user",)
FACE = ("echo.searched-face",)
VERSION = ("echo.face-model-version",)


def _without(member: str) -> Callable[[RequestPlan, Result], Result]:
    def rewrite(_plan: RequestPlan, result: Result) -> Result:
        return {k: v for k, v in result.items() if k != member}

    return rewrite


def _user_id(change: Callable[[str], str]) -> Callable[[RequestPlan, Result], Result]:
    def rewrite(_plan: RequestPlan, result: Result) -> Result:
        searched = result.get("SearchedUser")
        if not isinstance(searched, dict):
            return result
        return {**result, "SearchedUser": {**searched, "UserId": change(searched["UserId"])}}

    return rewrite


def _both(plan: RequestPlan, result: Result) -> Result:
    """Echoes both members whatever the request named, from a shared response template."""
    original: dict[str, Any] = plan.original
    return {
        **result,
        "SearchedFace": {"FaceId": original.get("FaceId") or ""},
        "SearchedUser": {"UserId": original.get("UserId") or ""},
    }


def _face_upper(_plan: RequestPlan, result: Result) -> Result:
    searched = result.get("SearchedFace")
    if not isinstance(searched, dict):
        return result
    return {**result, "SearchedFace": {"FaceId": str(searched["FaceId"]).upper()}}


search_fault(
    "echo-user-missing",
    "searches by UserId answer no SearchedUser",
    USER,
    _without("SearchedUser"),
    FAMILY,
)
search_fault(
    "echo-face-missing",
    "searches by FaceId answer no SearchedFace",
    FACE,
    _without("SearchedFace"),
    FAMILY,
)
search_fault(
    "echo-user-lowercased",
    "SearchedUser.UserId is echoed lower-cased (a case-insensitive user table)",
    USER,
    _user_id(str.lower),
    FAMILY,
)
search_fault(
    "echo-user-truncated",
    "SearchedUser.UserId is echoed truncated to 64 characters (a VARCHAR(64) column)",
    USER,
    _user_id(lambda user_id: user_id[:64]),
    FAMILY,
)
search_fault(
    "echo-both",
    "both SearchedUser and SearchedFace are answered, one of them empty",
    ("echo.searched-user", "echo.searched-face", "response.schema"),
    _both,
    FAMILY,
)
search_fault(
    "echo-face-uppercased",
    "SearchedFace.FaceId is echoed in upper case (a UUID type's default formatting)",
    FACE,
    _face_upper,
    FAMILY,
)
search_fault(
    "face-model-version-missing",
    "successful searches carry no FaceModelVersion",
    VERSION,
    _without("FaceModelVersion"),
    FAMILY,
)


def _version(value: str) -> Callable[[RequestPlan, Result], Result]:
    def rewrite(_plan: RequestPlan, result: Result) -> Result:
        return {**result, "FaceModelVersion": value} if "FaceModelVersion" in result else result

    return rewrite


search_fault(
    "face-model-version-stale",
    "searches report FaceModelVersion 6.0 while the collection reports its own version",
    VERSION,
    _version("6.0-stale"),
    FAMILY,
)
fault(
    "describe-model-version-drift",
    "DescribeCollection reports a FaceModelVersion other than the one searches use",
    VERSION,
    FAMILY,
    frozenset({"DescribeCollection"}),
    on_result=_version("9.9"),
)
