"""Throttling that never lets up: a run that saw only throttles has verified nothing."""

from __future__ import annotations

from conformance.reference.faults import RequestPlan, WireResponse
from conformance.reference.faults._kit import ResponseRewrite, error, response_fault

FAMILY = "throttling"


def _throttle(kind: str) -> ResponseRewrite:
    def rewrite(_plan: RequestPlan | None, _response: WireResponse) -> WireResponse:
        return error(400, kind, "Rate exceeded")

    return rewrite


response_fault(
    "throttle-everything",
    "every call is answered ThrottlingException",
    (),
    _throttle("ThrottlingException"),
    FAMILY,
    operations=frozenset(),
    unverifiable=True,
)
response_fault(
    "throttle-searches",
    "every SearchUsers call is answered ProvisionedThroughputExceededException",
    (),
    _throttle("ProvisionedThroughputExceededException"),
    FAMILY,
    unverifiable=True,
)
