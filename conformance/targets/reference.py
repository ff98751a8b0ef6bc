"""The default target: the reference service, in-process on an ephemeral loopback port.

It is reached over real HTTP through the same Transport as any endpoint (signing, budget,
exchanges and all), so the default gate exercises exactly the code path a live run does; only
the server's lifetime is ours. Seeding and teardown are the endpoint target's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from conformance.config import RunConfig
from conformance.credentials import LOOPBACK_CREDENTIALS
from conformance.errors import UsageError
from conformance.targets.base import Notice, Session
from conformance.targets.endpoint import EndpointTarget
from conformance.transport import Transport

DESCRIPTION = "embedded reference"


class ReferenceTarget(EndpointTarget):
    def __init__(self, config: RunConfig) -> None:
        super().__init__(
            config,
            endpoint_url="http://127.0.0.1:0",
            credentials=LOOPBACK_CREDENTIALS,
            description=DESCRIPTION,
        )
        from conformance.reference import faults

        try:
            faults.resolve(config.faults)  # before the plan is printed, not after
        except faults.UnknownFaultError as exc:
            raise UsageError(str(exc.args[0])) from None

    def cleanup_line(self, collection_id: str) -> str | None:
        return None  # a leftover dies with the server that holds it

    def open(self, notice: Notice) -> AbstractContextManager[Session]:
        return self._serve(notice)

    @contextmanager
    def _serve(self, notice: Notice) -> Iterator[Session]:
        with self._serving(), self._open(notice) as session:
            yield session

    @contextmanager
    def connected(self) -> Iterator[Transport]:
        with self._serving(), super().connected() as transport:
            yield transport

    @contextmanager
    def _serving(self) -> Iterator[None]:
        """The reference, up on an ephemeral port for the block (the target's url points at
        it)."""
        from conformance.reference.server import ReferenceServer

        with ReferenceServer(port=0, faults=self.config.faults, quiet=True) as server:
            self.url = server.url
            yield
