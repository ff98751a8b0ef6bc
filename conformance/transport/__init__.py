"""Sending requests to a target: signing, budget, rate limit, throttling backoff.

Why not a plain boto3 client: the rules need the raw wire answer (status, headers, bytes), the
suite must send requests botocore refuses to build (invalid members, broken JSON, unknown
targets), and live endpoints need a hard request budget and a rate cap that botocore has no
notion of. So the suite serialises with botocore (blobs, floats exactly as the SDK writes them),
signs with botocore's SigV4 and sends through botocore's own HTTP session (so vcrpy records it
like any boto3 call), but decides itself what to retry.

Every attempt counts against the budget, throttled ones included: the budget is what the user
pays for. `watchdog` beside it bounds each attempt as a whole (urllib3 only bounds each read).
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions
import botocore.httpsession
import botocore.serialize
import urllib3.exceptions
from botocore.model import OperationNotFoundError

from conformance import limits
from conformance.contract.model import service_model
from conformance.credentials import LOOPBACK_CREDENTIALS
from conformance.errors import (
    BudgetExhausted,
    ConnectionDropped,
    TargetThrottled,
    TargetUnavailable,
    UnreadableResponse,
    UsageError,
)
from conformance.exchange import (
    JSON_CONTENT_TYPE,
    RAW,
    SENT_AT,
    TARGET_PREFIX,
    Exchange,
    TransportStats,
    operation_from_target,
    phase_of,
    scrub_headers,
)
from conformance.secrets import values as secret_values
from conformance.secrets.redact import excerpt
from conformance.transport import watchdog

SERVICE = "rekognition"

__all__ = ["LOOPBACK_CREDENTIALS", "Client", "Transport", "TransportSettings"]
"""`LOOPBACK_CREDENTIALS` is `conformance.credentials`'; re-exported for code (tests, benchmarks)
that builds a Transport by hand."""

_CHUNK = 64 * 1024
_READ_TIMEOUTS = (botocore.exceptions.ReadTimeoutError, urllib3.exceptions.ReadTimeoutError)


class _TimedOut(Exception):
    """One attempt got no complete answer within its deadline (retried, then counted)."""


@dataclass
class TransportSettings:
    """How politely to talk to a target. Defaults suit a paid, throttled endpoint."""

    endpoint_url: str
    region: str = "us-east-1"
    max_requests: int | None = 300
    rps: float | None = None
    throttle_retries: int = 5
    allowed_operations: frozenset[str] | None = None
    """When set (a read-only run), any other operation is refused before it is sent or
    charged: one choke point that every phase, listing and probe goes through."""
    give_up_after_throttled: int = 3
    """Consecutive requests still throttled after all their retries before the run stops
    sending: persistent throttling cannot be waited out within a run, only paid for."""
    server_error_retries: int = 1
    backoff_base_s: float = 0.2
    backoff_cap_s: float = 8.0
    connect_timeout_s: float = 5.0
    deadline_s: float = 60.0
    """Longest one attempt may take, sending to last byte (`--request-timeout`); also the
    socket read timeout, so a silent target and a dripping one are stopped alike."""
    give_up_after_timeouts: int = 3
    """Attempts in a row that missed their deadline before the run stops: a target that
    cannot answer in time will not start to on the next retry."""
    verify: bool | str = True
    """TLS verification: True, or the path of a CA bundle (`--ca-bundle`, AWS_CA_BUNDLE)."""


ExchangeListener = Callable[[Exchange], None]


class Client(Protocol):
    """What senders above the transport rely on (the engine's phases, seeding, the stateful
    phase, parity): `Transport` is one, a test's in-process fake is another."""

    @property
    def stats(self) -> TransportStats: ...

    def call(self, operation: str, params: Mapping[str, Any], *, label: str = "") -> Exchange: ...

    def call_raw(
        self,
        body: bytes,
        *,
        target: str | None = ...,
        content_type: str | None = ...,
        label: str = "",
    ) -> Exchange: ...

    def on_exchange(self, listener: ExchangeListener) -> None: ...

    def remaining(self) -> int | None: ...


