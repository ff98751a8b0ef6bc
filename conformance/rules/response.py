"""Wire-level shape of every SearchUsers answer: what any AWS JSON 1.1 client relies on."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.evidence import CollectionView, Evidence
from conformance.evidence.reading import (
    body_of,
    describe_violations,
    header,
    safe_response_violations,
)
from conformance.exchange import JSON_CONTENT_TYPE, Exchange
from conformance.rules.base import Finding, Level, passed, rule, violated
from conformance.rules.per_exchange import SINGLE, judged, search_rule
from conformance.rules.sources import code, json_protocol, model, observed

FAMILY = "response"

JSON_MEDIA_TYPES = frozenset({JSON_CONTENT_TYPE, "application/x-amz-json-1.0", "application/json"})
"""What botocore's JSON parser accepts in practice: it parses the body whatever the label,
but proxies and other SDKs key on a JSON media type."""


def media_type(exchange: Exchange) -> str | None:
    """The Content-Type without parameters (`; charset=...`), lower-cased."""
    value = header(exchange, "content-type")
    return value.split(";", 1)[0].strip().lower() if value is not None else None


def _media_type_among(exchange: Exchange, accepted: frozenset[str], what: str) -> Finding:
    """The MUST and the SHOULD differ only in how many media types they accept."""
    kind = media_type(exchange)
    wrong = kind not in accepted
    return judged([f"Content-Type {kind!r} is not {what}"] if wrong else [], exchange)


@search_rule(
    "response.json-body",
    "Every SearchUsers response body, success or error, is a JSON object.",
    source=json_protocol(note="responses and errors are JSON documents"),
    family=FAMILY,
)
def json_body(exchange: Exchange, view: CollectionView | None) -> Finding:
    if body_of(exchange) is not None:
        return passed(exchange)
    excerpt = exchange.response_body[:80].decode("utf-8", errors="replace")
    return violated(f"HTTP {exchange.status} body is not a JSON object: {excerpt!r}", exchange)


@search_rule(
    "response.content-type",
    "Content-Type is a JSON media type (application/x-amz-json-1.1, application/x-amz-json-1.0 "
    "or application/json).",
    source=json_protocol(),
    family=FAMILY,
)
def content_type(exchange: Exchange, view: CollectionView | None) -> Finding:
    return _media_type_among(exchange, JSON_MEDIA_TYPES, "a JSON media type")


@search_rule(
    "response.content-type-exact",
    "Content-Type is exactly application/x-amz-json-1.1 (parameters such as charset allowed).",
    source=observed("AWS answers", note="application/x-amz-json-1.1"),
    family=FAMILY,
    level=Level.SHOULD,
)
def content_type_exact(exchange: Exchange, view: CollectionView | None) -> Finding:
    return _media_type_among(exchange, frozenset({JSON_CONTENT_TYPE}), repr(JSON_CONTENT_TYPE))


@search_rule(
    "response.request-id",
    "Every response carries a non-empty x-amzn-RequestId header.",
    source=(
        json_protocol(),
        code("botocore parsers", note="read into ResponseMetadata.RequestId"),
    ),
    family=FAMILY,
)
def request_id(exchange: Exchange, view: CollectionView | None) -> Finding:
    value = header(exchange, "x-amzn-requestid")
    missing = not (value and value.strip())
    return judged([f"x-amzn-RequestId header is {value!r}"] if missing else [], exchange)


def _schema_finding(exchange: Exchange, strict: bool) -> Finding | None:
    body = body_of(exchange)
    if not exchange.ok or body is None:
        return None  # error bodies: errors.body; non-objects: response.json-body
    problems = safe_response_violations(body, strict=strict)
    return judged([describe_violations(problems)] if problems else [], exchange)


@rule(
    "response.schema",
    "A 2xx body is valid against the SearchUsers response schema (unknown members accepted"
    " unless --strict-schema).",
    source=model("SearchUsersResponse"),
    family=FAMILY,
    leaves_open="Members AWS may add later (unknown members are accepted by default).",
)
def schema(evidence: Evidence) -> Iterator[Finding]:
    """Not a `search_rule`: whether unknown members count is a run setting on the evidence."""
    for exchange in evidence.searches():
        finding = _schema_finding(exchange, evidence.strict_schema)
        if finding is not None:
            yield finding


SINGLE["response.schema"] = lambda exchange, view: _schema_finding(exchange, False)
