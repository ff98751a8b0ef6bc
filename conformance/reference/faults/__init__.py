"""The faults wing: deliberate deviations from AWS behaviour, to prove the suite notices them.

This package is the registry; its modules are the families, one module per kind of bug
(`ordering`, `threshold`, `users`, `echo`, `results`, `errors`, `sdk`,
`validation`, `protocol`, `determinism`, `throttling`, `image_search`), plus `stateful` (bugs that only show
after writes) and `benign/` (choices a correct implementation may make, which the gate must
accept). Every family builds its faults with the one kit, `_kit.py`. Each fault is the kind of
mistake emulators and home-grown services actually ship; `tests/faults/` proves each is caught
by the rules it names, `tests/variations/` that no benign one fails a MUST rule, and
`benchmarks/detection.py` measures how fast.

A fault is plain data plus up to three hooks, one per point where a real service can go wrong:

- ``on_request(plan)``: change how the request is handled (drop or rewrite parameters, switch
  off validation via ``plan.validate = False``) before validation and the operation run;
- ``on_result(plan, result)``: alter a successful response dict before it is serialised; the
  plan is the request as handled (``plan.original`` as received), so a hook knows what was asked;
- ``on_response(operation, response)``: alter the status, headers or body bytes on the way out
  (for every response, errors included; ``operation`` is None when the target was unknown).

A fault that must remember something between requests (a stale index, a call counter) gives a
``factory`` instead of hooks: every server calls it once, so two servers in one process never
share fault state. Faults are registered by name with ``register()``; ``resolve(names)`` turns
``--fault`` options into one server's ``FaultSet`` and raises ``UnknownFaultError`` for a bad
name. A fault with a non-empty ``operations`` set only fires for those operations.

``trips`` names the rule ids a fault is meant to fail, so the catalog's tests and the detection
benchmark can check that the suite notices each one for the right reason.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Result = dict[str, Any]

FAMILY_MODULES = (
    "ordering",
    "threshold",
    "users",
    "echo",
    "results",
    "errors",
    "sdk",
    "validation",
    "protocol",
    "determinism",
    "throttling",
    "image_search",
    "stateful",
    "benign",
)
"""This package's modules whose import registers faults (a new family is added here); loaded on
first use, not on import, so the families can import this registry and `--list-faults` sees
them all."""


@dataclass
class RequestPlan:
    """What the server is about to do with a request; `on_request` hooks may change it."""

    operation: str
    params: Any
    validate: bool = True
    original: Any = None
    """The parameters as received, before any hook rewrote them."""

    def __post_init__(self) -> None:
        if self.original is None:
            self.original = copy.deepcopy(self.params)


@dataclass
class WireResponse:
    """The response as it will be written: `on_response` hooks may change any part."""

    status: int
    headers: dict[str, str]
    body: bytes


RequestHook = Callable[[RequestPlan], None]
ResultHook = Callable[[RequestPlan, Result], Result]
ResponseHook = Callable[[str | None, WireResponse], WireResponse]


@dataclass(frozen=True)
class Hooks:
    """One server's live hooks for one fault."""

    on_request: RequestHook | None = None
    on_result: ResultHook | None = None
    on_response: ResponseHook | None = None


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    operations: frozenset[str] = frozenset()
    on_request: RequestHook | None = None
    on_result: ResultHook | None = None
    on_response: ResponseHook | None = None
    trips: tuple[str, ...] = ()
    """Rule ids this fault is meant to fail (any one of them failing counts as caught)."""
    family: str = "example"
    factory: Callable[[], Hooks] | None = None
    """Builds fresh hooks (and the state they close over) for each server."""
    needs_writes: str = ""
    """Why a read-only run cannot see this fault ("" when it can)."""
    strict: bool = False
    """Only SHOULD (AWS parity) rules can trip it: the gate fails on it under --strict."""
    unverifiable: bool = False
    """It makes the run 'not verified' (exit 2) rather than failing a rule."""
    oracle: str = ""
    """Why no rule can catch it without knowing the true answer ("" when one can)."""
    benign: bool = False
    """Not a fault: a choice a correct implementation may make. Its `trips` are the SHOULD
    (AWS parity) rules it may fire; the gate must never fail a MUST rule on it."""
    read_lag_s: float = 0.0
    """Reads see each collection as it was this long ago (the server applies it, see lag.py):
    eventual consistency is a property of the whole store, not of one answer."""

    def applies_to(self, operation: str | None) -> bool:
        return not self.operations or operation in self.operations

    def hooks(self) -> Hooks:
        if self.factory is not None:
            return self.factory()
        return Hooks(self.on_request, self.on_result, self.on_response)


class UnknownFaultError(LookupError):
    """A fault name that is not in the registry."""


REGISTRY: dict[str, Fault] = {}


def register(fault: Fault) -> Fault:
    if fault.name in REGISTRY:
        raise ValueError(f"fault {fault.name!r} is already registered")
    REGISTRY[fault.name] = fault
    return fault


def _load_catalog() -> None:
    for module in FAMILY_MODULES:
        importlib.import_module(f"{__name__}.{module}")


def available() -> list[Fault]:
    """The faults proper: deviations the gate must catch (benign variations left out)."""
    _load_catalog()
    return [REGISTRY[name] for name in sorted(REGISTRY) if not REGISTRY[name].benign]


def variations() -> list[Fault]:
    """The benign variations: legitimate choices the gate must not fail."""
    _load_catalog()
    return [REGISTRY[name] for name in sorted(REGISTRY) if REGISTRY[name].benign]


@dataclass(frozen=True)
class FaultSet:
    """One server's active faults, applied in the order they were given."""

    active: tuple[tuple[Fault, Hooks], ...] = field(default_factory=tuple)

    @property
    def faults(self) -> tuple[Fault, ...]:
        return tuple(fault for fault, _hooks in self.active)

    @property
    def names(self) -> list[str]:
        return [fault.name for fault in self.faults]

    def on_request(self, plan: RequestPlan) -> None:
        for fault, hooks in self.active:
            if hooks.on_request is not None and fault.applies_to(plan.operation):
                hooks.on_request(plan)

    def on_result(self, plan: RequestPlan, result: Result) -> Result:
        for fault, hooks in self.active:
            if hooks.on_result is not None and fault.applies_to(plan.operation):
                result = hooks.on_result(plan, result)
        return result

    def on_response(self, operation: str | None, response: WireResponse) -> WireResponse:
        for fault, hooks in self.active:
            if hooks.on_response is not None and fault.applies_to(operation):
                response = hooks.on_response(operation, response)
        return response


def resolve(names: Iterable[str]) -> FaultSet:
    """Fresh hooks for one server: call once per server, never share the result."""
    chosen: list[Fault] = []
    for name in names:
        if name not in REGISTRY:
            _load_catalog()
        if name not in REGISTRY:
            known = ", ".join(sorted(REGISTRY)) or "none"
            raise UnknownFaultError(f"unknown fault {name!r} (known: {known})")
        if REGISTRY[name] not in chosen:
            chosen.append(REGISTRY[name])
    return FaultSet(tuple((fault, fault.hooks()) for fault in chosen))


def get(name: str) -> Fault | None:
    """A registered fault or variation by name, with the catalog loaded."""
    _load_catalog()
    return REGISTRY.get(name)
