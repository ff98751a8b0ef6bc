"""report.json: everything a machine (or a later triage) needs, including the raw evidence."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from conformance import __version__
from conformance.reporting.failures import cited, endpoint, verdict_line
from conformance.reporting.reproduce import Endpoint, reproduce
from conformance.reporting.shrunk import falsified_dict
from conformance.results import RunResult
from conformance.rules.base import Finding, RuleVerdict

MAX_VIOLATIONS = 50
"""Per rule: a systematically broken target violates on every request; 50 cases make the point."""


def _violation(finding: Finding, where: Endpoint) -> dict[str, Any]:
    return {
        "message": finding.message,
        "exchanges": [e.to_dict() for e in finding.exchanges],
        "reproductions": [reproduce(e, where).to_dict() for e in cited(finding)],
    }


def _verdict(verdict: RuleVerdict, gating: bool, where: Endpoint) -> dict[str, Any]:
    rule = verdict.rule
    return {
        "id": rule.id,
        "level": rule.level.value,
        "family": rule.family,
        "statement": rule.statement,
        "source": rule.source,
        "sources": [dataclasses.asdict(s) for s in rule.sources],
        "leaves_open": rule.leaves_open,
        "status": verdict.status.value,
        "fails_gate": gating,
        "checked": verdict.checked,
        "reason": verdict.reason,
        "settled": verdict.settled,
        "violations": [_violation(f, where) for f in verdict.violations[:MAX_VIOLATIONS]],
        "violations_omitted": max(0, len(verdict.violations) - MAX_VIOLATIONS),
    }


def report_dict(result: RunResult) -> dict[str, Any]:
    where = endpoint(result)
    gating = {id(v) for v in result.failing()}
    stats = result.stats
    return {
        "tool": {"name": "searchusers-conformance", "version": __version__},
        "target": result.target,
        "settings": result.settings.to_dict(),
        "strict": result.strict,
        "exit_code": result.exit_code,
        "verdict": verdict_line(result),
        "unverified_reason": result.unverified_reason,
        "start_error": result.start_error,
        "unavailable": [gap.to_dict() for gap in result.unavailable],
        "duration_s": round(result.duration_s, 3),
        "stats": {
            "total": stats.total,
            "sent": dict(stats.sent),
            "phases": dict(stats.phases),
            "planned_phases": dict(result.settings.planned_phases),
            "throttled": stats.throttled,
            "server_errors": stats.server_errors,
            "retries": stats.retries,
        },
        "rules": [_verdict(v, id(v) in gating, where) for v in result.verdicts],
        "falsified": [falsified_dict(f, where) for f in result.falsified],
    }


def render_json(result: RunResult) -> str:
    return json.dumps(report_dict(result), indent=2, default=str, ensure_ascii=False) + "\n"
