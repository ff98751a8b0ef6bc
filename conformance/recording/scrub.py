"""What a recorded request or response becomes before it reaches a cassette file.

`scrub_request` is vcrpy's `before_record_request` (it runs on live requests before vcrpy holds
them, and on loaded ones before matching, so both sides compare scrubbed); responses are scrubbed
by the persister (`integration`), the one place that sees a response with its request and so can
tell Rekognition traffic from anything else. Either way nothing secret reaches the disk, even if
a recording is cut short. Replacements keep a cassette replayable: a fake account id keeps an ARN
well-formed, a URL loses only its userinfo, unchanged bytes stay identical.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from conformance.recording.patterns import (
    MASK,
    PLACEHOLDER_ACCOUNT,
    REMOVED_HEADERS,
    SECRET_QUERY_PARAMETERS,
)
from conformance.recording.scope import header_text
from conformance.secrets.patterns import ACCESS_KEY, URL_USERINFO, mask_credentials, sub


def scrub_text(text: str) -> str:
    """Mask every credential-looking value in `text`; returns `text` itself if none."""
    out = sub(ACCESS_KEY, MASK, text)
    out = mask_credentials(out, mask=MASK, account=PLACEHOLDER_ACCOUNT)
    # A bare user name is no credential, and a replayed URL keeps it.
    out = sub(URL_USERINFO, lambda m: m.group(1) if m.group(2) else m.group(0), out)
    return text if out == text else out


def scrub_bytes(data: bytes | None) -> bytes | None:
    """Scrub a body without re-encoding it: unchanged bytes stay byte-identical.

    latin-1 maps every byte to one code point and back, so binary bodies survive intact and
    only the ASCII secrets the patterns describe are touched.
    """
    if not data:
        return data
    text = data.decode("latin-1")
    cleaned = scrub_text(text)
    return data if cleaned is text else cleaned.encode("latin-1")


def scrub_uri(uri: str) -> str:
    """Drop user:password and mask presigned-URL credentials in a recorded URI."""
    parts = urlsplit(uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = parts.query
    if any(name.lower() in SECRET_QUERY_PARAMETERS for name, _ in pairs):
        query = urlencode(
            [(n, MASK if n.lower() in SECRET_QUERY_PARAMETERS else v) for n, v in pairs]
        )
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if query != parts.query or netloc != parts.netloc:
        uri = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return scrub_text(uri)


def scrub_request(request: Any) -> Any:
    """vcrpy's `before_record_request`: a scrubbed copy (the live request is left alone)."""
    clean = copy.copy(request)
    clean.headers = {
        name: scrub_text(header_text(value))
        for name, value in request.headers.items()
        if name.lower() not in REMOVED_HEADERS
    }
    clean.body = scrub_bytes(request.body if isinstance(request.body, bytes | None) else None)
    clean.uri = scrub_uri(request.uri)
    return clean


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy's `before_record_response` (it hands us a deep copy: mutating is safe)."""
    headers = response.get("headers") or {}
    response["headers"] = {
        name: [
            scrub_text(header_text(v)) for v in (values if isinstance(values, list) else [values])
        ]
        for name, values in headers.items()
        if name.lower() not in REMOVED_HEADERS
    }
    body = response.get("body")
    if isinstance(body, dict) and isinstance(body.get("string"), bytes | str):
        raw = body["string"]
        body["string"] = scrub_bytes(raw if isinstance(raw, bytes) else raw.encode())
    if "url" in response and isinstance(response["url"], str):
        response["url"] = scrub_uri(response["url"])
    return response
