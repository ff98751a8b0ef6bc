"""vcrpy matchers for AWS JSON 1.1: replay must answer the request that was asked.

Every AWS JSON call is `POST /`, so vcrpy's default matching (method, scheme, host, port, path,
query) answers any request with the first recording -- a replayed ListCollections got a
SearchUsers answer. Its `body` matcher compares raw bytes, so the same request with keys in another
order misses. For requests in scope (see `scope`), requests match on `X-Amz-Target` and the
parsed JSON body too, and never on the port (the embedded reference listens on a random one); for
every other request these matchers reduce to exactly vcrpy's defaults.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from conformance.recording.scope import REKOGNITION, Scope, aws_target

Matcher = Callable[[Any, Any], None]

IGNORED_MEMBERS = frozenset({"ClientRequestToken"})
"""Request members that differ on every run by design: botocore fills idempotency tokens with
a fresh UUID, so a replayed CreateUser or AssociateFaces would never match its recording."""


def request_body(request: Any) -> bytes:
    """vcrpy hands bodies over as bytes, str or None depending on who built the request."""
    body = request.body
    if isinstance(body, str):
        return body.encode()
    return body if isinstance(body, bytes) else b""


@functools.lru_cache(maxsize=8192)
def canonical_body(body: bytes) -> str | bytes:
    """A JSON body in a form where key order does not matter but types do (1 is not 1.0)."""
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return body
    if isinstance(parsed, dict):
        parsed = {k: v for k, v in parsed.items() if k not in IGNORED_MEMBERS}
    return json.dumps(parsed, sort_keys=True)


def _aws_json(scope: Scope, request: Any) -> bool:
    return scope(request) and bool(aws_target(request))


def port_matcher(scope: Scope = REKOGNITION) -> Matcher:
    """Stands in for vcrpy's `port`: ignored between two in-scope AWS JSON requests (their
    endpoint is an emulator on a random port), vcrpy's own comparison otherwise."""

    def port(r1: Any, r2: Any) -> None:
        if _aws_json(scope, r1) and _aws_json(scope, r2):
            return
        import vcr.matchers

        vcr.matchers.port(r1, r2)

    return port


def operation_matcher(scope: Scope = REKOGNITION) -> Matcher:
    """Added to vcrpy's matchers: two in-scope requests match only with the same `X-Amz-Target`
    (the operation) and equal parsed JSON bodies; an in-scope request never matches one outside
    the scope; two requests outside it are not looked at (vcrpy's defaults never compare bodies,
    and other tests must not start missing their recordings because this package is installed)."""

    def aws_operation(r1: Any, r2: Any) -> None:
        ours1, ours2 = scope(r1), scope(r2)
        if not (ours1 or ours2):
            return
        a, b = aws_target(r1), aws_target(r2)
        if ours1 != ours2 or a != b:
            raise AssertionError(f"X-Amz-Target {a!r} != {b!r}")
        if a and canonical_body(request_body(r1)) != canonical_body(request_body(r2)):
            raise AssertionError("request bodies differ")

    return aws_operation
