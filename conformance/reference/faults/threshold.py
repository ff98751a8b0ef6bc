"""UserMatchThreshold ignored, defaulted wrongly, or compared on the wrong scale or side.

Whether a score exactly equal to the threshold is returned is left open by AWS, so no fault
here plays with strict versus inclusive comparison.
"""

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

FAMILY = "threshold"
THRESHOLD = ("results.threshold", "metamorphic.threshold-filter")
DEFAULT = 80.0


def _valid_threshold(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100


def _zero_threshold(params: dict[str, Any]) -> None:
    if _valid_threshold(params.get("UserMatchThreshold", DEFAULT)):
        params["UserMatchThreshold"] = 0.0


def _default(value: float) -> Any:
    def rewrite(params: dict[str, Any]) -> None:
        params.setdefault("UserMatchThreshold", value)

    return rewrite


def _unit_scale(params: dict[str, Any]) -> None:
    """The threshold compared with a 0..1 cosine: 80 becomes 0.8, so nearly everything passes."""
    value = params.get("UserMatchThreshold", DEFAULT)
    if _valid_threshold(value):
        params["UserMatchThreshold"] = value / 100


params_fault(
    "threshold-ignored",
    "UserMatchThreshold is ignored: every candidate is returned whatever its score",
    THRESHOLD,
    _zero_threshold,
    FAMILY,
)
params_fault(
    "threshold-default-0",
    "an omitted UserMatchThreshold means 0 instead of 80",
    ("results.threshold",),
    _default(0.0),
    FAMILY,
)
params_fault(
    "threshold-default-50",
    "an omitted UserMatchThreshold means 50 instead of 80",
    ("results.threshold",),
    _default(50.0),
    FAMILY,
)
params_fault(
    "threshold-unit-scale",
    "the 0..100 threshold is compared with a 0..1 score (divided by 100)",
    THRESHOLD,
    _unit_scale,
    FAMILY,
)


def _inverted(plan: RequestPlan, result: Result) -> Result:
    threshold = plan.original.get("UserMatchThreshold", DEFAULT)
    if not _valid_threshold(threshold):
        return result
    found = [m for m in matches(result) if similarity(m) < threshold]
    return with_matches(result, found)


def _inverted_request(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict):
        _zero_threshold(plan.params)


search_fault(
    "threshold-inverted",
    "UserMatchThreshold is compared the wrong way round: only scores below it are returned",
    THRESHOLD,
    _inverted,
    FAMILY,
    on_request=_inverted_request,
)
