"""Benign variations: the gate fails no MUST rule on a correct implementation that chooses
differently, in seeding and in read-only mode, and fires exactly the SHOULD rules declared."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.config import RunConfig
from conformance.engine import run
from conformance.errors import EXIT_OK
from conformance.reference import faults
from conformance.reference.server import ReferenceServer
from conformance.results import RunResult
from conformance.rules import catalog
from conformance.rules.base import Level, Status
from conformance.targets.seeding import seed, synthetic_fixture
from tests.engine.conftest import loopback_transport

SETTINGS = {"max_examples": 5, "examples_dir": None, "seed": 1}
EXISTING = "existing-faces"
VARIATIONS = faults.variations()


def _failing(result: RunResult) -> dict[str, Level]:
    return {v.rule.id: v.rule.level for v in result.verdicts if v.status is Status.FAIL}


def _assert_quiet(variation: faults.Fault, result: RunResult) -> None:
    failing = _failing(result)
    musts = sorted(rule for rule, level in failing.items() if level is Level.MUST)
    assert not musts, f"false alarm on {variation.name}: {musts}"
    assert result.exit_code == EXIT_OK
    assert set(failing) <= set(variation.trips), (variation.name, sorted(failing))


def test_the_variations_are_many_benign_and_declare_only_should_rules() -> None:
    levels = {r.id: r.level for r in catalog()}
    assert len(VARIATIONS) >= 15
    assert not {v.name for v in VARIATIONS} & {f.name for f in faults.available()}
    for variation in VARIATIONS:
        assert variation.benign and variation.description, variation.name
        assert all(levels[rule] is Level.SHOULD for rule in variation.trips), variation.name


@pytest.mark.parametrize("variation", VARIATIONS, ids=lambda v: v.name)
def test_seeding_run_raises_no_false_alarm(variation: faults.Fault) -> None:
    result = run(RunConfig(**SETTINGS, faults=(variation.name,)))  # type: ignore[arg-type]
    _assert_quiet(variation, result)
    assert set(_failing(result)) == set(variation.trips), "a declared SHOULD rule never fired"


@pytest.mark.parametrize("variation", VARIATIONS, ids=lambda v: v.name)
def test_read_only_run_raises_no_false_alarm(variation: faults.Fault, tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with ReferenceServer(state_path=state, quiet=True) as clean:
        transport = loopback_transport(clean.url)
        try:
            seed(transport, EXISTING, synthetic_fixture())
        finally:
            transport.close()
    with ReferenceServer(state_path=state, faults=(variation.name,), quiet=True) as server:
        config = RunConfig(
            endpoint_url=server.url, collection_id=EXISTING, read_only=True, examples_dir=None
        )
        _assert_quiet(variation, run(config))


def test_strict_mode_fails_only_the_variations_that_declare_a_should_rule() -> None:
    declared = [v for v in VARIATIONS if v.trips]
    assert declared, "at least one variation deviates from what AWS was seen to do"
    result = run(RunConfig(**SETTINGS, faults=(declared[0].name,), strict=True))  # type: ignore[arg-type]
    assert result.exit_code != EXIT_OK
