"""AWS JSON 1.1 over HTTP: the reference service as a real server that unmodified boto3 reaches.

Every response, error or not, is JSON with `Content-Type: application/x-amz-json-1.1`, a
`Content-Length` and a fresh `x-amzn-RequestId`; nothing the client sends can produce the
stdlib's HTML error pages or a traceback. Signatures are not checked: any credentials work.
The handler keeps connections alive (HTTP/1.1) and disables Nagle's algorithm, which turns a
~44 ms keep-alive round trip (delayed-ACK interplay) into well under a millisecond.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from conformance.contract.model import operation_model
from conformance.reference import blas
from conformance.reference.api_errors import ApiError, internal_error, serialization
from conformance.reference.faults import FaultSet, RequestPlan, WireResponse, resolve
from conformance.reference.lag import LaggedStore
from conformance.reference.operations import OPERATIONS, READS
from conformance.reference.state_errors import StateWriteError
from conformance.reference.store import Store
from conformance.reference.validation import validate_input

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "RekognitionService."
MAX_BODY_BYTES = 10 * 1024 * 1024
IDLE_TIMEOUT_SECONDS = 300

Logger = Callable[[str], None]


def _stderr_logger() -> Logger:
    lock = threading.Lock()

    def log(line: str) -> None:
        with lock:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    return log


def _quiet(_line: str) -> None:
    pass


class _Reject(Exception):
    """A request refused before it reaches an operation; `close` drops the connection."""

    def __init__(self, error: ApiError, close: bool = False) -> None:
        super().__init__(error.message)
        self.error = error
        self.close = close


def error_body(error: ApiError) -> bytes:
    return json.dumps(
        {"__type": error.code, "Code": error.code, "Message": error.message},
        separators=(",", ":"),
    ).encode()


class _HttpServer(ThreadingHTTPServer):
    """Tracks open connections so stop() can close idle keep-alive sockets too."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    """Listen backlog. socketserver's default of 5 drops the SYNs of a burst of new connections,
    and each dropped one waits a whole second for its retransmission: 200 concurrent clients saw
    a p99 of 1.9 s (`benchmarks/connections.py`). The kernel caps it at net.core.somaxconn."""

    def __init__(
        self,
        address: tuple[str, int],
        store: Store,
        faults: FaultSet,
        log: Logger,
        read_lag_s: float = 0.0,
    ):
        self.store = store
        self.lagged = LaggedStore(store, read_lag_s) if read_lag_s > 0 else None
        self.faults = faults
        self.log = log
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "searchusers-reference"
    timeout = IDLE_TIMEOUT_SECONDS
    server: _HttpServer

    # --- methods ---------------------------------------------------------------------------------

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._not_post()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_GET

    def _not_post(self) -> None:
        started = time.perf_counter()
        self._discard_body()
        error = ApiError(
            "UnknownOperationException",
            f"{self.command} is not supported: send POST / with an X-Amz-Target header",
            status=405,
        )
        response = self._error_response(error)
        response.headers["Allow"] = "POST"
        self._finish(None, response, started)

    # --- stdlib hooks ----------------------------------------------------------------------------

    def version_string(self) -> str:
        return self.server_version

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Replace the stdlib's HTML error pages (bad request line, unknown method) with JSON."""
        kind = "UnknownOperationException" if code == 501 else "SerializationException"
        status = 405 if code == 501 else code
        error = ApiError(kind, message or explain or "Bad request", status=status)
        self.close_connection = True
        response = self._error_response(error)
        response.headers["Connection"] = "close"
        response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
        self._write(response)

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log(f"{self.address_string()} {format % args}")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _finish logs one richer line per request

    # --- the POST path ---------------------------------------------------------------------------

    def _handle(self) -> None:
        started = time.perf_counter()
        operation: str | None = None
        try:
            body = self._read_body()
            operation = self._operation()
            self._check_content_type()
            response = self._run(RequestPlan(operation, self._parse(body)))
        except _Reject as rejected:
            response = self._error_response(rejected.error)
            if rejected.close:
                self.close_connection = True
                response.headers["Connection"] = "close"
        self._finish(operation, response, started)

    def _run(self, plan: RequestPlan) -> WireResponse:
        try:
            self.server.faults.on_request(plan)
            model = operation_model(plan.operation)
            params = validate_input(model, plan.params) if plan.validate else plan.params
            result = self._operate(plan.operation, params)
            result = self.server.faults.on_result(plan, result)
            body = json.dumps(result, separators=(",", ":"), allow_nan=False).encode()
            return WireResponse(200, {"Content-Type": JSON_CONTENT_TYPE}, body)
        except ApiError as error:
            return self._error_response(error)
        except StateWriteError as exc:  # nothing was saved or kept: the client may retry
            self.server.log(f"{plan.operation} not saved: {exc}")
            return self._error_response(internal_error())
        except Exception:
            self.server.log(f"internal error in {plan.operation}:\n{traceback.format_exc()}")
            return self._error_response(internal_error())

    def _operate(self, operation: str, params: Any) -> dict[str, Any]:
        """Run the operation; with a read lag, reads see the past and writes record history."""
        store, lagged = self.server.store, self.server.lagged
        if lagged is None:
            return OPERATIONS[operation](store, params)
        if operation in READS:
            return READS[operation](lagged, params)
        collection_id = params.get("CollectionId") if isinstance(params, dict) else None
        with store.lock:  # the write and its history entry as one step
            lagged.before_write(collection_id)
            try:
                return OPERATIONS[operation](store, params)
            finally:
                lagged.after_write(collection_id)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise _Reject(
                ApiError("SerializationException", "Chunked bodies are not supported", 411), True
            )
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
            if length < 0:
                raise ValueError(raw_length)
        except ValueError as exc:
            raise _Reject(serialization("Invalid Content-Length"), close=True) from exc
        if length > MAX_BODY_BYTES:
            error = ApiError(
                "RequestEntityTooLargeException",
                f"Request body of {length} bytes exceeds the {MAX_BODY_BYTES} byte limit",
                status=413,
            )
            raise _Reject(error, close=True)
        return self.rfile.read(length)

    def _discard_body(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if 0 <= length <= MAX_BODY_BYTES:
            self.rfile.read(length)
        else:
            self.close_connection = True

    def _operation(self) -> str:
        target = self.headers.get("X-Amz-Target")
        if not target:
            raise _Reject(ApiError("UnknownOperationException", "Missing X-Amz-Target header"))
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else None
        if operation not in OPERATIONS:
            raise _Reject(
                ApiError(
                    "UnknownOperationException",
                    f"Operation {target!r} is not supported by the reference service",
                )
            )
        return operation

    def _check_content_type(self) -> None:
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media_type != JSON_CONTENT_TYPE:
            raise _Reject(
                serialization(f"Content-Type must be {JSON_CONTENT_TYPE}, not {media_type!r}")
            )

    @staticmethod
    def _parse(body: bytes) -> Any:
        if not body.strip():
            return {}
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise _Reject(serialization("Request body is not valid JSON")) from exc

    # --- writing ---------------------------------------------------------------------------------

    def _error_response(self, error: ApiError) -> WireResponse:
        headers = {"Content-Type": JSON_CONTENT_TYPE, "X-Amzn-ErrorType": error.code}
        return WireResponse(error.status, headers, error_body(error))

    def _finish(self, operation: str | None, response: WireResponse, started: float) -> None:
        request_id = str(uuid.uuid4())
        response.headers["x-amzn-RequestId"] = request_id
        try:
            response = self.server.faults.on_response(operation, response)
        except Exception:
            self.server.log(f"fault hook failed:\n{traceback.format_exc()}")
            response = self._error_response(internal_error())
            response.headers["x-amzn-RequestId"] = request_id
        self._write(response)
        elapsed = (time.perf_counter() - started) * 1000
        self.server.log(
            f'{self.client_address[0]} "{self.command} {self.path}" {operation or "-"} '
            f"{response.status} {len(response.body)}B {elapsed:.1f}ms {request_id}"
        )

    def _write(self, response: WireResponse) -> None:
        try:
            self.send_response(response.status)
            headers = dict(response.headers)
            headers.setdefault("Content-Length", str(len(response.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class ReferenceServer:
    """The reference service on a background thread; usable as a context manager.

    `faults` names faults from `conformance.reference.faults.REGISTRY` (UnknownFaultError for
    others). `state_path` keeps state in SQLite so it survives a restart; None keeps it in memory.
    `log` receives one line per request (stderr by default; `quiet=True` discards them).
    `blas_threads` caps OpenBLAS threads process-wide on start (see blas.py; None leaves it).
    `read_lag_s` makes reads see each collection as it was that long ago (see lag.py); a
    fault with its own `read_lag_s` (the `read-lag` variation) raises it.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: str | Path | None = None,
        faults: Iterable[str] = (),
        *,
        log: Logger | None = None,
        quiet: bool = False,
        blas_threads: int | None = 1,
        read_lag_s: float = 0.0,
    ) -> None:
        self.host = host
        self.port = port
        self.state_path = state_path
        self.faults = resolve(faults)
        self.read_lag_s = max([read_lag_s, *(f.read_lag_s for f in self.faults.faults)])
        self._log = _quiet if quiet else (log or _stderr_logger())
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._store: Store | None = None
        self._blas_threads = blas_threads

    @property
    def store(self) -> Store:
        """The live state (for bulk set-up in benchmarks and fixtures)."""
        if self._store is None:
            raise RuntimeError("server not started")
        return self._store

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        address = self._server.server_address
        host = address[0] if isinstance(address[0], str) else address[0].decode()
        port = address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> ReferenceServer:
        if self._server is not None:
            return self
        if self._blas_threads is not None:
            blas.limit_threads(self._blas_threads)
        self._store = Store(self.state_path)
        try:
            self._server = _HttpServer(
                (self.host, self.port), self._store, self.faults, self._log, self.read_lag_s
            )
        except BaseException:
            self._store.close()
            self._store = None
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="reference-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread, store = self._server, self._thread, self._store
        self._server = self._thread = self._store = None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if store is not None:
            store.close()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
