"""A deadline for a whole exchange, not for each socket read.

urllib3's read timeout restarts with every byte, so a target dripping one byte every few seconds
holds a request open for ever. Here a timer armed when an attempt starts shuts the connection's
socket down when the attempt outlives its deadline: whatever read is blocked then returns at
once, in the status line, the headers or the body alike.

Finding the socket needs a hook in the connection: the pools below make connections whose
`getresponse` hands their socket to the deadline of the thread that sends. They wrap whatever
connection class botocore's pools use at that moment, so vcrpy's recording stubs (which swap
that class while a cassette is open) keep working. urllib3 has no public hook for this (its
`socket_options` only set options), hence the subclassing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import botocore.awsrequest
import botocore.httpsession


class Deadline:
    """One attempt's deadline; `expired` tells the caller why its read failed."""

    def __init__(self) -> None:
        self.expired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock
            expired = self.expired
        if expired:
            _cut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._socket
        if sock is not None:
            _cut(sock)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_active: dict[int, Deadline] = {}
_active_lock = threading.Lock()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Cut this thread's connection if the block is still running after `seconds`."""
    current = Deadline()
    ident = threading.get_ident()
    timer = threading.Timer(seconds, current.expire)
    timer.daemon = True
    with _active_lock:
        _active[ident] = current
    timer.start()
    try:
        yield current
    finally:
        timer.cancel()
        with _active_lock:
            _active.pop(ident, None)


def _register(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if not isinstance(sock, socket.socket):
        return  # not connected, or a recording stub's fake socket
    with _active_lock:
        current = _active.get(threading.get_ident())
    if current is not None:
        current.watch(sock)


_WATCHED: dict[type[Any], type[Any]] = {}


def _watched(connection_class: type[Any]) -> type[Any]:
    """`connection_class` with a `getresponse` that reports its socket first (one per class)."""
    found = _WATCHED.get(connection_class)
    if found is None:

        class Watched(connection_class):  # type: ignore[misc]
            def getresponse(self, *args: Any, **kwargs: Any) -> Any:
                _register(self)
                return super().getresponse(*args, **kwargs)

        Watched.__name__ = f"Watched{connection_class.__name__}"
        found = _WATCHED.setdefault(connection_class, Watched)
    return found


class _WatchedHTTPPool(botocore.awsrequest.AWSHTTPConnectionPool):
    @property
    def ConnectionCls(self) -> type[Any]:  # type: ignore[override]
        return _watched(botocore.awsrequest.AWSHTTPConnectionPool.ConnectionCls)


class _WatchedHTTPSPool(botocore.awsrequest.AWSHTTPSConnectionPool):
    @property
    def ConnectionCls(self) -> type[Any]:  # type: ignore[override]
        return _watched(botocore.awsrequest.AWSHTTPSConnectionPool.ConnectionCls)


def install(session: botocore.httpsession.URLLib3Session) -> None:
    """Make `session`'s connections report their sockets to `deadline()`.

    botocore keeps its pool classes in a dict its pool managers share by reference; replacing
    the entries affects this session only, and only pools it has not created yet.
    """
    pools: dict[str, type[Any]] = vars(session)["_pool_classes_by_scheme"]  # no public way
    pools["http"] = _WatchedHTTPPool
    pools["https"] = _WatchedHTTPSPool
