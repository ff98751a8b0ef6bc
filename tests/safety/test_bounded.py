"""Against any target, a run stays bounded in memory and in time, and a second signal ends it.

Each test runs `searchusers-conformance run` as a real process against a real hostile server
on loopback (`tests/safety/hostile.py`). Memory is the child's own peak RSS (VmHWM); the bounds are generous (a normal run peaks near 100 MB) and far below
what reading the hostile bodies whole would take. No assertion depends on timing: durations are
kept small with `--request-timeout`, and subprocess timeouts only stop a regression from hanging
the suite.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.safety.conftest import CLI, clean_env, error_line
from tests.safety.hostile import (
    MIB,
    Behaviour,
    after_probes,
    drip,
    endless_chunks,
    hostile,
    huge,
)

PEAK_RSS_BOUND_MIB = 250
"""20 MiB read before the cut, twice over while joined, plus the interpreter and botocore."""


PEAK_REPORTER = """
import atexit, sys

def report_peak():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(sys.argv[1], "w") as out:
        out.write(peak)

atexit.register(report_peak)
from conformance.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""The CLI, reporting its own peak RSS (VmHWM, in KiB) as it exits. Not `wait4`'s ru_maxrss:
Linux carries the forking process's high-water mark across exec, so a child of a big pytest
worker would report the worker's size."""


def run_measured(args: list[str], cwd: Path, timeout: float = 180) -> tuple[int, str, float]:
    """Run the CLI; return its exit code, stderr and peak RSS in MiB."""
    peak = cwd / "peak.txt"
    done = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTER, str(peak), *args],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stderr, int(peak.read_text()) / 1024


def judged_by(behaviour: Behaviour, tmp_path: Path, *extra: str) -> tuple[int, str, float]:
    with hostile(behaviour) as server:
        return run_measured(["run", "--endpoint-url", server.url, *extra], tmp_path)


linux_only = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM")


@linux_only
def test_a_100_mib_body_is_cut_at_the_limit(tmp_path: Path) -> None:
    code, err, peak = judged_by(huge(100 * MIB), tmp_path)
    assert code == 2, err[-2000:]
    line = error_line(err)
    # the first request (an availability probe) meets the huge body; which one is not the point
    assert "answered a body larger than 20 MiB (reading stopped there)" in line
    assert peak < PEAK_RSS_BOUND_MIB, f"peak RSS {peak:.0f} MiB"


@linux_only
def test_an_endless_chunked_body_is_cut_at_the_limit(tmp_path: Path) -> None:
    code, err, peak = judged_by(endless_chunks(ceiling=600 * MIB), tmp_path)
    assert code == 2, err[-2000:]
    assert "answered a body larger than 20 MiB" in error_line(err)
    assert peak < PEAK_RSS_BOUND_MIB, f"peak RSS {peak:.0f} MiB"


def test_a_dripping_target_is_given_up_after_three_missed_deadlines(tmp_path: Path) -> None:
    """Every byte arrives well within any per-read timeout; only a whole-exchange deadline
    stops it. The availability probes meet it before anything is created, so no collection is
    reported as left over."""
    code, err, _ = judged_by(drip(interval=0.5), tmp_path, "--request-timeout", "1")
    assert code == 2, err[-2000:]
    assert "Traceback" not in err
    assert "3 requests in a row got no complete answer" in err, err[-2000:]
    assert "within 1 s each (--request-timeout)" in err
    assert "could not delete collection" not in err


def wait_for(predicate: object, what: str, timeout: float = 60) -> None:
    started = time.monotonic()
    while not predicate():  # type: ignore[operator]
        if time.monotonic() - started > timeout:
            raise AssertionError(f"never saw {what}")
        time.sleep(0.1)


def test_a_second_signal_ends_a_stuck_teardown(tmp_path: Path) -> None:
    """SIGTERM during setup starts the teardown; its DeleteCollection drips too (the deadline
    is far away), and a second SIGTERM ends the wait, naming the collection left behind."""
    err_path = tmp_path / "stderr.txt"
    with hostile(after_probes(drip(interval=5))) as server, err_path.open("w") as sink:
        args = ["run", "--endpoint-url", server.url, "--request-timeout", "600"]
        process = subprocess.Popen(
            [*CLI, *args], cwd=tmp_path, env=clean_env(), stdout=subprocess.DEVNULL, stderr=sink
        )
        try:
            wait_for(lambda: "RekognitionService.CreateCollection" in server.targets, "setup")
            process.send_signal(signal.SIGTERM)
            # the first DeleteCollection is an availability probe; the second is the teardown
            teardown = "RekognitionService.DeleteCollection"
            wait_for(lambda: server.targets.count(teardown) >= 2, "teardown")
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    err = err_path.read_text()
    assert code == 2, err[-2000:]
    assert "Traceback" not in err
    assert "(interrupt again to stop waiting)" in err
    assert "could not delete collection su-conformance-" in err
    assert "(cleanup interrupted)" in err
