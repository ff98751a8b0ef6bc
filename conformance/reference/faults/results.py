"""UserMatches that hold the wrong users, or the right users described wrongly."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from conformance.reference.faults import Hooks, RequestPlan, Result
from conformance.reference.faults._kit import (
    SEARCH,
    Matches,
    fault,
    matches,
    matches_fault,
    search_fault,
    with_matches,
)

FAMILY = "results"


def _room(plan: RequestPlan, found: Matches) -> bool:
    limit = plan.original.get("MaxUsers", 500)
    return bool(found) and isinstance(limit, int) and len(found) < limit


def _appended(plan: RequestPlan, result: Result, user_id: str, status: str) -> Result:
    """Adds a user at the lowest score already returned: order, threshold and limit still hold."""
    found = matches(result)
    if not _room(plan, found) or any(m["User"]["UserId"] == user_id for m in found):
        return result
    extra = {
        "Similarity": found[-1]["Similarity"],
        "User": {"UserId": user_id, "UserStatus": status},
    }
    return with_matches(result, [*found, extra])


def _self_included(plan: RequestPlan, result: Result) -> Result:
    user_id = plan.original.get("UserId")
    if not isinstance(user_id, str) or "SearchedUser" not in result:
        return result
    me = {"Similarity": 100.0, "User": {"UserId": user_id, "UserStatus": "ACTIVE"}}
    return with_matches(result, [me, *matches(result)])


def _phantom(plan: RequestPlan, result: Result) -> Result:
    return _appended(plan, result, "phantom-user-0", "ACTIVE")


search_fault(
    "self-in-results",
    "a search by UserId lists that user first among its own matches (Similarity 100)",
    ("results.self-excluded",),
    _self_included,
    FAMILY,
)
search_fault(
    "phantom-user",
    "UserMatches include a user ListUsers does not know (an orphaned index entry)",
    ("consistency.matches-listed",),
    _phantom,
    FAMILY,
)


def _duplicated(found: Matches) -> Matches:
    """The top user twice, once per matching face: per-face hits not grouped by user."""
    return [found[0], *found] if found else found


matches_fault(
    "duplicate-user",
    "a user matching with several faces appears once per face",
    ("results.unique",),
    _duplicated,
    FAMILY,
)


def _faceless_factory() -> Hooks:
    """Remembers users ListUsers showed as CREATED (no faces) and lets searches match them."""
    lock = threading.Lock()
    faceless: defaultdict[str, set[str]] = defaultdict(set)

    def on_result(plan: RequestPlan, result: Result) -> Result:
        collection = str(plan.original.get("CollectionId"))
        with lock:
            if plan.operation == "ListUsers":
                for user in result.get("Users") or []:
                    if user.get("UserStatus") == "CREATED":
                        faceless[collection].add(user["UserId"])
                return result
            for user_id in sorted(faceless[collection]):
                if user_id != plan.original.get("UserId"):
                    result = _appended(plan, result, user_id, "CREATED")
        return result

    return Hooks(on_result=on_result)


fault(
    "faceless-user-matched",
    "users with no faces (CREATED) are matched, with the lowest score returned",
    ("consistency.matches-have-faces", "stateful.faceless-user-never-matches"),
    FAMILY,
    frozenset({"ListUsers", "SearchUsers"}),
    factory=_faceless_factory,
)


def _scores(change: Any) -> Any:
    def rewrite(found: Matches) -> Matches:
        return [{**m, "Similarity": change(m["Similarity"])} for m in found]

    return rewrite


matches_fault(
    "similarity-as-string",
    'Similarity is a JSON string ("95.2") instead of a number',
    ("response.schema", "sdk.members"),
    _scores(lambda s: f"{s:.4f}"),
    FAMILY,
)
matches_fault(
    "similarity-unit-scale",
    "Similarity is reported on a 0..1 scale",
    ("results.threshold", "results.own-face-scale"),
    _scores(lambda s: s / 100),
    FAMILY,
)
matches_fault(
    "similarity-over-100",
    "Similarity is (1 + cosine) * 60, so close matches score above 100",
    ("results.range",),
    _scores(lambda s: s * 1.2),
    FAMILY,
)
matches_fault(
    "similarity-negative",
    "Similarity is reported as a negated distance (negative numbers)",
    ("results.range",),
    _scores(lambda s: -s),
    FAMILY,
)


def _status_case(found: Matches) -> Matches:
    return [
        {**m, "User": {**m["User"], "UserStatus": m["User"]["UserStatus"].lower()}} for m in found
    ]


matches_fault(
    "user-status-lowercase",
    "UserStatus is lower-case ('active') in UserMatches",
    ("response.schema",),
    _status_case,
    FAMILY,
)


def _empty(_plan: RequestPlan, result: Result) -> Result:
    return with_matches(result, [])


search_fault(
    "stub-no-matches",
    "SearchUsers is a stub that always answers an empty UserMatches",
    ("metamorphic.face-finds-owner",),
    _empty,
    FAMILY,
)


def _canned(_plan: RequestPlan, _result: Result) -> Result:
    """A fixed answer copied from the documentation example, as mocking libraries ship."""
    return {
        "FaceModelVersion": "6",
        "SearchedUser": {"UserId": "DemoUser"},
        "UserMatches": [
            {
                "Similarity": 99.88186645507812,
                "User": {"UserId": "demoUser1", "UserStatus": "ACTIVE"},
            }
        ],
    }


fault(
    "stub-canned-response",
    "SearchUsers answers the documentation's example response whatever was asked",
    ("echo.searched-user", "echo.searched-face", "consistency.matches-listed"),
    FAMILY,
    SEARCH,
    on_result=_canned,
)
