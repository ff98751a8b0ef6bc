"""Answers a boto3 caller cannot read as written: botocore's parser drops or chokes on them.

Each looks plausible on the wire (a JavaScript or Smithy-generated server's habits), which is
why only the rules that run botocore's own parser (`sdk.*`) name the cause.
"""

from __future__ import annotations

from typing import Any

from conformance.reference.faults import RequestPlan, Result
from conformance.reference.faults._kit import search_fault

FAMILY = "sdk"


def _camel(value: Any) -> Any:
    """`UserMatches` -> `userMatches`, recursively, values untouched."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _camel_case(_plan: RequestPlan, result: Result) -> Result:
    camel: Result = _camel(result)
    return camel


search_fault(
    "members-camel-case",
    "SearchUsers answers in camelCase (userMatches, similarity, faceModelVersion): valid JSON, "
    "but botocore reads only the modeled spelling, so boto3 callers get an empty answer",
    ("sdk.members",),
    _camel_case,
    FAMILY,
)


def _keyed_by_user(_plan: RequestPlan, result: Result) -> Result:
    found = result.get("UserMatches") or []
    keyed = {m["User"]["UserId"]: m for m in found if isinstance(m, dict) and "User" in m}
    return {**result, "UserMatches": keyed}


search_fault(
    "user-matches-keyed-by-user",
    "UserMatches is a JSON object keyed by UserId instead of a list: botocore's parser raises",
    ("sdk.members", "response.schema"),
    _keyed_by_user,
    FAMILY,
)
