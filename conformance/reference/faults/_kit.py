"""Building blocks shared by every family, faults and benign variations alike: how a fault reads
and rewrites a search, an error or a whole response, and how it registers.

One kit for the whole wing: a variation is built from the same rewrites as a fault (only its
`benign` flag and its `trips` differ), so the two never grow diverging copies of a helper.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from conformance.contract.errors import error_message
from conformance.contract.errors import error_type as contract_error_type
from conformance.reference.faults import (
    Fault,
    Hooks,
    RequestPlan,
    Result,
    WireResponse,
    register,
)

SEARCH = frozenset({"SearchUsers"})
JSON_TYPE = "application/x-amz-json-1.1"

Matches = list[dict[str, Any]]


def matches(result: Result) -> Matches:
    return list(result.get("UserMatches") or [])


def similarity(match: dict[str, Any]) -> float:
    return float(match["Similarity"])


def with_matches(result: Result, found: Matches) -> Result:
    return {**result, "UserMatches": found}


def fault(
    name: str,
    description: str,
    trips: tuple[str, ...],
    family: str,
    operations: frozenset[str] = frozenset(),
    **extra: Any,
) -> Fault:
    """Register one fault. Every family's entries read the same way (what breaks, which rules
    must catch it, whose it is, where it fires; hooks and flags after), so they are written
    through this one door rather than as a `register(Fault(...))` block each."""
    return register(Fault(name, description, operations, trips=trips, family=family, **extra))


def search_fault(
    name: str,
    description: str,
    trips: tuple[str, ...],
    rewrite: Callable[[RequestPlan, Result], Result],
    family: str,
    **extra: Any,
) -> Fault:
    """A fault that rewrites successful SearchUsers results."""
    return fault(name, description, trips, family, SEARCH, on_result=rewrite, **extra)


def matches_fault(
    name: str,
    description: str,
    trips: tuple[str, ...],
    rewrite: Callable[[Matches], Matches],
    family: str,
) -> Fault:
    """A fault that only rewrites the UserMatches list of successful searches."""

    def on_result(_plan: RequestPlan, result: Result) -> Result:
        return with_matches(result, rewrite(matches(result)))

    return search_fault(name, description, trips, on_result, family)


def params_fault(
    name: str,
    description: str,
    trips: tuple[str, ...],
    rewrite: Callable[[dict[str, Any]], None],
    family: str,
    *,
    validate: bool = True,
    **extra: Any,
) -> Fault:
    """A fault that rewrites SearchUsers parameters before the service validates them."""

    def on_request(plan: RequestPlan) -> None:
        if isinstance(plan.params, dict):
            rewrite(plan.params)
            plan.validate = plan.validate and validate

    return fault(name, description, trips, family, SEARCH, on_request=on_request, **extra)


def message(response: WireResponse) -> str:
    return error_message(body_of(response)) or ""


def error_type(response: WireResponse) -> str:
    """As botocore reads it (`__type`, decorations stripped), so a fault stacked on a variation
    that decorates the type still recognises it."""
    return contract_error_type(response.headers, body_of(response)) or ""


def body_of(response: WireResponse) -> dict[str, Any]:
    try:
        body = json.loads(response.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def json_response(status: int, body: Any, **headers: str) -> WireResponse:
    """A response as this fault wants it, keeping the request id the server assigned."""
    return WireResponse(status, {"Content-Type": JSON_TYPE, **headers}, json.dumps(body).encode())


def error(status: int, kind: str, message: str) -> WireResponse:
    return json_response(status, {"__type": kind, "message": message}, **{"X-Amzn-ErrorType": kind})


def keep_request_id(old: WireResponse, new: WireResponse) -> WireResponse:
    request_id = old.headers.get("x-amzn-RequestId")
    if request_id is not None:
        new.headers["x-amzn-RequestId"] = request_id
    return new


ResponseRewrite = Callable[[RequestPlan | None, WireResponse], WireResponse | None]


def response_fault(
    name: str,
    description: str,
    trips: tuple[str, ...],
    rewrite: ResponseRewrite,
    family: str,
    operations: frozenset[str] = SEARCH,
    **extra: Any,
) -> Fault:
    """A fault rewriting whole responses, knowing the request (None when it never parsed).

    The request is remembered per server and per handler thread: one thread serves a request
    from `on_request` to `on_response`, and each server builds its own memory.
    """

    def factory() -> Hooks:
        current = threading.local()

        def on_request(plan: RequestPlan) -> None:
            current.plan = plan

        def on_response(_operation: str | None, response: WireResponse) -> WireResponse:
            plan: RequestPlan | None = getattr(current, "plan", None)
            current.plan = None
            rewritten = rewrite(plan, response)
            return response if rewritten is None else keep_request_id(response, rewritten)

        return Hooks(on_request=on_request, on_response=on_response)

    return fault(name, description, trips, family, operations, factory=factory, **extra)


def asked(plan: RequestPlan | None, member: str) -> Any:
    """A member of the request as the client sent it (None when absent or unparsed)."""
    if plan is None or not isinstance(plan.original, dict):
        return None
    return plan.original.get(member)


VARIATION_FAMILY = "variation"


def variation(name: str, description: str, *, should: tuple[str, ...] = (), **hooks: Any) -> Fault:
    """Register a benign variation; `should` lists the SHOULD rules it may legitimately fire."""
    return fault(name, description, should, VARIATION_FAMILY, benign=True, **hooks)
