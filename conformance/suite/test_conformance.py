"""One test per rule of the catalog, asserting its verdict from the session's gate run.

The verdict mapping mirrors the CLI's exit code: a MUST violation fails, a SHOULD violation fails
only under --su-strict (else it passes with a ParityWarning), a rule the run could not exercise
is skipped with the reason -- never passed, because nothing was checked.
"""

from __future__ import annotations

import warnings

import pytest

from conformance.reporting.failures import endpoint, failure_text
from conformance.results import RunResult
from conformance.rules import catalog
from conformance.rules.base import Level, Status
from conformance.secrets.redact import redact


class ParityWarning(UserWarning):
    """A SHOULD rule (parity with observed AWS behaviour) was violated outside --strict."""


RULE_IDS = [rule.id for rule in catalog()]


@pytest.mark.parametrize("rule_id", RULE_IDS, ids=RULE_IDS)
def test_rule(rule_id: str, searchusers_run: RunResult) -> None:
    verdict = next((v for v in searchusers_run.verdicts if v.rule.id == rule_id), None)
    if verdict is None:
        pytest.fail(f"{rule_id}: the gate run produced no verdict for this rule", pytrace=False)
    if verdict.status is Status.NOT_VERIFIED:
        pytest.skip(redact(f"not verified: {verdict.reason or 'no reason given'}"))
    if verdict.status is Status.FAIL:
        text = redact(failure_text(verdict, endpoint(searchusers_run)))
        if verdict.rule.level is Level.MUST or searchusers_run.strict:
            pytest.fail(text, pytrace=False)
        warnings.warn(
            ParityWarning(f"SHOULD deviation (fails with --su-strict)\n{text}"), stacklevel=1
        )


def test_run_was_verifiable(searchusers_run: RunResult) -> None:
    """A run the target mostly throttled or a spent budget must not read as a pass."""
    if searchusers_run.unverified_reason:
        pytest.fail(redact(f"not verified: {searchusers_run.unverified_reason}"), pytrace=False)
