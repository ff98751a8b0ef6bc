"""The rule catalog: one module per family, each registering its rules on import.

`catalog()` is the public list; `judge()` turns a run's evidence into one verdict per rule.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from conformance.evidence import Evidence
from conformance.rules.base import Finding, Level, Rule, RuleVerdict, Status, registered

#: Family modules, imported for their registrations.
FAMILIES = (
    "response",
    "errors",
    "sdk",
    "validation",
    "results",
    "completeness",
    "echo",
    "consistency",
    "metamorphic",
    "protocol",
    "stateful",
)


UNEXERCISED = "no exchange exercised this rule"


def catalog() -> tuple[Rule, ...]:
    for family in FAMILIES:
        importlib.import_module(f"conformance.rules.{family}")
    # registration order depends on which module a process happened to import first; reports
    # and the README need one order: families as listed, then ids
    rank = {family: i for i, family in enumerate(FAMILIES)}
    return tuple(sorted(registered(), key=lambda r: (rank.get(r.family, len(rank)), r.id)))


def judge(evidence: Evidence, rules: Iterable[Rule] | None = None) -> list[RuleVerdict]:
    """Run every check over the evidence. A rule that looked at nothing is not verified.

    A check that crashes is reported as not verified with the exception, never as a pass:
    a rule that cannot judge must not let a broken target through.
    """
    verdicts = []
    for rule in catalog() if rules is None else rules:
        try:
            findings = list(rule.check(evidence))
        except Exception as exc:
            verdicts.append(
                RuleVerdict(rule, Status.NOT_VERIFIED, reason=f"check crashed: {exc!r}")
            )
            continue
        violations = [f for f in findings if not f.passed]
        if violations:
            status = Status.FAIL
        elif findings:
            status = Status.PASS
        else:
            status = Status.NOT_VERIFIED
        reason = "" if findings else UNEXERCISED
        verdicts.append(RuleVerdict(rule, status, len(findings), violations, reason))
    return verdicts


__all__ = ["UNEXERCISED", "Finding", "Level", "Rule", "RuleVerdict", "Status", "catalog", "judge"]
