"""Listing, lifecycle and indexing freedom: page sizes, token format, UPDATING, read lag,
face details.

AWS paginates ListUsers and ListFaces with an opaque NextToken and may return fewer items than
MaxResults; UserStatus UPDATING means associations are in progress (AWS's own AssociateFaces
example answers UPDATING); AWS promises no read-after-write for the user API (reads may lag
writes); BoundingBox and Confidence come from a detector the contract does not pin down.
"""

from __future__ import annotations

import threading

from conformance.reference.faults import Hooks, RequestPlan, Result
from conformance.reference.faults._kit import variation
from conformance.reference.faults.image_search import face_details

LISTINGS = frozenset({"ListUsers", "ListFaces"})
SMALL_PAGE = 2
TOKEN_PREFIX = "v2."


def _small_pages(plan: RequestPlan) -> None:
    if not isinstance(plan.params, dict):
        return
    asked = plan.params.get("MaxResults")
    if asked is None or (isinstance(asked, int) and not isinstance(asked, bool) and asked > 0):
        plan.params["MaxResults"] = min(asked or SMALL_PAGE, SMALL_PAGE)


variation(
    "small-list-pages",
    f"ListUsers and ListFaces return at most {SMALL_PAGE} items a page (more NextToken pages)",
    operations=LISTINGS,
    on_request=_small_pages,
)


def _wrap_token(_plan: RequestPlan, result: Result) -> Result:
    token = result.get("NextToken")
    if not isinstance(token, str):
        return result
    return {**result, "NextToken": TOKEN_PREFIX + token.encode().hex()}


def _unwrap_token(plan: RequestPlan) -> None:
    if not isinstance(plan.params, dict):
        return
    token = plan.params.get("NextToken")
    if isinstance(token, str) and token.startswith(TOKEN_PREFIX):
        try:
            plan.params["NextToken"] = bytes.fromhex(token[len(TOKEN_PREFIX) :]).decode()
        except ValueError:
            return


variation(
    "next-token-hex",
    "NextToken is another opaque format (hex of the reference's token, with a version prefix)",
    operations=LISTINGS,
    on_request=_unwrap_token,
    on_result=_wrap_token,
)


def _briefly_updating() -> Hooks:
    """AssociateFaces answers UPDATING and the next ListUsers still shows it, then ACTIVE."""
    pending: dict[tuple[str, str], int] = {}
    lock = threading.Lock()

    def on_result(plan: RequestPlan, result: Result) -> Result:
        params = plan.params if isinstance(plan.params, dict) else {}
        collection = str(params.get("CollectionId"))
        key = (collection, str(params.get("UserId")))
        with lock:
            if plan.operation == "AssociateFaces":
                if result.get("AssociatedFaces") and result.get("UserStatus") == "ACTIVE":
                    pending[key] = 1
                    return {**result, "UserStatus": "UPDATING"}
                return result
            if plan.operation != "ListUsers":
                pending.pop(key, None)
                return result
            users = []
            for user in result.get("Users") or []:
                user_key = (collection, user.get("UserId"))
                if pending.get(user_key) and user.get("UserStatus") == "ACTIVE":
                    pending[user_key] -= 1
                    user = {**user, "UserStatus": "UPDATING"}
                users.append(user)
            return {**result, "Users": users}

    return Hooks(on_result=on_result)


variation(
    "status-updating-briefly",
    "after AssociateFaces a user is UPDATING (answer and next ListUsers) before ACTIVE",
    operations=frozenset({"AssociateFaces", "ListUsers", "DisassociateFaces", "DeleteUser"}),
    factory=_briefly_updating,
)


READ_LAG_S = 0.3
"""Long enough that every read right after a write is stale, short enough for CI."""

variation(
    "read-lag",
    f"reads (SearchUsers, ListUsers, ListFaces, DescribeCollection) see the collection as it "
    f"was {READ_LAG_S} s earlier (eventual consistency)",
    read_lag_s=READ_LAG_S,  # no hook: the server applies it to its whole store
)


OTHER_BOX = {"Width": 0.5, "Height": 0.625, "Left": 0.25, "Top": 0.125}


def _other_detector(plan: RequestPlan, result: Result) -> Result:
    """One detector for the whole service: IndexFaces and SearchUsersByImage box alike."""
    box = dict(OTHER_BOX)
    if plan.operation == "SearchUsersByImage":
        for detail in face_details(result):
            detail["BoundingBox"] = dict(box)
        return result
    records = []
    for record in result.get("FaceRecords") or []:
        face = {**record.get("Face", {}), "BoundingBox": box, "Confidence": 99.98}
        detail = {**record.get("FaceDetail", {}), "BoundingBox": box, "Confidence": 99.98}
        records.append({**record, "Face": face, "FaceDetail": detail})
    return {**result, "FaceRecords": records}


variation(
    "index-faces-other-detector",
    "IndexFaces (and SearchUsersByImage) report other BoundingBox and Confidence values "
    "(another face detector)",
    operations=frozenset({"IndexFaces", "SearchUsersByImage"}),
    on_result=_other_detector,
)
