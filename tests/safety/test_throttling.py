"""Throttling is retried with backoff, counted, and never a violation unless it persists."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.config import RunConfig
from conformance.engine import run
from tests.safety.conftest import FastBackoff, Reply, Script, ScriptedServer, aws_error

FAST = ["--max-examples", "2"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def throttle_first(n: int, reply: Reply) -> Script:
    """The first `n` requests of each operation are throttled, then answers are correct."""
    counts: Counter[str | None] = Counter()
    lock = threading.Lock()

    def script(operation: str | None, body: object) -> Reply | None:
        with lock:
            counts[operation] += 1
            return reply if counts[operation] <= n else None

    return script


@pytest.mark.parametrize(
    "reply",
    [
        aws_error("ThrottlingException"),
        aws_error("ProvisionedThroughputExceededException"),
        Reply(429, b"Too Many Requests", {"Content-Type": "text/plain"}),
        Reply(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"}),
    ],
    ids=["ThrottlingException", "ProvisionedThroughputExceeded", "http-429", "http-503"],
)
def test_transient_throttling_is_retried_and_counted(
    scripted: ScriptedServer, reply: Reply, fast_backoff: FastBackoff
) -> None:
    scripted.script = throttle_first(2, reply)
    config = RunConfig(endpoint_url=scripted.url, max_examples=2, examples_dir=None)
    result = run(config)
    assert result.exit_code == 0, [v.rule.id for v in result.failing()]
    assert result.unverified_reason is None
    operations = {e.operation for e in result.exchanges}
    assert result.stats.throttled >= 2 * len(operations)
    assert result.stats.retries == result.stats.throttled
    first_searches = [e for e in result.exchanges if e.operation == "SearchUsers"][:1]
    assert first_searches and first_searches[0].attempts == 3  # answered on the third try
    # exponential: each operation's first request waited up to 0.4 s, then up to 0.8 s
    assert fast_backoff.ceilings[:2] == [0.4, 0.8]
    assert max(fast_backoff.ceilings) <= 8.0


def test_throttle_counts_appear_in_the_summary(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted.script = throttle_first(1, aws_error("ThrottlingException"))
    assert main(["run", "--endpoint-url", scripted.url, *FAST]) == 0
    out = capsys.readouterr().out
    assert "throttled " in out and "throttled 0," not in out
    assert "verdict: conforms" in out


def test_persistent_throttling_is_not_verified(
    bare: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every request throttled: the availability probes give up after three, the run says so
    in one line and exits 2 (throttling says nothing about what the target implements)."""
    bare.script = lambda op, body: aws_error("ThrottlingException")
    assert main(["run", "--endpoint-url", bare.url, *FAST]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "not implemented" not in err
    last = err.strip().splitlines()[-1]
    assert "3 requests in a row stayed throttled" in last and "ThrottlingException" in last
    assert "CreateCollection" not in bare.seen


def test_throttling_that_persists_after_setup_is_not_verified(scripted: ScriptedServer) -> None:
    """Setup succeeds, then every search is throttled: "not verified", not "violations"."""
    scripted.script = lambda op, body: (
        aws_error("ThrottlingException") if op == "SearchUsers" else None
    )
    config = RunConfig(endpoint_url=scripted.url, max_examples=2, examples_dir=None)
    result = run(config)
    assert result.failing() == []
    assert result.exit_code == 2
    assert result.unverified_reason
    assert result.unverified_reason.startswith("the target answered")
    assert "throttling" in result.unverified_reason
    assert result.stats.throttled > result.stats.sent["SearchUsers"] / 2
