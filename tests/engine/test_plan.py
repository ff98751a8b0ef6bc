"""The plan announced before the first request, and how a run degrades within its budget."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.config import RunConfig
from conformance.engine import health_problem, prepare
from conformance.engine.plan import STATEFUL
from conformance.exchange import Exchange
from conformance.targets.base import READ_ONLY_OPERATIONS

WRITES = {"CreateCollection", "IndexFaces", "CreateUser", "AssociateFaces", "DeleteCollection"}


def test_default_plan_fits_the_default_budget() -> None:
    announced = prepare(RunConfig()).plan
    assert announced.total <= 300
    assert announced.property_examples == 25
    assert set(announced.operations) >= WRITES
    # the availability probe (of a collection that does not exist), then the teardown
    assert announced.operations["DeleteCollection"] == 2


def test_the_plan_by_phase_adds_up_to_the_plan_by_operation() -> None:
    for config in (RunConfig(), RunConfig(max_requests=145), RunConfig(max_requests=None)):
        announced = prepare(config).plan
        assert sum(announced.phases.values()) == announced.total
        assert list(announced.phases)[:2] == ["availability", "seed"]


def test_stateful_phase_gives_way_before_the_property_phase() -> None:
    unlimited = prepare(RunConfig(max_requests=None)).plan
    stateful = unlimited.operations.get(STATEFUL, 0)
    if not stateful:
        return  # no stateful phase installed: nothing elastic but the property phase
    budget = unlimited.total - stateful // 2
    limited = prepare(RunConfig(max_requests=budget)).plan
    assert limited.property_examples == unlimited.property_examples
    assert limited.total == budget
    assert limited.operations[STATEFUL] == stateful - stateful // 2
    assert any("the stateful phase gets" in note for note in limited.notes)


def test_tight_budget_shrinks_the_property_phase_and_says_so() -> None:
    tight = prepare(RunConfig(max_requests=165)).plan
    assert 0 < tight.property_examples < 25
    assert tight.total <= 165
    assert any(
        f"property examples reduced from 25 to {tight.property_examples}" in n for n in tight.notes
    )


def test_budget_below_the_fixed_phases_warns_of_not_verified() -> None:
    tiny = prepare(RunConfig(max_requests=20)).plan
    assert tiny.property_examples == 0
    assert any("not verified" in note for note in tiny.notes)


def test_read_only_plan_names_only_read_operations() -> None:
    announced = prepare(
        RunConfig(endpoint_url="http://127.0.0.1:1", collection_id="c", read_only=True)
    ).plan
    assert set(announced.operations) <= READ_ONLY_OPERATIONS
    assert announced.total <= 300


def test_the_plan_counts_only_the_searches_selected() -> None:
    both = prepare(RunConfig()).plan
    assert both.operations["SearchUsersByImage"] > 1 and both.phases["image"] > 0
    by_id = prepare(RunConfig(operations=("SearchUsers",))).plan
    assert "SearchUsersByImage" not in by_id.operations and "image" not in by_id.phases
    by_image = prepare(RunConfig(operations=("SearchUsersByImage",))).plan
    assert "SearchUsers" not in by_image.operations
    assert by_image.phases["image"] == both.phases["image"]
    assert not {"boundary", "negative", "property", "metamorphic", "stateful"} & set(
        by_image.phases
    )


def test_read_only_plan_includes_the_image_search() -> None:
    announced = prepare(
        RunConfig(endpoint_url="http://127.0.0.1:1", collection_id="c", read_only=True)
    ).plan
    assert "SearchUsersByImage" in announced.operations


def test_seed_is_stable_per_target_and_overridable() -> None:
    assert prepare(RunConfig()).plan.seed == prepare(RunConfig()).plan.seed
    assert (
        prepare(RunConfig(endpoint_url="http://127.0.0.1:1")).plan.seed
        != prepare(RunConfig()).plan.seed
    )
    assert prepare(RunConfig(seed=42)).plan.seed == 42


def answers(statuses: Iterable[tuple[int, bytes]]) -> list[Exchange]:
    return [
        Exchange(i, "SearchUsers", {}, {}, b"{}", status, {}, body)
        for i, (status, body) in enumerate(statuses)
    ]


def test_mostly_throttled_or_failing_is_not_verified() -> None:
    throttled = (400, b'{"__type": "ThrottlingException"}')
    assert health_problem(answers([throttled] * 6 + [(200, b"{}")] * 4)) is not None
    assert health_problem(answers([(500, b"{}")] * 3 + [(200, b"{}")] * 2)) is not None
    assert health_problem(answers([throttled] * 4 + [(200, b"{}")] * 6)) is None
    assert health_problem([]) is not None
