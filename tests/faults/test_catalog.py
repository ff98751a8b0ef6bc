"""Every catalog fault is caught by a rule it is meant to trip; the correct reference is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from conformance.config import RunConfig
from conformance.engine import run
from conformance.errors import (
    EXIT_OK,
    EXIT_UNVERIFIED,
    EXIT_USAGE,
    EXIT_VIOLATIONS,
    ConformanceError,
)
from conformance.reference import faults
from conformance.rules import catalog
from conformance.rules.base import Status
from tests.safety.conftest import FastBackoff

SETTINGS = {"max_examples": 5, "examples_dir": None, "seed": 1, "settle_s": 0.5}
"""A short wait: the reference answers at once, so only a fault's stale reads wait, and each
wait that runs out repeats while hypothesis shrinks."""
KNOWN_GAPS = {
    "throttle-searches": "covered by the benchmark: backoff on 300 throttled calls takes minutes",
}
CATALOG = faults.available()
CATCHABLE = [f for f in CATALOG if not f.oracle and not f.unverifiable and f.name not in KNOWN_GAPS]


def test_the_catalog_is_large_and_each_fault_names_real_rules() -> None:
    rule_ids = {r.id for r in catalog()}
    assert len(CATALOG) >= 40
    for fault in CATALOG:
        assert fault.description and "\n" not in fault.description, fault.name
        assert set(fault.trips) <= rule_ids, fault.name
        assert fault.trips or fault.unverifiable or fault.oracle, fault.name


def test_the_faults_wing_has_one_kit() -> None:
    """Faults and benign variations are built from the same helpers, never from two copies."""
    wing = Path(faults.__file__).parent
    assert sorted(str(p.relative_to(wing)) for p in wing.rglob("_kit.py")) == ["_kit.py"]
    assert {f.family for f in faults.variations()} == {"variation"}


def test_the_correct_reference_passes_with_the_same_settings() -> None:
    result = run(RunConfig(**SETTINGS, strict=True))  # type: ignore[arg-type]
    assert result.exit_code == EXIT_OK, [v.rule.id for v in result.failing()]


@pytest.mark.parametrize("fault", CATCHABLE, ids=lambda f: f.name)
def test_fault_is_caught_by_its_rule(fault: faults.Fault) -> None:
    # The stateful phase (half of a run's cost) is what exercises the stateful family; every
    # other fault must be caught by the phases before it, as the gate runs them with the phase
    # off (RunConfig.stateful). A fault that needed it would fail here, not pass unseen.
    stateful = fault.family == "stateful"
    config = RunConfig(**SETTINGS, faults=(fault.name,), strict=fault.strict, stateful=stateful)  # type: ignore[arg-type]
    result = run(config)
    failed = {v.rule.id for v in result.verdicts if v.status is Status.FAIL}
    assert failed & set(fault.trips), (fault.name, sorted(failed))
    assert result.exit_code == EXIT_VIOLATIONS


def test_constant_throttling_is_never_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # each of the three throttled requests is retried five times with real backoff (~6 s each
    # on average); the retries and the give-up are what is judged, not the wait
    monkeypatch.setattr("conformance.transport.random", FastBackoff())
    with pytest.raises(ConformanceError) as caught:
        run(RunConfig(**SETTINGS, faults=("throttle-everything",)))  # type: ignore[arg-type]
    assert caught.value.exit_code == EXIT_UNVERIFIED
    assert "Throttling" in str(caught.value)


def test_two_servers_never_share_fault_state() -> None:
    """`nondeterministic-results` drops the last match on every second call *of its server*:
    a call on the first server must not move the second server's count."""
    result = {"UserMatches": [{"Similarity": 90.0}, {"Similarity": 85.0}]}
    first_hook = faults.resolve(["nondeterministic-results"]).active[0][1].on_result
    second_hook = faults.resolve(["nondeterministic-results"]).active[0][1].on_result
    assert first_hook is not None and second_hook is not None
    plan = cast(faults.RequestPlan, None)  # this fault never reads the request
    assert len(first_hook(plan, result)["UserMatches"]) == 2  # first server, call 0
    assert len(second_hook(plan, result)["UserMatches"]) == 2  # its own call 0 (shared: 1)
    assert len(first_hook(plan, result)["UserMatches"]) == 1  # first server, call 1


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_list_faults_lists_the_whole_catalog() -> None:
    listed = _cli("--list-faults")
    assert listed.returncode == 0
    names = {line.split("\t")[0] for line in listed.stdout.splitlines()}
    assert names == {f.name for f in CATALOG} | {v.name for v in faults.variations()}


def test_an_unknown_fault_is_a_one_line_usage_error() -> None:
    answer = _cli("--fault", "no-such-fault")
    assert answer.returncode == EXIT_USAGE
    assert answer.stderr.strip().count("\n") == 0 and "no-such-fault" in answer.stderr
