"""MaxUsers ignored, off by one, capped too low, or applied before sorting."""

from __future__ import annotations

from typing import Any

from conformance.reference.faults import RequestPlan, Result
from conformance.reference.faults._kit import (
    matches,
    params_fault,
    search_fault,
    similarity,
    with_matches,
)

FAMILY = "max-users"
LIMIT = 500


def _valid_limit(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= LIMIT


def _drop_max_users(params: dict[str, Any]) -> None:
    params.pop("MaxUsers", None)


params_fault(
    "ignore-max-users",
    "MaxUsers is ignored (and not validated): up to 500 matches",
    ("results.max-users", "validation.rejects-invalid"),
    _drop_max_users,
    FAMILY,
    validate=True,
)


def _unlimited(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict) and _valid_limit(plan.params.get("MaxUsers")):
        plan.params.pop("MaxUsers")


def _one_extra(plan: RequestPlan, result: Result) -> Result:
    limit = plan.original.get("MaxUsers")
    if not _valid_limit(limit):
        return result
    return with_matches(result, matches(result)[: limit + 1])


search_fault(
    "max-users-off-by-one",
    "MaxUsers k returns k+1 matches (an inclusive loop bound)",
    ("results.max-users",),
    _one_extra,
    FAMILY,
    on_request=_unlimited,
)


def _capped(cap: int) -> Any:
    def rewrite(_plan: RequestPlan, result: Result) -> Result:
        return with_matches(result, matches(result)[:cap])

    return rewrite


search_fault(
    "max-users-capped-at-10",
    "at most 10 matches whatever MaxUsers says (a page size leaking into the API)",
    ("results.complete-at-zero",),
    _capped(10),
    FAMILY,
    # a cap after sorting looks like a collection with fewer close users; only threshold 0
    # against the complete listings shows it, and that rule is parity (SHOULD)
    strict=True,
)


def _limit_before_sort(plan: RequestPlan, result: Result) -> Result:
    """Takes the first 5 candidates in storage order (by UserId), then filters and sorts them."""
    threshold = plan.original.get("UserMatchThreshold", 80.0)
    limit = plan.original.get("MaxUsers", LIMIT)
    if not _valid_limit(limit) or not isinstance(threshold, int | float):
        return result
    stored = sorted(matches(result), key=lambda m: str(m["User"]["UserId"]))[:5]
    kept = sorted((m for m in stored if similarity(m) >= threshold), key=similarity, reverse=True)
    return with_matches(result, kept[:limit])


def _everything(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict):
        threshold = plan.params.get("UserMatchThreshold", 80.0)
        if isinstance(threshold, int | float) and 0 <= threshold <= 100:
            plan.params["UserMatchThreshold"] = 0.0
        if _valid_limit(plan.params.get("MaxUsers", LIMIT)):
            plan.params["MaxUsers"] = LIMIT


search_fault(
    "max-users-limit-before-sort",
    "the store's LIMIT 5 runs before the threshold filter and the sort (SQL LIMIT before ORDER BY)",
    ("metamorphic.face-finds-owner", "metamorphic.threshold-filter"),
    _limit_before_sort,
    FAMILY,
    on_request=_everything,
)


def _off_by_one_short(plan: RequestPlan, result: Result) -> Result:
    limit = plan.original.get("MaxUsers")
    if not _valid_limit(limit) or limit < 2:
        return result
    return with_matches(result, matches(result)[: limit - 1])


search_fault(
    "max-users-one-short",
    "MaxUsers k returns at most k-1 matches (an exclusive loop bound)",
    ("metamorphic.max-users-prefix",),
    _off_by_one_short,
    FAMILY,
)
