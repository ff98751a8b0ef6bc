"""Real loopback HTTP servers that misbehave below the HTTP library's level: bodies far larger
than any SearchUsers answer, endless chunked bodies, answers dripped a byte at a time.

Written on raw sockets rather than http.server so the misbehaviour is exactly what the test says
(http.server would add its own framing). Each records the X-Amz-Target of every request it
received, so a test can tell which operation a stuck client was waiting on.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

from conformance.engine.phases.presence import operations

Behaviour = Callable[[socket.socket], None]

MIB = 1024 * 1024
_BLOCK = b"0" * (256 * 1024)


def huge(size: int) -> Behaviour:
    """A 200 with a Content-Length of `size` bytes, all sent as fast as the client reads."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        sent = 0
        while sent < size:
            block = _BLOCK[: size - sent]
            conn.sendall(block)
            sent += len(block)

    return answer


def endless_chunks(ceiling: int) -> Behaviour:
    """A chunked 200 that never sends its last chunk: chunks until `ceiling` bytes (a safety
    net for a client that reads for ever), then silence on an open connection."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = f"{len(_BLOCK):x}\r\n".encode() + _BLOCK + b"\r\n"
        sent = 0
        while sent < ceiling:
            conn.sendall(chunk)
            sent += len(_BLOCK)
        time.sleep(3600)

    return answer


def drip(interval: float) -> Behaviour:
    """A valid answer, sent one byte every `interval` seconds: each read succeeds in time."""

    def answer(conn: socket.socket) -> None:
        body = b"{}"
        reply = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        for byte in reply:
            conn.sendall(bytes([byte]))
            time.sleep(interval)

    return answer


PROBES = len(operations(read_only=False, stateful=True))
"""The availability probes of a writable run: one per operation it needs."""


def after_probes(behaviour: Behaviour, probes: int = PROBES) -> Behaviour:
    """Answer the gate's availability probes (one per operation, each naming a collection that
    does not exist) as a real service would, then behave as `behaviour`: for tests about what
    happens once a collection exists."""
    lock = threading.Lock()
    answered = 0

    def answer(conn: socket.socket) -> None:
        nonlocal answered
        with lock:
            answered += 1
            probing = answered <= probes
        if not probing:
            behaviour(conn)
            return
        body = b'{"__type": "ResourceNotFoundException", "Message": "no such collection"}'
        conn.sendall(
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n"
            + f"x-amzn-RequestId: probe-{answered}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    return answer


class HostileServer:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.targets: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            while self._read_request(conn):
                self.behaviour(conn)

    def _read_request(self, conn: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
            if name.strip().lower() == b"x-amz-target":
                self.targets.append(value.strip().decode())
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            rest += chunk
        return True

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()


@contextlib.contextmanager
def hostile(behaviour: Behaviour) -> Iterator[HostileServer]:
    with HostileServer(behaviour) as server:
        yield server
