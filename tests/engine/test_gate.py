"""The default gate against the embedded reference: every rule exercised, every rule passing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conformance.config import RunConfig
from conformance.engine import prepare, run
from conformance.errors import EXIT_OK, EXIT_VIOLATIONS
from conformance.exchange import Exchange
from conformance.reporting.files import write_reports
from conformance.results import RunResult
from conformance.rules import catalog
from conformance.rules.base import Status


def exercised_families() -> set[str]:
    return {r.family for r in catalog()}


def test_default_gate_conforms(gate: RunResult) -> None:
    assert gate.exit_code == EXIT_OK
    assert gate.unverified_reason is None
    assert gate.falsified == ()


def test_every_rule_passes(gate: RunResult) -> None:
    families = exercised_families()
    judged = [v for v in gate.verdicts if v.rule.family in families]
    not_passing = {
        v.rule.id: (v.status.value, v.reason) for v in judged if v.status is not Status.PASS
    }
    assert not not_passing
    assert {v.rule.id for v in judged} == {r.id for r in catalog() if r.family in families}


def test_stays_within_the_announced_plan(gate: RunResult) -> None:
    announced = prepare(RunConfig()).plan
    assert gate.stats.total <= announced.total <= 300
    # the stateful phase sizes itself to the budget actually left, so only the rest is per op
    stateless = {e.operation for e in gate.exchanges if not e.label.startswith("stateful")}
    for operation in stateless:
        count = sum(
            1
            for e in gate.exchanges
            if e.operation == operation and not e.label.startswith("stateful")
        )
        assert count <= announced.operations.get(operation or "<raw>", 0), operation


def test_each_phase_keeps_to_its_planned_share(gate: RunResult) -> None:
    """Counted by the transport; only the stateful phase may take what others left unused."""
    planned = gate.settings.planned_phases
    sent = gate.stats.phases
    assert sum(sent.values()) == gate.stats.total == sum(e.attempts for e in gate.exchanges)
    assert set(sent) <= set(planned)
    for phase, count in sent.items():
        if phase != "stateful":
            assert count <= planned[phase], phase


def test_collection_is_deleted_and_labelled(gate: RunResult) -> None:
    created = [e for e in gate.exchanges if e.operation == "CreateCollection"]
    deleted = [e for e in gate.exchanges if e.operation == "DeleteCollection" and e.ok]
    assert len(created) == 1 and len(deleted) == 1
    assert deleted[0].ok and deleted[0].params == created[0].params
    # the availability probe's DeleteCollection addressed a collection that never existed
    probed = [e for e in gate.exchanges if e.operation == "DeleteCollection" and not e.ok]
    assert [e.error_type for e in probed] == ["ResourceNotFoundException"]
    assert all(e.label for e in gate.exchanges)
    phases = Counter(e.label.split(":")[0] for e in gate.exchanges)
    for phase in (
        "availability",
        "seed",
        "discovery",
        "boundary",
        "negative",
        "property",
        "metamorphic",
        "protocol",
    ):
        assert phases[phase] > 0, phase


def test_settings_record_the_seed_and_no_secret(gate: RunResult) -> None:
    assert isinstance(gate.settings.seed, int)
    assert "testing" not in repr(gate.settings)
    assert all(
        e.request_headers.get("authorization", "<scrubbed>") == "<scrubbed>" for e in gate.exchanges
    )


def property_requests(result: RunResult) -> list[str]:
    """The property phase's requests, with run-specific ids replaced by what hypothesis chose:
    the collection under test, and the rank of a FaceId among the faces ListFaces returned."""
    collection = next(e for e in result.exchanges if e.operation == "CreateCollection")
    listing = next(
        e for e in result.exchanges if e.label == "discovery" and e.operation == "ListFaces"
    )
    faces = sorted(face["FaceId"] for face in listing.json["Faces"])
    text = [e.request_body.decode() for e in result.exchanges if e.label == "property"]
    text = [t.replace(collection.params["CollectionId"], "<collection>") for t in text]
    for rank, face in enumerate(faces):
        text = [t.replace(face, f"<face {rank}>") for t in text]
    return text


def test_same_seed_sends_the_same_searches() -> None:
    first = run(RunConfig(seed=7, max_examples=10, examples_dir=None))
    second = run(RunConfig(seed=7, max_examples=10, examples_dir=None))
    assert property_requests(first) == property_requests(second)
    assert len(property_requests(first)) >= 5


@pytest.mark.parametrize(
    ("fault", "rule"),
    [("unordered-results", "results.order"), ("ignore-max-users", "results.max-users")],
)
def test_a_broken_reference_fails_the_gate(fault: str, rule: str) -> None:
    result = run(RunConfig(faults=(fault,), max_examples=5, examples_dir=None))
    assert result.exit_code == EXIT_VIOLATIONS
    failed = {v.rule.id for v in result.verdicts if v.status is Status.FAIL}
    assert rule in failed


def created(result: RunResult) -> Exchange:
    return next(e for e in result.exchanges if e.operation == "CreateCollection")


def test_property_failures_shrink_and_replay_first(tmp_path: Path) -> None:
    config = RunConfig(faults=("unordered-results",), examples_dir=tmp_path)
    first = run(config)
    (found,) = first.falsified
    assert found.phase == "property" and found.script is None
    assert "results.order" in found.rule_ids
    assert all(message for _, message in found.violations)
    (shrunk,) = found.calls
    assert shrunk in first.exchanges and shrunk.label == "property"
    assert not any("falsified" in note for note in first.settings.notes)  # data, not prose
    assert any(p.is_file() for p in tmp_path.rglob("*"))
    second = run(config)
    replayed = next(e for e in second.exchanges if e.label == "property")
    collection = created(first).params["CollectionId"]
    again = replayed.request_body.decode().replace(
        created(second).params["CollectionId"], collection
    )
    assert json.loads(again) == shrunk.params
    reports = write_reports(first, tmp_path / "reports")
    report = json.loads(next(p for p in reports if p.name == "report.json").read_text())
    assert [f["phase"] for f in report["falsified"]] == ["property"]
    assert report["falsified"][0]["reproductions"][0]["exchange"] == shrunk.index


def test_the_stateful_phase_hands_its_shrunk_sequence_to_the_result(tmp_path: Path) -> None:
    fault = "stale-match-after-delete-user"
    result = run(RunConfig(faults=(fault,), max_examples=3, examples_dir=None))
    assert result.exit_code == EXIT_VIOLATIONS
    (found,) = result.falsified
    assert found.phase == "stateful" and "stateful.deleted-user-gone" in found.rule_ids
    assert found.script is not None and "client.create_collection" in found.script
    compile(found.script, "repro.py", "exec")  # runnable Python
    assert {id(e) for e in found.calls} <= {id(e) for e in result.exchanges}
    assert all(e.label.startswith("stateful") for e in found.calls)
    assert not any("falsified" in note for note in result.settings.notes)  # data, not prose
    markdown = next(p for p in write_reports(result, tmp_path) if p.name == "report.md")
    assert found.script.splitlines()[-3] in markdown.read_text()
