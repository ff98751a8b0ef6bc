"""`--read-only` against a collection someone else made: four operations, nothing else."""

from __future__ import annotations

from collections import Counter

import pytest

from conformance.config import RunConfig
from conformance.engine import run
from conformance.errors import ConformanceError, UsageError
from conformance.exchange import Exchange
from conformance.reference.server import ReferenceServer
from conformance.rules.base import Status
from conformance.targets.base import READ_ONLY_OPERATIONS
from conformance.targets.seeding import seed, synthetic_fixture
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings
from tests.engine.conftest import loopback_transport

EXISTING = "production-faces"


@pytest.fixture
def seeded(server: ReferenceServer) -> str:
    transport = loopback_transport(server.url)
    try:
        seed(transport, EXISTING, synthetic_fixture())
    finally:
        transport.close()
    return server.url


def read_only(url: str, collection: str = EXISTING) -> RunConfig:
    return RunConfig(endpoint_url=url, collection_id=collection, read_only=True, examples_dir=None)


def test_sends_only_the_four_read_operations(seeded: str) -> None:
    sent: list[Exchange] = []
    result = run(read_only(seeded), progress=sent.append)
    operations = Counter(e.operation for e in sent)
    assert set(operations) <= READ_ONLY_OPERATIONS, operations
    assert set(result.stats.sent) <= READ_ONLY_OPERATIONS, result.stats.sent
    assert operations["SearchUsers"] > 50
    assert result.stats.total == len(sent) <= 300
    assert result.exit_code == 0


def test_judges_the_existing_collection_and_leaves_it_intact(seeded: str) -> None:
    before = _listing(seeded)
    result = run(read_only(seeded))
    verdicts = {v.rule.id: v.status for v in result.verdicts}
    for rule in (
        "consistency.matches-listed",
        "metamorphic.face-finds-owner",
        "errors.unknown-user",
    ):
        assert verdicts[rule] is Status.PASS, rule
    # probes that would need another operation are skipped, so this rule has nothing to judge
    assert verdicts["protocol.unknown-operation"] is Status.NOT_VERIFIED
    reasons = {v.rule.id: v.reason for v in result.verdicts}
    assert "read-only" in reasons["protocol.unknown-operation"]  # Rule.needs_writes, not its id
    out_of_reach = [
        v
        for v in result.verdicts
        if v.rule.family == "stateful" and v.status is Status.NOT_VERIFIED
    ]
    assert out_of_reach and all("read-only" in v.reason for v in out_of_reach)
    assert any("read-only: skipped" in note for note in result.settings.notes)
    assert _listing(seeded) == before


def _listing(url: str) -> tuple[object, ...]:
    transport = loopback_transport(url)
    try:
        return tuple(
            transport.call(op, {"CollectionId": EXISTING}).response_body
            for op in ("ListUsers", "ListFaces")
        )
    finally:
        transport.close()


def test_unknown_collection_is_a_usage_error(server: ReferenceServer) -> None:
    with pytest.raises(UsageError, match="'nope' does not exist"):
        run(read_only(server.url, "nope"))


def test_empty_collection_has_nothing_to_verify(server: ReferenceServer) -> None:
    transport = loopback_transport(server.url)
    transport.call("CreateCollection", {"CollectionId": "empty"})
    transport.close()
    with pytest.raises(ConformanceError, match="'empty' has no users: nothing to verify"):
        run(read_only(server.url, "empty"))


def test_read_only_transport_refuses_before_sending(server: ReferenceServer) -> None:
    settings = TransportSettings(server.url, allowed_operations=READ_ONLY_OPERATIONS)
    transport = guarded = Transport(settings, LOOPBACK_CREDENTIALS)
    for operation in ("CreateCollection", "DeleteCollection", "IndexFaces", "DeleteUser"):
        with pytest.raises(UsageError, match="read-only run refused"):
            guarded.call(operation, {"CollectionId": "x"})
    with pytest.raises(UsageError):
        guarded.call_raw(b"{}", target=None)
    assert transport.stats.total == 0
    assert guarded.call("ListUsers", {"CollectionId": "x"}).status == 400
    transport.close()
