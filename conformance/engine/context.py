"""What every phase needs: the session to talk through and what discovery found.

Phases describe requests as `Call`/`RawCall` values and let `send` deliver them, so one place
decides what a read-only session may not send (skipped, and counted) and what a label means.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.config import RunConfig
from conformance.engine.discovery import Discovery
from conformance.exchange import JSON_CONTENT_TYPE, TARGET_PREFIX, Exchange, operation_from_target
from conformance.targets.base import Session


@dataclass(frozen=True)
class Call:
    label: str
    operation: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class RawCall:
    """A request whose body or headers are deliberately not what a client would send."""

    label: str
    body: bytes
    target: str | None = TARGET_PREFIX + "SearchUsers"
    content_type: str | None = JSON_CONTENT_TYPE

    @property
    def operation(self) -> str | None:
        return operation_from_target(self.target)


Request = Call | RawCall


@dataclass
class Context:
    config: RunConfig
    session: Session
    discovery: Discovery
    seed: int
    skipped: list[str] = field(default_factory=list)
    """Labels of requests the session refused to send (read-only), for the summary."""
    unavailable: frozenset[str] = frozenset()
    """Operations the target showed it does not implement (see `phases.presence`): sending
    them again would only buy the same HTML page."""
    withheld: list[str] = field(default_factory=list)
    """Labels of requests not sent because their operation is unavailable."""

    @property
    def collection_id(self) -> str:
        return self.discovery.collection_id

    def rng(self, purpose: str) -> random.Random:
        """A generator per purpose, so adding one phase does not reshuffle another's picks."""
        return random.Random(f"{self.seed}:{purpose}")

    def allows(self, operation: str | None) -> bool:
        return self.session.allows(operation) and operation not in self.unavailable

    def send(self, request: Request) -> Exchange | None:
        if not self.session.allows(request.operation):
            self.skipped.append(request.label)
            return None
        if request.operation in self.unavailable:
            self.withheld.append(request.label)
            return None
        client = self.session.client
        if isinstance(request, Call):
            return client.call(request.operation, request.params, label=request.label)
        return client.call_raw(
            request.body,
            target=request.target,
            content_type=request.content_type,
            label=request.label,
        )

    def send_all(self, requests: Iterable[Request]) -> list[Exchange]:
        return [e for e in map(self.send, requests) if e is not None]


def search(label: str, params: Mapping[str, Any]) -> Call:
    return Call(label, "SearchUsers", params)