class Transport:
    """Sends signed AWS JSON 1.1 requests and returns `Exchange`s; thread-safe."""

    def __init__(
        self,
        settings: TransportSettings,
        credentials: botocore.credentials.Credentials | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if credentials is None:
            raise UsageError(
                "no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY; emulators accept any values, e.g. 'testing')"
            )
        self.settings = settings
        self.stats = TransportStats()
        self._credentials = credentials
        secret_values.remember(credentials.get_frozen_credentials())
        self._http = botocore.httpsession.URLLib3Session(
            verify=settings.verify,  # type: ignore[arg-type]  # a CA bundle path works too
            # botocore accepts a (connect, read) pair although its stubs say int
            timeout=(settings.connect_timeout_s, settings.deadline_s),  # type: ignore[arg-type]
            max_pool_connections=4,
            # botocore drops urllib3's TCP_NODELAY default and writes headers and body in two
            # sends: with Nagle on, the body waits for the peer's delayed ACK (~40 ms a request).
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],  # type: ignore[list-item]
        )
        watchdog.install(self._http)
        self._serializer = botocore.serialize.create_serializer("json", include_validation=False)
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._index = 0
        self._throttled_streak = 0
        self._timeout_streak = 0
        self._held_back = 0
        self._sleep = sleep
        self._clock = clock
        self._listeners: list[ExchangeListener] = []

    # -- public API ---------------------------------------------------------------------

    def on_exchange(self, listener: ExchangeListener) -> None:
        """Call `listener` with every exchange (progress display, logs, recorders)."""
        self._listeners.append(listener)

    def remaining(self) -> int | None:
        budget = self.settings.max_requests
        return None if budget is None else max(0, budget - self._held_back - self.stats.total)

    def call(self, operation: str, params: Mapping[str, Any], *, label: str = "") -> Exchange:
        """Send `params` as `operation`, valid or not; never raises for an HTTP error status."""
        body = self._serialize(operation, params)
        headers = {"X-Amz-Target": TARGET_PREFIX + operation, "Content-Type": JSON_CONTENT_TYPE}
        return self._exchange(operation, params, headers, body, label)

    def call_raw(
        self,
        body: bytes,
        *,
        target: str | None = TARGET_PREFIX + "SearchUsers",
        content_type: str | None = JSON_CONTENT_TYPE,
        label: str = "",
    ) -> Exchange:
        """Send arbitrary bytes, for protocol probes (broken JSON, unknown or missing target)."""
        headers: dict[str, str] = {}
        if target is not None:
            headers["X-Amz-Target"] = target
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            params = json.loads(body)
        except ValueError:
            params = None
        if not isinstance(params, dict):
            params = None
        return self._exchange(operation_from_target(target), params, headers, body, label)

    def close(self) -> None:
        self._http.close()

    # -- internals ------------------------------------------------------------------------

    def _serialize(self, operation: str, params: Mapping[str, Any]) -> bytes:
        try:
            op = service_model().operation_model(operation)
        except OperationNotFoundError:
            return json.dumps(params).encode()
        try:
            request = self._serializer.serialize_to_request(dict(params), op)
        except (TypeError, ValueError, AttributeError):
            # Deliberately ill-typed members: write them as given, which is what a buggy
            # client would put on the wire.
            return json.dumps(params, default=str).encode()
        body = request["body"]
        return body if isinstance(body, bytes) else str(body).encode()

    def _exchange(
        self,
        operation: str | None,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str],
        body: bytes,
        label: str,
    ) -> Exchange:
        attempts = 0
        throttle_tries = 0
        server_tries = 0
        started = time.perf_counter()
        while True:
            attempts += 1
            try:
                status, response_headers, response_body, sent_headers = self._send_once(
                    operation, headers, body, label
                )
            except _TimedOut:
                self._note_timeout()
                self._backoff(attempts)
                continue
            exchange = Exchange(
                index=self._next_index(),
                operation=operation,
                params=params,
                request_headers=scrub_headers(sent_headers),
                request_body=body,
                status=status,
                response_headers=response_headers,
                response_body=response_body,
                elapsed_s=time.perf_counter() - started,
                attempts=attempts,
                label=label,
                meta={SENT_AT: started},
            )
            if exchange.throttled:
                self.stats.throttled += 1
                if throttle_tries < self.settings.throttle_retries:
                    throttle_tries += 1
                    self._backoff(throttle_tries)
                    continue
            elif exchange.server_error:
                self.stats.server_errors += 1
                if server_tries < self.settings.server_error_retries:
                    server_tries += 1
                    self._backoff(server_tries)
                    continue
            for listener in self._listeners:
                listener(exchange)
            self._note_throttling(exchange)
            return exchange

    def _note_throttling(self, exchange: Exchange) -> None:
        with self._lock:
            self._throttled_streak = self._throttled_streak + 1 if exchange.throttled else 0
            streak = self._throttled_streak
        limit = self.settings.give_up_after_throttled
        if limit and streak >= limit:
            raise TargetThrottled(
                f"{streak} requests in a row stayed throttled after "
                f"{self.settings.throttle_retries} retries each ({exchange.error_type or exchange.status})"
            )

    def _note_timeout(self) -> None:
        with self._lock:
            self._timeout_streak += 1
            streak = self._timeout_streak
        if streak >= self.settings.give_up_after_timeouts:
            raise TargetUnavailable(
                f"{streak} requests in a row got no complete answer from {self._where()} "
                f"within {self.settings.deadline_s:g} s each (--request-timeout)"
            )

    def _next_index(self) -> int:
        with self._lock:
            self._index += 1
            return self._index

    def _backoff(self, attempt: int) -> None:
        """Exponential backoff with full jitter (the AWS architecture blog's recommendation)."""
        self.stats.retries += 1
        ceiling = min(self.settings.backoff_cap_s, self.settings.backoff_base_s * 2**attempt)
        self._sleep(random.uniform(0, ceiling))

    def hold_back(self, requests: int) -> None:
        """Keep `requests` of the budget for cleanup (deleting what the run created): ordinary
        sends stop that many short of the budget until `release()`."""
        with self._lock:
            self._held_back = requests

    def release(self) -> None:
        with self._lock:
            self._held_back = 0

    def permits(self, operation: str | None) -> bool:
        allowed = self.settings.allowed_operations
        return allowed is None or operation in allowed

    def _reserve(self, operation: str | None, label: str = "") -> None:
        """Charge one request to the budget and wait for the rate limiter's next slot."""
        if not self.permits(operation):
            raise UsageError(
                f"read-only run refused to send {operation or 'a request without X-Amz-Target'}"
            )
        with self._lock:
            budget = self.settings.max_requests
            if budget is not None and self.stats.total >= budget - self._held_back:
                raise BudgetExhausted(f"request budget of {budget} exhausted (--max-requests)")
            self.stats.sent[operation or RAW] += 1
            self.stats.phases[phase_of(label, operation)] += 1
            delay = 0.0
            if self.settings.rps:
                now = self._clock()
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / self.settings.rps
                delay = slot - now
        if delay > 0:
            self._sleep(delay)

    def _send_once(
        self, operation: str | None, headers: Mapping[str, str], body: bytes, label: str
    ) -> tuple[int, dict[str, str], bytes, dict[str, str]]:
        self._reserve(operation, label)
        request = botocore.awsrequest.AWSRequest(
            method="POST",
            url=self.settings.endpoint_url,
            data=body,
            headers=dict(headers),
            stream_output=True,  # read below, in pieces, up to the size limit
        )
        botocore.auth.SigV4Auth(self._credentials, SERVICE, self.settings.region).add_auth(request)
        # refreshed credentials are new values
        secret_values.remember(self._credentials.get_frozen_credentials())
        prepared = request.prepare()
        with watchdog.deadline(self.settings.deadline_s) as deadline:
            try:
                response = self._http.send(prepared)
                content = self._read_body(response.raw, operation)
            except (
                botocore.exceptions.HTTPClientError,
                botocore.exceptions.ConnectionError,
                urllib3.exceptions.HTTPError,
            ) as exc:
                if deadline.expired or isinstance(exc, _READ_TIMEOUTS):
                    raise _TimedOut from None
                raise self._unavailable(exc) from None
        with self._lock:
            self._timeout_streak = 0
        if (deep := limits.too_deep(content)) is not None:
            raise UnreadableResponse(f"{operation or 'a request'} answered {deep}")
        response_headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status_code, response_headers, content, dict(prepared.headers.items())

    def _read_body(self, raw: Any, operation: str | None) -> bytes:
        """The whole body, or `UnreadableResponse` once it outgrows the limit (the connection
        is then dropped rather than drained: draining an endless body never ends)."""
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := raw.read(_CHUNK):
                size += len(chunk)
                if size > limits.MAX_RESPONSE_BYTES:
                    raw.close()
                    raise UnreadableResponse(
                        f"{operation or 'a request'} answered a body larger than "
                        f"{limits.megabytes(limits.MAX_RESPONSE_BYTES)} (reading stopped there)"
                    )
                chunks.append(chunk)
        finally:
            raw.release_conn()
        return b"".join(chunks)

    def _unavailable(self, exc: BaseException) -> TargetUnavailable:
        """Name what went wrong on the way: TLS, the connection, or something else in HTTP."""
        if isinstance(exc, botocore.exceptions.SSLError | urllib3.exceptions.SSLError):
            return TargetUnavailable(
                f"TLS failure talking to {self._where()}: {_short(exc)}", delivered=False
            )
        if isinstance(exc, botocore.exceptions.EndpointConnectionError):
            # no connection at all, as opposed to one closed after the request went out
            return TargetUnavailable(f"cannot reach {self._where()}: {_why(exc)}", delivered=False)
        if isinstance(
            exc, botocore.exceptions.ConnectionClosedError | urllib3.exceptions.ProtocolError
        ):
            return ConnectionDropped(f"cannot reach {self._where()}: {_why(exc)}")
        if isinstance(exc, botocore.exceptions.ConnectTimeoutError):
            return TargetUnavailable(f"timed out connecting to {self._where()}", delivered=False)
        return TargetUnavailable(f"HTTP failure talking to {self._where()}: {_short(exc)}")

    def _where(self) -> str:
        return self.settings.endpoint_url


def _short(exc: BaseException) -> str:
    return excerpt(str(exc).splitlines()[0], 200) if str(exc) else type(exc).__name__


def _causes(exc: BaseException) -> list[BaseException]:
    """The chain under a botocore error: its wrapped urllib3 error, that one's socket error."""
    seen: list[BaseException] = []
    pending: list[object] = [exc]
    while pending and len(seen) < 12:
        current = pending.pop()
        if not isinstance(current, BaseException) or current in seen:
            continue
        seen.append(current)
        kwargs = getattr(current, "kwargs", None)
        pending += [
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),
            kwargs.get("error") if isinstance(kwargs, dict) else None,
        ]
    return seen


def _why(exc: BaseException) -> str:
    """Name the actual problem: botocore says "could not connect" for all of them."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return "unknown host (the name does not resolve)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused (nothing listens on that port)"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the target"
    return _short(exc)
