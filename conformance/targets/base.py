"""What every target offers the engine, whatever sits behind it.

The engine must not care whether it talks to the embedded reference, AWS or an emulator: it
asks a `Target` for a `Session`, talks through the session's `Client` (anything with the
Transport's `call`/`call_raw` shape that returns `Exchange`s), and leaves creating, seeding and
deleting the collection under test to the session. (A cassette is not a target: it is judged by
the engine's offline mode, `conformance.engine.replay`.)
"""

from __future__ import annotations

import abc
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from types import FrameType
from typing import Any

from conformance import limits
from conformance.exchange import Exchange, next_page
from conformance.secrets.redact import excerpt
from conformance.transport import Client

Notice = Callable[[str], None]
"""Where a target reports things the user must know that are not verdicts (e.g. a leftover)."""


class Session(abc.ABC):
    """One run's hold on a target: a client, and the collection under test once `setup` ran.

    `writable` says whether the engine may send mutating requests of its own (the stateful
    phase): only when the session created the collection itself. `allows` tells phases which
    operations they may send at all, so a read-only session can skip probes instead of failing.
    """

    description: str
    writable: bool

    @property
    @abc.abstractmethod
    def client(self) -> Client: ...

    @abc.abstractmethod
    def setup(self) -> str:
        """Make the collection under test ready (create and seed, or verify) and return its id."""

    def allows(self, operation: str | None) -> bool:
        return True

    def reserved_requests(self) -> Mapping[str, int]:
        """Requests the session keeps back from the budget for its own teardown."""
        return {}

    def keep(self) -> str | None:
        """Keep the collection this session created instead of deleting it; returns its id, or
        None when there is nothing the session may keep."""
        return None


class Target(abc.ABC):
    """A place to run the gate against; `open()` yields a session and always cleans up."""

    description: str
    signing: str = "chain"
    """How requests are signed: boto3's credential chain, or `config.LOOPBACK_SIGNING`."""

    def cleanup_line(self, collection_id: str) -> str | None:
        """The command that deletes `collection_id` on this target, if anything can."""
        return None

    @abc.abstractmethod
    def open(self, notice: Notice) -> AbstractContextManager[Session]:
        """Connect (no request sent yet); on exit delete whatever the session created."""

    @abc.abstractmethod
    def connected(self) -> AbstractContextManager[Client]:
        """Just a client to the target, under a run's credential policy, for commands that
        choose their own requests (`parity`, `cleanup`); nothing is set up or torn down."""

    @abc.abstractmethod
    def setup_plan(self) -> Mapping[str, int]:
        """Upper bound of the requests `Session.setup` and teardown send, per operation."""


EXCERPT = 100


def explain(exchange: Exchange) -> str:
    """One line saying what a target answered instead of what setup needed.

    Status, error type and an excerpt of the body: whether the answer came from a proxy (an
    HTML 502 page), a different service, or the implementation itself is usually obvious from
    the first hundred characters.
    """
    what = f"{exchange.operation or 'a request'} answered HTTP {exchange.status}"
    if exchange.error_type:
        what += f" {exchange.error_type}"
    elif not exchange.response_body.strip():
        return f"{what} with {limits.whitespace_only(exchange.response_body)}"
    elif exchange.json is None:
        what += " with a body that is not JSON"
    elif not exchange.ok:
        what += " without an error type"
    body = exchange.json if isinstance(exchange.json, dict) else {}
    message = body.get("message") or body.get("Message")
    if exchange.json is None or not isinstance(message, str):
        text = exchange.response_body.decode("utf-8", errors="replace")
    else:
        text = message
    shown = excerpt(text, EXCERPT)
    if exchange.refused:
        shown += " (the target refused our credentials or their permissions)"
    return f"{what}: {shown}" if shown else what


READ_ONLY_OPERATIONS = frozenset(
    {"SearchUsers", "SearchUsersByImage", "ListUsers", "ListFaces", "DescribeCollection"}
)
"""All a `--read-only` run may send: it must never change, or even probe, anything else."""


def iter_pages(
    client: Client,
    operation: str,
    params: Mapping[str, Any],
    *,
    label: str,
    max_pages: int | None = None,
) -> Iterator[Exchange]:
    """Follow NextToken through a listing, yielding each page's exchange; stops on an error."""
    token: str | None = None
    pages = 0
    while max_pages is None or pages < max_pages:
        request = dict(params)
        if token:
            request["NextToken"] = token
        exchange = client.call(operation, request, label=label)
        pages += 1
        yield exchange
        body = exchange.json
        if not exchange.ok or not isinstance(body, dict):
            return
        token = next_page(body).token
        if token is None:
            return  # the last page, or a token no request could carry


@contextlib.contextmanager
def shielded(patience: int = 1, on_deferred: Notice | None = None) -> Iterator[None]:
    """Defer Ctrl-C and SIGTERM while the block runs: a teardown must not be cut in half.

    A stray interrupt during a DeleteCollection would otherwise leave the very collection the
    teardown exists to remove, so the first `patience` signals are deferred (`on_deferred` tells
    the user) and re-raised when the block ends. The one after them interrupts the block at
    once: a teardown stuck on a target that does not answer must not hold the terminal hostage.
    Signals can only be handled in the main thread; elsewhere (a pytest-xdist worker thread,
    say) the block simply runs unshielded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def defer(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if len(received) > patience:
            raise KeyboardInterrupt
        if on_deferred is not None:
            on_deferred(f"{signal.Signals(signum).name} received: interrupt again to stop waiting")

    previous = {sig: signal.signal(sig, defer) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise KeyboardInterrupt
