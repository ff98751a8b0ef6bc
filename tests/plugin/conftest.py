"""Plugin tests run pytest inside pytest (pytester), with a stand-in engine where the real gate
would make a test slow or depend on another component's verdicts."""

from __future__ import annotations

from collections.abc import Callable

import numpy  # noqa: F401  # see below
import PIL.Image  # noqa: F401
import pytest

from conformance.config import RunConfig
from conformance.results import RunResult, RunSettings
from conformance.rules import catalog
from conformance.rules.base import Level, RuleVerdict, Status
from tests.reporting.conftest import failing_verdict, make_exchange, make_result

# In-process pytester runs restore sys.modules afterwards; C extensions such as numpy's cannot be
# loaded twice per process, so they are imported here, before any inner run, and stay loaded.
# The same holds for the rule families: one imported inside an inner run would be dropped and
# imported again by the next, registering its rules twice in the registry that stays.
catalog()

FakeRun = Callable[[RunConfig], RunResult]


def scripted_result(config: RunConfig) -> RunResult:
    """Every catalog rule passes, except: the first MUST rule fails, the first SHOULD rule
    deviates, the last rule is not verified."""
    rules = list(catalog())
    must = next(r for r in rules if r.level is Level.MUST)
    should = next(r for r in rules if r.level is Level.SHOULD)
    verdicts = []
    for rule in rules:
        if rule is must:
            verdicts.append(failing_verdict(rule, make_exchange(), message="must broken"))
        elif rule is should:
            verdicts.append(failing_verdict(rule, make_exchange(), message="parity off"))
        elif rule is rules[-1]:
            verdicts.append(RuleVerdict(rule, Status.NOT_VERIFIED, reason="never exercised"))
        else:
            verdicts.append(RuleVerdict(rule, Status.PASS, checked=1))
    result = make_result(verdicts, strict=config.strict)
    result.settings = RunSettings(seed=config.seed)
    return result


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> list[RunConfig]:
    """Replace `conformance.engine.run` for in-process pytester runs; records each config."""
    import conformance.engine

    calls: list[RunConfig] = []

    def run(config: RunConfig, *, progress: object = None) -> RunResult:
        calls.append(config)
        return scripted_result(config)

    monkeypatch.setattr(conformance.engine, "run", run, raising=False)
    return calls
