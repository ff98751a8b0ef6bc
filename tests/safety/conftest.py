"""A scriptable loopback "SearchUsers implementation" that misbehaves at the protocol level.

`ScriptedServer` answers each request with whatever the test's `script` returns for it, and
forwards to a real reference service when the script returns None, so a test can break one
operation (or the first N requests of each) while the rest behaves correctly. It also records,
server-side, the X-Amz-Target of every request that reached it: what the client *meant* to send
proves nothing about what a production collection received.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conformance.exchange import operation_from_target
from conformance.reference.server import ReferenceServer

CLI = [sys.executable, "-m", "conformance"]
JSON_TYPE = "application/x-amz-json-1.1"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": JSON_TYPE})


def aws_error(kind: str, status: int = 400, message: str = "") -> Reply:
    body = {"__type": kind, "message": message or kind}
    return Reply(status, json.dumps(body).encode())


def html(status: int = 502) -> Reply:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    return Reply(status, page, {"Content-Type": "text/html"})


HANG_UP = Reply(status=0, body=b"")
"""A script's answer for "close the connection without answering" (a reset proxy, a crashed
handler): nothing at all is written back."""


Script = Callable[[str | None, Any], Reply | None]
"""(operation, parsed JSON body or None) -> the reply, or None to forward to the backend."""


class ScriptedServer:
    def __init__(self, backend: str | None = None) -> None:
        self.backend = backend
        self.script: Script = lambda operation, body: None
        self.rewrite: Callable[[str | None, Reply], Reply] = lambda operation, reply: reply
        """Applied to forwarded (correct) answers, to break just one aspect of them."""
        self.seen: list[str | None] = []
        self.bodies: list[Any] = []
        self.authorizations: list[str] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else ~40 ms a keep-alive request (delayed ACK)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                operation = operation_from_target(self.headers.get("X-Amz-Target"))
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = None
                with owner.lock:
                    owner.seen.append(operation)
                    owner.bodies.append(parsed)
                    owner.authorizations.append(self.headers.get("Authorization") or "")
                reply = owner.script(operation, parsed)
                if reply is HANG_UP:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply is None:
                    reply = owner.rewrite(operation, owner.forward(self, raw))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def operations(self) -> Counter[str | None]:
        with self.lock:
            return Counter(self.seen)

    def forward(self, handler: BaseHTTPRequestHandler, raw: bytes) -> Reply:
        if self.backend is None:
            return Reply()
        where = urllib.parse.urlsplit(self.backend)
        connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
            connection.request("POST", "/", body=raw, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = {
                k: v
                for k, v in response.getheaders()
                if k.lower() not in ("content-length", "connection", "transfer-encoding")
            }
            return Reply(response.status, body, kept)
        finally:
            connection.close()

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()


class FastBackoff:
    """Stands in for `random` in the transport: records each backoff ceiling, waits ~nothing."""

    def __init__(self) -> None:
        self.ceilings: list[float] = []

    def uniform(self, low: float, high: float) -> float:
        self.ceilings.append(high)
        return high / 1000


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> FastBackoff:
    """Real backoff sleeps seconds per throttled request; the tests keep its shape, not its wait."""
    fake = FastBackoff()
    monkeypatch.setattr("conformance.transport.random", fake)
    return fake


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    """A scripted server in front of a real reference (script None = behave correctly);
    `backend` is the reference's own URL, for setting up and inspecting state unobserved."""
    with ReferenceServer(quiet=True) as backend, ScriptedServer(backend.url) as srv:
        yield srv


@pytest.fixture
def bare() -> Iterator[ScriptedServer]:
    """A scripted server with nothing behind it: every answer is the script's (default `{}`)."""
    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs in a scratch folder (the example database lands there), with no AWS_*
    credentials from the developer's shell."""
    monkeypatch.chdir(tmp_path)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def clean_env(**extra: str) -> dict[str, str]:
    """No AWS_* from the developer's shell: loopback targets get dummy credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["COLUMNS"] = "160"
    env.update(extra)
    return env


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        cwd=cwd,
        timeout=timeout,
    )


def start_cli_until(args: list[str], cwd: Path, marker: str) -> subprocess.Popen[str]:
    """Start `searchusers-conformance ARGS` and return once stderr shows a line with `marker`."""
    pipe = subprocess.PIPE
    process: subprocess.Popen[str] = subprocess.Popen(
        [*CLI, *args], text=True, env=clean_env(), cwd=cwd, stdout=pipe, stderr=pipe
    )
    lines = iter(process.stderr or ())
    if any(line.startswith(marker) for line in lines):
        return process
    process.kill()
    raise AssertionError(f"the run ended before {marker!r}")


def error_line(err: str) -> str:
    """The one line a failed run ends with; asserts nothing else looks like a crash."""
    assert "Traceback" not in err, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    return lines[-1]
