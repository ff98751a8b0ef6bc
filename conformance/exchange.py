"""One HTTP request/response pair, as the rules see it, and the AWS JSON 1.1 words around it.

Rules judge exchanges, never the code that produced them: the same `Exchange` comes from a live
endpoint, the embedded reference or a cassette, so every rule works identically on all three.
An exchange keeps the raw bytes (wire rules need them) and offers parsed views for convenience.
Request headers are scrubbed when the exchange is built, so nothing downstream (reports, logs,
reproductions) can leak a credential.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

from conformance.contract.errors import error_type
from conformance.contract.nulls import absent_nulls

T = TypeVar("T")

TARGET_PREFIX = "RekognitionService."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
"""What AWS JSON 1.1 requests are sent with, and what AWS answers with."""
RAW = "<raw>"
"""How requests without an X-Amz-Target are counted (protocol probes)."""

#: Operations that never change a collection. Everything else may, so it starts a new epoch
#: (see `epoch`): rules only compare exchanges that saw the same collection state.
READ_OPERATIONS = frozenset(
    {
        "SearchUsers",
        "SearchUsersByImage",
        "ListUsers",
        "ListFaces",
        "DescribeCollection",
        "ListCollections",
        "SearchFaces",
        "SearchFacesByImage",
    }
)

#: Errors that say "try later", not "you are wrong": retried with backoff, never a violation.
THROTTLING_ERRORS = frozenset({"ThrottlingException", "ProvisionedThroughputExceededException"})
THROTTLING_STATUSES = frozenset({429, 503})

#: Request bodies this large may be cut off by an HTTP front end before the service reads them:
#: 5 MB is AWS's documented limit for image bytes (the model's ImageBlob), so any request
#: carrying an image the service must refuse is at least this long.
FRONT_END_BODY_LIMIT = 5 * 1024 * 1024
PAYLOAD_TOO_LARGE = 413

#: Answers that refuse the caller rather than judge the request: they say nothing about the
#: implementation, so a run cannot be verified through them (and they are never violations).
CREDENTIAL_ERRORS = frozenset(
    {
        "AccessDeniedException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "ExpiredToken",
        "ExpiredTokenException",
        "UnrecognizedClientException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "InvalidClientTokenId",
    }
)

#: Headers that carry or derive from credentials; replaced before an exchange exists.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-security-token",
        "x-amz-date",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
    }
)
SCRUBBED = "<scrubbed>"
SENT_AT = "sent_at"
"""`meta` key: when the Transport sent the request (time.perf_counter seconds). Cassettes do not
record it: rules may use it to say how long something took, never to decide a verdict."""


def scrub_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-case header names and mask every credential-bearing value."""
    return {k.lower(): (SCRUBBED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def parse_error_type(headers: Mapping[str, str], body: Any) -> str | None:
    """The error code as boto3 hands it to a caller: the body's `__type` only (see
    `conformance.contract.errors`, the package's one reading)."""
    return error_type(headers, body if isinstance(body, dict) else None)


@dataclass(frozen=True)
class Exchange:
    """A request the suite sent and what came back.

    `params` is the request as the suite meant it (a dict of members), or None when the body
    was deliberately not a JSON object (protocol probes); `request_body` is what went on the wire.
    `index` orders exchanges within a run; `label` says why the engine sent it (for reports only:
    rules derive everything from the request and response themselves, so cassettes work too).
    """

    index: int
    operation: str | None
    params: Mapping[str, Any] | None
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int
    response_headers: Mapping[str, str]
    response_body: bytes
    elapsed_s: float = 0.0
    attempts: int = 1
    label: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A view derived from this exchange, computed once: every rule reads the same parsed
        request, and a run's judge would otherwise re-parse and re-validate it per rule."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    @cached_property
    def wire_request(self) -> Mapping[str, Any] | None:
        """The request members as sent on the wire, or None when the body was no JSON object
        (the params are only a fallback for exchanges built without a body)."""
        if not self.request_body:
            return self.params
        try:
            parsed = absent_nulls(json.loads(self.request_body))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        return parsed if isinstance(parsed, dict) else None

    @cached_property
    def wire_json(self) -> Any:
        """The response body exactly as parsed, nulls kept (reports show what was sent), or
        None if it is not JSON."""
        if not self.response_body:
            return None
        try:
            return json.loads(self.response_body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # transports and cassettes refuse bodies nested this deep before an exchange exists;
            # one built elsewhere reads as "not JSON" rather than crashing a rule
            return None

    @cached_property
    def json(self) -> Any:
        """The response body as every rule reads it: null members dropped (they are absent)."""
        try:
            return absent_nulls(self.wire_json)
        except RecursionError:  # as deep as json.loads allows: "not JSON" like deeper bodies
            return None

    @cached_property
    def output(self) -> dict[str, Any] | None:
        """A 2xx answer's members: its JSON object, or `{}` for an empty body where the
        operation's documented output is empty (AWS answers CreateUser and DeleteUser with
        "an empty HTTP body"; botocore reads it as no members). None when the body is neither.
        """
        if not self.ok:
            return None
        if isinstance(self.json, dict):
            return self.json
        from conformance.contract.model import empty_output  # deferred: botocore is heavy

        if not self.response_body.strip() and self.operation and empty_output(self.operation):
            return {}
        return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def client_error(self) -> bool:
        return 400 <= self.status < 500

    @property
    def server_error(self) -> bool:
        return self.status >= 500

    @cached_property
    def error_type(self) -> str | None:
        if self.ok:
            return None
        return parse_error_type(self.response_headers, self.json)

    @property
    def throttled(self) -> bool:
        return self.error_type in THROTTLING_ERRORS or self.status in THROTTLING_STATUSES

    @property
    def cut_off(self) -> bool:
        """A bare HTTP 413 (no AWS error type) to a body over `FRONT_END_BODY_LIMIT`: what a
        load balancer or API front end answers when it refuses a body by size before the
        service sees it. Whether AWS's own front end does so for Rekognition is not documented,
        so such an answer is no evidence about the implementation either way: like throttling,
        it is never judged (a typed ImageTooLargeException still is)."""
        return (
            self.status == PAYLOAD_TOO_LARGE
            and self.error_type is None
            and len(self.request_body) > FRONT_END_BODY_LIMIT
        )

    @property
    def refused(self) -> bool:
        """The target turned the caller away (credentials, signature, permissions)."""
        return self.error_type in CREDENTIAL_ERRORS

    @property
    def sent_at(self) -> float | None:
        at = self.meta.get(SENT_AT)
        return float(at) if isinstance(at, int | float) else None

    @property
    def content_type(self) -> str:
        return self.response_headers.get("content-type", "")

    @property
    def request_id(self) -> str | None:
        return self.response_headers.get("x-amzn-requestid")

    @property
    def collection_id(self) -> Any:
        return (self.params or {}).get("CollectionId")

    @property
    def mutating(self) -> bool:
        """Whether this exchange may have changed a collection (it then starts a new epoch).

        Reads never do; nor does an operation Rekognition does not have (protocol probes), nor
        a request answered with a client error: AWS validates before it acts, so a rejected
        write changed nothing. Server errors stay suspect: a write may have half-happened.
        """
        if self.operation is None or self.operation in READ_OPERATIONS or self.client_error:
            return False
        return self.operation in rekognition_operations()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for reports (bodies decoded as text where possible)."""
        return {
            "index": self.index,
            "label": self.label,
            "operation": self.operation,
            "request": {
                "params": _printable(self.params) if self.params is not None else None,
                "headers": dict(self.request_headers),
                "body": _text(self.request_body),
            },
            "response": {
                "status": self.status,
                "headers": dict(self.response_headers),
                "body": (
                    self.wire_json if self.wire_json is not None else _text(self.response_body)
                ),
            },
            "attempts": self.attempts,
            "elapsed_s": round(self.elapsed_s, 6),
        }


def _printable(params: Mapping[str, Any]) -> dict[str, Any]:
    """Params for a report: a blob (an image) is counted, not dumped."""
    return {
        key: _printable(value)
        if isinstance(value, Mapping)
        else f"<{len(value)} bytes>"
        if isinstance(value, bytes)
        else value
        for key, value in params.items()
    }


def _text(data: bytes, limit: int = 4096) -> str:
    text = data.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


@functools.cache
def rekognition_operations() -> frozenset[str]:
    """Operation names in botocore's Rekognition model (loaded once; ~100 ms)."""
    from conformance.contract.model import service_model  # deferred: botocore is heavy

    return frozenset(service_model().operation_names)


def phase_of(label: str, operation: str | None) -> str:
    """The phase a request belongs to: the first word of the engine's label ("seed",
    "protocol:not-json" -> "protocol"), else its operation. Every count per phase (the
    transport's, the progress display's, the plan's) uses this one reading."""
    match = re.match(r"[A-Za-z0-9_.-]+", label)
    return match.group(0) if match else (operation or "raw")


@dataclass
class TransportStats:
    """What was sent: the numbers a user pays for, shown in every summary."""

    sent: Counter[str] = field(default_factory=Counter)
    phases: Counter[str] = field(default_factory=Counter)
    """The same requests by phase (`phase_of`): both add up to `total`."""
    throttled: int = 0
    server_errors: int = 0
    retries: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    @classmethod
    def of(cls, exchanges: Iterable[Exchange]) -> TransportStats:
        """What a recorded run sent, so a replay's summary reads as the live run's did.

        Each exchange is its final answer: its earlier attempts were retries, the last one
        counts as throttled or a server error as it was."""
        stats = cls()
        for exchange in exchanges:
            stats.sent[exchange.operation or RAW] += exchange.attempts
            stats.phases[phase_of(exchange.label, exchange.operation)] += exchange.attempts
            stats.retries += exchange.attempts - 1
            stats.throttled += exchange.throttled
            stats.server_errors += exchange.server_error
        return stats


class NextPage(NamedTuple):
    """How an AWS JSON page names the next one: the one stopping rule of every listing this
    package reads or follows (discovery, the evidence views, cleanup, the plugin's fixture)."""

    token: str | None
    """What to ask for the next page with; None when there is nothing to ask for."""
    last: bool
    """No further page: NextToken absent or empty, as botocore's paginator reads it (it takes
    an empty token for none). False with `token` None: a token that is no string is unreadable,
    so a listing can neither go on nor count as complete -- calling it complete would let the
    rules hold "missing" items against a target that had more pages."""


def next_page(body: Mapping[str, Any]) -> NextPage:
    """The `NextPage` a page's body names."""
    token = body.get("NextToken")
    readable = token if isinstance(token, str) and token else None
    return NextPage(readable, token is None or token == "")


def default_endpoint(region: str) -> str:
    """The public AWS endpoint for a region (used when --endpoint-url is omitted)."""
    return f"https://rekognition.{region}.amazonaws.com"


def operation_from_target(target: str | None) -> str | None:
    """`RekognitionService.SearchUsers` -> `SearchUsers`; anything else -> None."""
    if target and target.startswith(TARGET_PREFIX):
        return target[len(TARGET_PREFIX) :] or None
    return None
