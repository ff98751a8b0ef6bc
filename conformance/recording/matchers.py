"""vcrpy matchers and settings for AWS JSON 1.1: replay must answer the request that was asked.

Every AWS JSON call is `POST /`, so vcrpy's default matching (method, host, port, path, query)
answers any request with the first recording -- a replayed ListCollections got a SearchUsers
answer. Its `body` matcher compares raw bytes, so the same request with keys in another order
misses. Here requests match on method, scheme, host, path, `X-Amz-Target` and the parsed JSON
body; never on the port (the embedded reference listens on a random one) nor on signed headers
(they change every second).
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from conformance.recording import bounded_yaml
from conformance.recording.patterns import REMOVED_HEADERS
from conformance.recording.scrub import header_text, scrub_request, scrub_response

if TYPE_CHECKING:
    import vcr

MATCH_ON = ("method", "scheme", "host", "path", "aws_target", "json_body")
"""vcrpy `match_on` for AWS JSON APIs (the custom names are registered by `configure`)."""

IGNORED_MEMBERS = frozenset({"ClientRequestToken"})
"""Request members that differ on every run by design: botocore fills idempotency tokens with
a fresh UUID, so a replayed CreateUser or AssociateFaces would never match its recording."""


def request_header(request: Any, name: str) -> str:
    """vcrpy keeps header names as sent, so the lookup ignores case (`name` is lower-case)."""
    for key, value in request.headers.items():
        if key.lower() == name:
            return header_text(value)
    return ""


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


def match_aws_target(r1: Any, r2: Any) -> None:
    """vcrpy matcher: same `X-Amz-Target` (the operation), raising to say no.

    Installed as a default for every pytest-recording test of a project that has this package,
    so a request that is not AWS JSON keeps vcrpy's own defaults: port and query still decide.
    """
    a, b = request_header(r1, "x-amz-target"), request_header(r2, "x-amz-target")
    if a != b:
        raise AssertionError(f"X-Amz-Target {a!r} != {b!r}")
    if not a:
        import vcr.matchers

        vcr.matchers.port(r1, r2)
        vcr.matchers.query(r1, r2)


def match_json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: equal parsed JSON bodies (raw bytes when a body is not JSON).

    Only for AWS JSON requests: vcrpy's defaults never compare bodies, and other tests in the
    same project must not start missing their recordings because this package is installed.
    """
    if not request_header(r1, "x-amz-target"):
        return
    if canonical_body(request_body(r1)) != canonical_body(request_body(r2)):
        raise AssertionError("request bodies differ")


def vcr_options() -> dict[str, Any]:
    """Our settings as keyword arguments for `VCR.use_cassette` (pytest-recording's
    `vcr_config`). No record_mode: that stays with `--record-mode`."""
    return {
        "match_on": MATCH_ON,
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "filter_headers": tuple(sorted(REMOVED_HEADERS)),
        "decode_compressed_response": True,
    }


def configure(recorder: vcr.VCR) -> vcr.VCR:
    """Make our matchers and `vcr_options` the defaults of a vcrpy `VCR` (its attributes
    carry the same names as the keyword arguments)."""
    recorder.register_matcher("aws_target", match_aws_target)
    recorder.register_matcher("json_body", match_json_body)
    recorder.register_serializer("yaml", bounded_yaml.VcrSerializer)
    for name, value in vcr_options().items():
        setattr(recorder, name, value)
    return recorder
