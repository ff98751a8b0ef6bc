"""The gate against eventually consistent targets, through real HTTP: no false alarm on a
correct one that lags, every state fault still caught with the lag on, and a target that never
shows its own writes is "not verified"."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conformance.config import RunConfig
from conformance.engine import prepare, run
from conformance.engine.plan import SETTLE
from conformance.errors import (
    EXIT_OK,
    EXIT_UNVERIFIED,
    EXIT_USAGE,
    EXIT_VIOLATIONS,
    ConformanceError,
)
from conformance.reference import faults
from conformance.reference.server import ReferenceServer
from conformance.rules.base import Status
from tests.serving import running_serve

LAG = "read-lag"
"""The benign variation: reads see the collection as it was 0.3 s earlier."""
SETTINGS = {"max_examples": 5, "examples_dir": None, "seed": 1}
STATE_FAULTS = [f for f in faults.available() if f.family == "stateful"]


@pytest.mark.slow
def test_a_one_second_read_lag_passes_the_seeding_gate() -> None:
    with running_serve("--read-lag", "1", stderr=subprocess.DEVNULL) as (_, url):
        gate = subprocess.run(
            [sys.executable, "-m", "conformance", "run", "--endpoint-url", url, "--seed", "1"],
            capture_output=True,
            text=True,
            timeout=280,
        )
    assert gate.returncode == EXIT_OK, gate.stdout[-3000:] + gate.stderr[-2000:]
    assert "settled after" in gate.stdout  # the rule table says which rules waited, and how long


@pytest.mark.slow
@pytest.mark.parametrize("fault", STATE_FAULTS, ids=lambda f: f.name)
def test_every_state_fault_is_caught_with_the_lag_on(fault: faults.Fault) -> None:
    config = RunConfig(**SETTINGS, faults=(fault.name, LAG), settle_s=1.0, strict=fault.strict)  # type: ignore[arg-type]
    result = run(config)
    failed = {v.rule.id for v in result.verdicts if v.status is Status.FAIL}
    assert failed & set(fault.trips), (fault.name, sorted(failed))
    assert result.exit_code == EXIT_VIOLATIONS


def test_waits_are_reported_per_rule_and_in_the_notes() -> None:
    result = run(RunConfig(**SETTINGS, faults=(LAG,), strict=True))  # type: ignore[arg-type]
    assert result.exit_code == EXIT_OK, [v.rule.id for v in result.failing()]
    settled = {v.rule.id: v.settled for v in result.verdicts if v.settled}
    assert any(text.startswith("settled after") for text in settled.values()), settled
    notes = result.settings.notes
    assert any(n.startswith("discovery after seeding: settled after") for n in notes), notes
    assert any("waited for stale reads" in n for n in notes), notes


def test_a_target_that_never_shows_its_writes_is_not_verified() -> None:
    with ReferenceServer(quiet=True, read_lag_s=600) as server:
        config = RunConfig(endpoint_url=server.url, examples_dir=None, settle_s=0.3)
        with pytest.raises(ConformanceError) as caught:
            run(config)
    message = str(caught.value)
    assert caught.value.exit_code == EXIT_UNVERIFIED
    assert "never showed its own writes within" in message
    assert "DescribeCollection does not find the collection" in message


def test_the_plan_counts_the_discovery_wait() -> None:
    waiting = prepare(RunConfig()).plan
    assert waiting.operations[SETTLE] > 0
    assert any("--settle 5" in note for note in waiting.notes)
    assert SETTLE not in prepare(RunConfig(settle_s=0)).plan.operations
    read_only = RunConfig(endpoint_url="http://127.0.0.1:9", collection_id="c", read_only=True)
    assert SETTLE not in prepare(read_only).plan.operations


@pytest.mark.parametrize(
    "args", [("run", "--settle", "later"), ("serve", "--read-lag", "-1")], ids=lambda a: a[1]
)
def test_a_bad_wait_or_lag_is_one_line(args: tuple[str, ...]) -> None:
    answer = subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == EXIT_USAGE
    assert answer.stderr.strip().count("\n") == 0 and args[1] in answer.stderr
