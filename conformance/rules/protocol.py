"""Requests that never reach SearchUsers' logic: broken bodies and unknown operations.

These come from raw probes. A target that crashes (5xx) or, worse, answers 2xx to them is not
speaking AWS JSON 1.1, whatever it does with well-formed requests.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.evidence import Evidence
from conformance.evidence.reading import outcome, request_of
from conformance.exchange import Exchange, operation_from_target, rekognition_operations
from conformance.rules.base import Finding, Level, passed, rule, violated
from conformance.rules.sources import json_protocol, observed

FAMILY = "protocol"
SERIALIZATION = "SerializationException"
UNKNOWN_OPERATION = "UnknownOperationException"


def malformed_searches(evidence: Evidence) -> Iterator[Exchange]:
    return (e for e in evidence.searches() if request_of(e) is None)


def unknown_operations(evidence: Evidence) -> Iterator[Exchange]:
    for exchange in evidence.exchanges:
        target = exchange.request_headers.get("x-amz-target")
        # A log that kept no request headers: trust the operation it recorded.
        name = exchange.operation if target is None else operation_from_target(target)
        if not exchange.throttled and name not in rekognition_operations():
            yield exchange


def _four_xx(exchanges: Iterator[Exchange], what: str) -> Iterator[Finding]:
    for exchange in exchanges:
        if exchange.client_error:
            yield passed(exchange)
        else:
            yield violated(f"{outcome(exchange)} for {what}", exchange)


def _typed(exchanges: Iterator[Exchange], wanted: str) -> Iterator[Finding]:
    for exchange in exchanges:
        if not exchange.client_error:
            continue
        if exchange.error_type == wanted:
            yield passed(exchange)
        else:
            yield violated(f"answered {exchange.error_type!r}, expected {wanted}", exchange)


@rule(
    "protocol.malformed-body",
    "A SearchUsers request whose body is not a JSON object gets a 4xx.",
    source=json_protocol(note="the body is a JSON object"),
    family=FAMILY,
)
def malformed_body(evidence: Evidence) -> Iterator[Finding]:
    return _four_xx(malformed_searches(evidence), "a body that is not a JSON object")


@rule(
    "protocol.serialization-exception",
    "That rejection is SerializationException.",
    source=observed(
        "AWS JSON 1.1 endpoints", note="answer SerializationException to unparsable bodies"
    ),
    family=FAMILY,
    level=Level.SHOULD,
)
def serialization_exception(evidence: Evidence) -> Iterator[Finding]:
    return _typed(malformed_searches(evidence), SERIALIZATION)


@rule(
    "protocol.unknown-operation",
    "A request with a missing or unknown X-Amz-Target gets a 4xx.",
    source=json_protocol(note="X-Amz-Target names the operation"),
    family=FAMILY,
    needs_writes=True,
)
def unknown_operation(evidence: Evidence) -> Iterator[Finding]:
    return _four_xx(unknown_operations(evidence), "a missing or unknown X-Amz-Target")


@rule(
    "protocol.unknown-operation-type",
    "That rejection is UnknownOperationException.",
    source=observed("AWS JSON 1.1 endpoints", note="answer UnknownOperationException"),
    family=FAMILY,
    needs_writes=True,
    level=Level.SHOULD,
)
def unknown_operation_type(evidence: Evidence) -> Iterator[Finding]:
    return _typed(unknown_operations(evidence), UNKNOWN_OPERATION)
