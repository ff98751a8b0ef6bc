"""Injectable faults: deliberate deviations from AWS behaviour, to prove the suite notices them.

A fault is plain data plus up to three hooks, one per point where a real service can go wrong:

- ``on_request(plan)``: change how the request is handled (drop or rewrite parameters, switch
  off validation via ``plan.validate = False``) before validation and the operation run;
- ``on_result(operation, result)``: alter a successful response dict before it is serialised;
- ``on_response(operation, response)``: alter the status, headers or body bytes on the way out
  (for every response, errors included; ``operation`` is None when the target was unknown).

Faults are registered by name in ``REGISTRY`` with ``register()``; ``resolve(names)`` turns
``--fault`` options into a ``FaultSet`` and raises ``UnknownFaultError`` for a bad name. A fault
with a non-empty ``operations`` set only fires for those operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Result = dict[str, Any]


@dataclass
class RequestPlan:
    """What the server is about to do with a request; `on_request` hooks may change it."""

    operation: str
    params: Any
    validate: bool = True


@dataclass
class WireResponse:
    """The response as it will be written: `on_response` hooks may change any part."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    operations: frozenset[str] = frozenset()
    on_request: Callable[[RequestPlan], None] | None = None
    on_result: Callable[[str, Result], Result] | None = None
    on_response: Callable[[str | None, WireResponse], WireResponse] | None = None

    def applies_to(self, operation: str | None) -> bool:
        return not self.operations or operation in self.operations


class UnknownFaultError(LookupError):
    """A fault name that is not in the registry."""


REGISTRY: dict[str, Fault] = {}


def register(fault: Fault) -> Fault:
    if fault.name in REGISTRY:
        raise ValueError(f"fault {fault.name!r} is already registered")
    REGISTRY[fault.name] = fault
    return fault


def available() -> list[Fault]:
    return [REGISTRY[name] for name in sorted(REGISTRY)]


@dataclass(frozen=True)
class FaultSet:
    """The active faults, applied in the order they were given."""

    faults: tuple[Fault, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [fault.name for fault in self.faults]

    def on_request(self, plan: RequestPlan) -> None:
        for fault in self.faults:
            if fault.on_request is not None and fault.applies_to(plan.operation):
                fault.on_request(plan)

    def on_result(self, operation: str, result: Result) -> Result:
        for fault in self.faults:
            if fault.on_result is not None and fault.applies_to(operation):
                result = fault.on_result(operation, result)
        return result

    def on_response(self, operation: str | None, response: WireResponse) -> WireResponse:
        for fault in self.faults:
            if fault.on_response is not None and fault.applies_to(operation):
                response = fault.on_response(operation, response)
        return response


def resolve(names: Iterable[str]) -> FaultSet:
    chosen: list[Fault] = []
    for name in names:
        if name not in REGISTRY:
            known = ", ".join(sorted(REGISTRY)) or "none"
            raise UnknownFaultError(f"unknown fault {name!r} (known: {known})")
        if REGISTRY[name] not in chosen:
            chosen.append(REGISTRY[name])
    return FaultSet(tuple(chosen))


# --- example faults --------------------------------------------------------------------------------

_SEARCHES = frozenset({"SearchUsers", "SearchUsersByImage"})


def _reverse_matches(_operation: str, result: Result) -> Result:
    return {**result, "UserMatches": list(reversed(result.get("UserMatches", [])))}


def _drop_max_users(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict):
        plan.params.pop("MaxUsers", None)


def _plain_json(_operation: str | None, response: WireResponse) -> WireResponse:
    return WireResponse(
        response.status, {**response.headers, "Content-Type": "application/json"}, response.body
    )


def _no_request_id(_operation: str | None, response: WireResponse) -> WireResponse:
    headers = {k: v for k, v in response.headers.items() if k.lower() != "x-amzn-requestid"}
    return WireResponse(response.status, headers, response.body)


register(
    Fault(
        "unordered-results",
        "SearchUsers* return UserMatches lowest similarity first",
        _SEARCHES,
        on_result=_reverse_matches,
    )
)
register(
    Fault(
        "ignore-max-users",
        "SearchUsers* ignore MaxUsers (and its validation): up to 500 matches",
        _SEARCHES,
        on_request=_drop_max_users,
    )
)
register(
    Fault(
        "wrong-content-type",
        "every response says Content-Type: application/json",
        on_response=_plain_json,
    )
)
register(
    Fault(
        "missing-request-id",
        "responses carry no x-amzn-RequestId header",
        on_response=_no_request_id,
    )
)
