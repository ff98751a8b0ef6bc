"""Similarity scales, rounding, the threshold's edge, tie order and the default MaxUsers.

AWS documents Similarity as a float in 0..100 ordered best first and a threshold that is a
"minimum"; the scale's shape, its precision, whether a score equal to the threshold passes,
the order of ties and the default MaxUsers are all NONE. Every variation here stays consistent
between what it filters on and what it reports, which is what a correct implementation does.
"""

from __future__ import annotations

import math
import re
from typing import Any

from conformance.reference.faults import RequestPlan, Result
from conformance.reference.faults._kit import SEARCH, matches, similarity, variation, with_matches

DEFAULT_THRESHOLD = 80.0


def _threshold(params: Any) -> float | None:
    """The requested threshold when it is a valid one (invalid input is not ours to alter)."""
    if not isinstance(params, dict):
        return None
    value = params.get("UserMatchThreshold", DEFAULT_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        return None
    return float(value)


def _strictly_above(plan: RequestPlan, result: Result) -> Result:
    threshold = _threshold(plan.original)
    if threshold is None:
        return result
    return with_matches(result, [m for m in matches(result) if similarity(m) > threshold])


variation(
    "threshold-strictly-above",
    "a score exactly equal to UserMatchThreshold is not a match (> instead of >=)",
    should=("results.complete-at-zero",),
    operations=SEARCH,
    on_result=_strictly_above,
)


def _scaled(to_scale: Any, from_scale: Any) -> tuple[Any, Any]:
    """Hooks searching on another monotonic 0..100 scale: the threshold is read on that scale."""

    def on_request(plan: RequestPlan) -> None:
        threshold = _threshold(plan.params)
        if threshold is not None:
            plan.params["UserMatchThreshold"] = from_scale(threshold)

    def on_result(plan: RequestPlan, result: Result) -> Result:
        threshold = _threshold(plan.original)
        rescaled = [{**m, "Similarity": to_scale(similarity(m))} for m in matches(result)]
        if threshold is not None:
            rescaled = [m for m in rescaled if similarity(m) >= threshold]
        return with_matches(result, rescaled)

    return on_request, on_result


_squared_request, _squared_result = _scaled(lambda s: s * s / 100, lambda t: math.sqrt(t * 100))
variation(
    "similarity-squared-scale",
    "Similarity is a squared cosine (s*s/100): another monotonic scale that stays in 0..100",
    operations=SEARCH,
    on_request=_squared_request,
    on_result=_squared_result,
)

_HALF_CENT = 0.005
_rounded_request, _rounded_result = _scaled(
    lambda s: round(s, 2), lambda t: max(0.0, t - _HALF_CENT)
)
variation(
    "similarity-two-decimals",
    "Similarity is rounded to 2 decimals, and the threshold is compared with the rounded score",
    operations=SEARCH,
    on_request=_rounded_request,
    on_result=_rounded_result,
)


def _ties_descending(_plan: RequestPlan, result: Result) -> Result:
    found = sorted(matches(result), key=lambda m: m["User"]["UserId"], reverse=True)
    found.sort(key=similarity, reverse=True)  # stable: equal scores keep UserId descending
    return with_matches(result, found)


variation(
    "ties-by-user-id-descending",
    "matches with equal Similarity are ordered by UserId descending (tie order is open)",
    operations=SEARCH,
    on_result=_ties_descending,
)


def _default_max_users(value: int) -> Any:
    def on_request(plan: RequestPlan) -> None:
        if isinstance(plan.params, dict):
            plan.params.setdefault("MaxUsers", value)

    return on_request


variation(
    "default-max-users-50",
    "an omitted MaxUsers means 50 (the default is undocumented)",
    operations=SEARCH,
    on_request=_default_max_users(50),
)
variation(
    "default-max-users-10",
    "an omitted MaxUsers means 10 (the default is undocumented)",
    operations=SEARCH,
    on_request=_default_max_users(10),
)


_USER_ID = re.compile(r"[a-zA-Z0-9_.\-:]{1,128}")


def _face_first(plan: RequestPlan) -> None:
    """Only a well-formed UserId is dropped: a malformed one must still be rejected."""
    if not isinstance(plan.params, dict) or "FaceId" not in plan.params:
        return
    user_id = plan.params.get("UserId")
    if isinstance(user_id, str) and _USER_ID.fullmatch(user_id):
        del plan.params["UserId"]


variation(
    "both-ids-search-by-face",
    "a request naming both FaceId and UserId is answered as a search by the FaceId",
    operations=SEARCH,
    on_request=_face_first,
)
