"""A JSON `null` member is an absent member.

AWS JSON 1.1 servers read `{"MaxUsers": null}` as a request without MaxUsers, Smithy's
protocol rules say the same, and botocore's parser skips null members of a response. Every
reading of a request or response in this package goes through `absent_nulls`, so no rule,
schema check or strategy can tell the two apart.
"""

from __future__ import annotations

from typing import Any


def absent_nulls(value: Any) -> Any:
    """`{"MaxUsers": null}` -> `{}`, at every depth: in AWS JSON 1.1 a null member is an absent
    member (AWS's servers, Smithy and botocore's parser all read it so), so no rule may tell
    the two apart. Null list items are kept: a list has no absent items.
    """
    if isinstance(value, dict):
        return {k: absent_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [absent_nulls(item) for item in value]
    return value
