"""The stateful phase against the embedded reference: clean when correct, caught when broken."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

import conformance.reference.faults.stateful  # noqa: F401 - registers the faults
from conformance.evidence import Evidence
from conformance.reference.server import ReferenceServer
from conformance.rules import catalog, judge
from conformance.rules.base import Status
from conformance.settle import Settle
from conformance.stateful.runner import run_stateful
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings

COLLECTION = "stateful-test"


def _transport(faults: tuple[str, ...] = (), budget: int | None = None) -> Iterator[Transport]:
    with ReferenceServer(quiet=True, faults=faults) as server:
        transport = Transport(
            TransportSettings(server.url, max_requests=budget), LOOPBACK_CREDENTIALS
        )
        assert transport.call("CreateCollection", {"CollectionId": COLLECTION}).ok
        yield transport
        transport.close()


@pytest.fixture
def reference() -> Iterator[Transport]:
    yield from _transport()


def test_correct_reference_passes_every_stateful_rule(reference: Transport) -> None:
    outcome = run_stateful(reference, COLLECTION, seed=7, max_examples=2, max_steps=4)
    assert outcome.failure is None
    assert not outcome.exhausted
    assert outcome.requests == len(outcome.exchanges) > 20
    stateful = [r for r in catalog() if r.family == "stateful"]
    verdicts = judge(Evidence(outcome.exchanges), stateful)
    assert [v.rule.id for v in verdicts if v.status is Status.FAIL] == []
    assert sum(v.status is Status.PASS for v in verdicts) >= 8
    # teardown leaves the collection as it was: no users, no faces
    users = reference.call("ListUsers", {"CollectionId": COLLECTION}).json
    faces = reference.call("ListFaces", {"CollectionId": COLLECTION}).json
    assert users["Users"] == [] and faces["Faces"] == []


def test_phase_allowance_stops_cleanly(reference: Transport) -> None:
    outcome = run_stateful(reference, COLLECTION, seed=1, max_requests=12)
    assert outcome.exhausted and outcome.failure is None
    assert outcome.requests <= 12 + 24  # the allowance, plus what teardown may spend


def test_run_budget_exhaustion_is_not_an_error() -> None:
    for transport in _transport(budget=15):
        outcome = run_stateful(transport, COLLECTION, seed=1)
        assert outcome.exhausted
        assert transport.stats.total <= 15


@pytest.mark.parametrize(
    ("fault", "rule_id"),
    [
        ("delete-faces-ignores-association", "stateful.unsuccessful-reasons"),
        ("foreign-face-not-found", "stateful.unsuccessful-reasons"),
        ("face-count-after-delete", "stateful.face-count"),
        ("stale-match-after-disassociate", "stateful.faceless-user-never-matches"),
        ("stale-owner-after-disassociate", "stateful.disassociation-reflected"),
        ("stale-match-after-delete-user", "stateful.deleted-user-gone"),
        ("status-stuck-updating", "stateful.status-reaches-active"),
    ],
)
def test_state_dependent_fault_is_caught(fault: str, rule_id: str) -> None:
    for transport in _transport((fault,)):
        outcome = run_stateful(
            transport, COLLECTION, seed=1, max_requests=120, sleep=lambda _s: None
        )
        assert outcome.failure is not None, fault
        assert rule_id in {rule for rule, _ in outcome.failure.violations}
        script = outcome.failure.script
        compile(script, "repro.py", "exec")  # runnable Python
        assert "client.create_collection" in script and "face_ids(r" in script
        assert transport.settings.endpoint_url in script


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_example_searches_right_after_deleting_a_user(seed: int) -> None:
    """One example of any seed sees a stale index after DeleteUser: the opening deletes a user
    holding a face and searches by that face at once."""
    for transport in _transport(("stale-match-after-delete-user",)):
        outcome = run_stateful(transport, COLLECTION, seed=seed, max_examples=1, max_steps=1)
        assert outcome.failure is not None
        assert "stateful.deleted-user-gone" in {rule for rule, _ in outcome.failure.violations}
        calls = [e.operation for e in outcome.failure.calls]
        deleted = calls.index("DeleteUser")
        assert calls[deleted + 1 : deleted + 3] == ["SearchUsers", "ListUsers"]


def test_writes_that_release_faces_are_probed_at_once(reference: Transport) -> None:
    outcome = run_stateful(reference, COLLECTION, seed=3, max_examples=3, max_steps=8)
    assert outcome.failure is None
    log = outcome.exchanges
    released = {
        "DeleteUser": "",
        "DisassociateFaces": "DisassociatedFaces",
        "DeleteFaces": "DeletedFaces",
    }
    probed = 0
    for write, after in itertools.pairwise(log):
        member = released.get(write.operation or "")
        if member is None or not write.ok or "teardown" in write.label:
            continue
        if member and not (write.json or {}).get(member):
            continue  # nothing was released: nothing to probe
        assert after.operation == "SearchUsers", (write.operation, after.operation)
        assert after.params is not None
        assert after.params["UserMatchThreshold"] == 0.0 and after.params["MaxUsers"] > 0
        probed += 1
    assert probed >= 3 * 2  # each example's opening disassociates and deletes a user


def test_a_lagging_target_is_waited_for_not_failed() -> None:
    """Eventual consistency: with a wait, stale reads are sent again until they settle and no
    failure is reported; judged at once (settle 0), the same target fails the very first stale
    read, which is what --settle 0 promises for targets that offer read-after-write."""
    for transport in _transport(("read-lag",)):
        waited = run_stateful(transport, COLLECTION, seed=1, max_examples=2, settle=Settle(3.0))
        assert waited.failure is None, waited.failure and waited.failure.violations
        assert any("waited for stale reads" in note for note in waited.notes)
        assert any("poll" in e.label for e in waited.exchanges)
    for transport in _transport(("read-lag",)):
        hasty = run_stateful(transport, COLLECTION, seed=1, max_examples=1, max_requests=80)
        assert hasty.failure is not None
        assert not any("poll" in e.label for e in hasty.exchanges)
