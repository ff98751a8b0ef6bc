"""Replay, the engine's offline mode: judge a recorded run with the network blocked.

A cassette needs no phases: the rules derive everything from the exchange log, so handing the
recorded exchanges to the same `conclude` a live run ends with gives the verdicts the live run
had (same health policy, same treatment of refused credentials), for free and in CI. Nothing
is re-sent, so nothing new can be learned either: a rule the recording never exercised stays
"not verified".

The network is blocked for the whole replay (every `socket.connect` raises), so a replay that
passes cannot have quietly asked a live endpoint.
"""

from __future__ import annotations

import socket
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from conformance.config import SEARCH_OPERATIONS, RunConfig
from conformance.engine.conclude import conclude
from conformance.errors import EXIT_UNVERIFIED, CassetteError, UsageError
from conformance.exchange import Exchange, TransportStats
from conformance.recording import load
from conformance.results import RunResult, RunSettings


class NetworkBlocked(CassetteError):
    """Something tried to open a connection during a replay."""


@contextmanager
def network_blocked() -> Iterator[None]:
    """Make every outgoing connection fail for the duration of the block."""

    def refuse(_sock: socket.socket, address: Any, *_args: Any) -> NoReturn:
        raise NetworkBlocked(f"replay tried to connect to {address!r}: replays are offline")

    saved = socket.socket.connect, socket.socket.connect_ex
    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = saved  # type: ignore[method-assign]


def replay(config: RunConfig) -> RunResult:
    """Judge the cassette `config.cassette` with every rule of the catalog."""
    path = config.cassette
    if path is None:
        raise UsageError("replay needs a cassette (--cassette PATH)")
    started = time.perf_counter()
    with network_blocked():
        exchanges, about = load(path)
        _require_searches(path, exchanges)
        source = about.get("source")
        return conclude(
            config,
            exchanges,
            target=f"cassette {path}",
            stats=TransportStats.of(exchanges),
            started=started,
            stopped=_unverified_recording(about),
            settings=RunSettings(
                region=config.region,
                strict=config.strict,
                strict_schema=config.strict_schema,
                cassette=str(path),
                source=source if isinstance(source, str) else None,
                recorded_exchanges=len(exchanges),
            ),
        )


def _require_searches(path: object, exchanges: list[Exchange]) -> None:
    """Without a single search (SearchUsers or SearchUsersByImage) every rule would be "not
    verified" and the run would exit 0 having checked nothing: refuse such a cassette."""
    if any(e.operation in SEARCH_OPERATIONS for e in exchanges):
        return
    seen = Counter(e.operation or "(no target)" for e in exchanges)
    listed = ", ".join(f"{name} x{count}" for name, count in seen.most_common(4))
    raise CassetteError(
        f"{path} holds no SearchUsers or SearchUsersByImage exchange ({listed}): nothing to judge"
    )


def _unverified_recording(about: dict[str, Any]) -> str | None:
    """A run that could not reach a verdict when recorded (budget, interruption) does not
    become trustworthy by being replayed; `record` notes its exit code in the metadata."""
    if about.get("recorded_exit_code") == EXIT_UNVERIFIED:
        return "the recorded run itself could not reach a verdict (exit 2 when recorded)"
    return None
