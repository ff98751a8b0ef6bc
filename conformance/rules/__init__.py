"""The rule catalog: one module per family, each registering its rules on import.

A family is the first word of its rules' ids, the fault family that trips them and, as a rule,
the module registering them. One exception, kept so rule ids users see do not change: the
`results` family (what UserMatches must look like) lives in `matches` and `completeness`, since
a module `rules.results` read as the run's `conformance.results`.

`catalog()` is the public list; `judge()` turns a run's evidence into one verdict per rule.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable

from conformance.evidence import Evidence
from conformance.exchange import READ_OPERATIONS, Exchange
from conformance.rules.base import Finding, Level, Rule, RuleVerdict, Status, registered

#: Rule families, in the order reports and the README list them.
FAMILIES = (
    "response",
    "errors",
    "sdk",
    "validation",
    "results",
    "echo",
    "consistency",
    "metamorphic",
    "protocol",
    "stateful",
    "image",
)

#: Families whose rules are not (only) in the module of their name.
MODULES = {
    "results": ("matches", "completeness"),
    "image": ("image", "image_relations"),
}


def family_modules() -> tuple[str, ...]:
    """The modules registering the catalog, imported for their registrations."""
    return tuple(module for family in FAMILIES for module in MODULES.get(family, (family,)))


UNEXERCISED = "no exchange exercised this rule"


def catalog() -> tuple[Rule, ...]:
    for module in family_modules():
        importlib.import_module(f"conformance.rules.{module}")
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
        violations = [_with_wait(evidence, f) for f in findings if not f.passed]
        if violations:
            status = Status.FAIL
        elif findings:
            status = Status.PASS
        else:
            status = Status.NOT_VERIFIED
        reason = "" if findings else UNEXERCISED
        verdict = RuleVerdict(rule, status, len(findings), violations, reason)
        verdict.settled = _longest_wait(evidence, findings)
        verdicts.append(verdict)
    return verdicts


def _waited(evidence: Evidence, finding: Finding) -> Exchange | None:
    """The read `finding` judged, when the run sent it more than once (None otherwise).

    Findings cite the judged read first among their reads (a write or listings may come with
    it as evidence)."""
    reads = [e for e in finding.exchanges if e.operation in READ_OPERATIONS]
    return reads[0] if reads and evidence.polls(reads[0]) else None


def _longest_wait(evidence: Evidence, findings: list[Finding]) -> str:
    passing = [e for f in findings if f.passed and (e := _waited(evidence, f)) is not None]
    longest = max(passing, key=lambda e: len(evidence.polls(e)), default=None)
    return evidence.settling(longest) if longest is not None else ""


def _with_wait(evidence: Evidence, finding: Finding) -> Finding:
    """A violation on a read the run waited for says so: the failure survived the wait."""
    read = _waited(evidence, finding)
    if read is None:
        return finding
    wait = evidence.settling(read, settled=False)
    return dataclasses.replace(finding, message=f"{finding.message} ({wait})")


__all__ = ["UNEXERCISED", "Finding", "Level", "Rule", "RuleVerdict", "Status", "catalog", "judge"]
