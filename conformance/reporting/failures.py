"""Plain-text accounts of a run: the verdict line and each failure with its evidence.

The console, report.md and the packaged pytest suite all show failures; they share this text so
a failure reads the same wherever a developer meets it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from conformance.availability import headline
from conformance.exchange import Exchange
from conformance.reporting.reproduce import Endpoint, endpoint_of, reproduce
from conformance.results import RunResult
from conformance.rules.base import Finding, Level, RuleVerdict, Status
from conformance.secrets.redact import excerpt

EXCERPT_CHARS = 300
REQUEST_CHARS = 2000
"""Requests are shown whole up to this (a 255-character id and all), not an image's base64."""
SHOWN_EXCHANGES = 3
"""Per violation: metamorphic rules cite two searches; more would bury the point."""


def endpoint(result: RunResult) -> Endpoint:
    return endpoint_of(result.settings)


def deviations(result: RunResult) -> list[RuleVerdict]:
    """Failed SHOULD rules that do not fail the gate (they would under --strict)."""
    failing = {id(v) for v in result.failing()}
    return [v for v in result.verdicts if v.status is Status.FAIL and id(v) not in failing]


def cause_lines(result: RunResult) -> list[str]:
    """What every report says before anything else: operations the target does not implement.

    A missing operation explains every other symptom of the run, so it must not be the last
    of a thousand lines."""
    return headline(result.unavailable)


def verdict_line(result: RunResult) -> str:
    """The run's outcome in one line, consistent with its exit code."""
    failing = result.failing()
    if failing:
        ids = ", ".join(v.rule.id for v in failing)
        line = f"{len(failing)} violation{'s' if len(failing) != 1 else ''} ({ids})"
        if result.unverified_reason:
            line += f"; also not verified: {result.unverified_reason}"
        return line
    if result.unverified_reason:
        return f"not verified: {result.unverified_reason}"
    notes = []
    parity = deviations(result)
    if parity:
        notes.append(f"{len(parity)} SHOULD deviation(s), failing only with --strict")
    unverified = sum(1 for v in result.verdicts if v.status is Status.NOT_VERIFIED)
    if unverified:
        notes.append(f"{unverified} rule(s) not verified")
    return "conforms" + (f" ({'; '.join(notes)})" if notes else "")


def stats_line(result: RunResult) -> str:
    stats = result.stats
    sent = ", ".join(f"{op} {n}" for op, n in sorted(stats.sent.items(), key=lambda i: -i[1]))
    return (
        f"requests: {stats.total} ({sent or 'none'}); throttled {stats.throttled}, "
        f"server errors {stats.server_errors}, retries {stats.retries}; "
        f"{result.duration_s:.1f}s"
    )


def sent_line(total: int, phases: Mapping[str, int], throttled: int) -> str:
    """What was sent, by phase (retries included: they are what the budget counts)."""
    shares = ", ".join(f"{name} {count}" for name, count in phases.items())
    return f"sent {total} requests ({shares or 'none'}); {throttled} throttled"


def phases_line(result: RunResult) -> str | None:
    """Each phase's requests beside its share of the plan, and why they differ where they do.

    Plan figures are upper bounds (a listing stops at its last page, a property example can
    repeat); the stateful phase sizes itself to what the budget has left, so it may use more
    than its announced share; retries count against the budget but were not planned."""
    sent = result.stats.phases
    planned = result.settings.planned_phases
    if not planned:
        return None
    names = list(planned) + [name for name in sent if name not in planned]
    shown = [
        f"{name} {sent.get(name, 0)}/{planned[name]}" if name in planned else f"{name} {sent[name]}"
        for name in names
    ]
    over = [name for name in names if sent.get(name, 0) > planned.get(name, 0)]
    why = []
    if "stateful" in over:
        why.append("the stateful phase also used what earlier phases left unused")
    others = [name for name in over if name != "stateful"]
    if others:
        cause = "retries" if result.stats.retries else "not planned"
        why.append(f"over their share ({cause}): {', '.join(others)}")
    if result.stats.retries:
        why.append(f"{result.stats.retries} of the {result.stats.total} requests were retries")
    return f"per phase, sent/planned: {', '.join(shown)}" + "".join(f"; {w}" for w in why)


def request_text(exchange: Exchange) -> str:
    if exchange.params is not None:
        params = json.dumps(dict(exchange.params), default=_short_value)
        return f"{exchange.operation or '?'} {excerpt(params, REQUEST_CHARS)}"
    body = exchange.request_body.decode("utf-8", errors="replace")
    target = exchange.request_headers.get("x-amz-target", "<no X-Amz-Target>")
    return f"raw {target} {_excerpt(body)}"


def _short_value(value: object) -> str:
    """Bytes (an image) by their size: the reproduction below has them in a file."""
    if isinstance(value, bytes | bytearray):
        return f"<{len(value):,} bytes>"
    return str(value)


def response_text(exchange: Exchange) -> str:
    kind = exchange.error_type or ("ok" if exchange.ok else "no error type")
    body = exchange.response_body.decode("utf-8", errors="replace")
    return f"HTTP {exchange.status} {kind}: {_excerpt(body)}"


def _excerpt(text: str) -> str:
    return excerpt(text, EXCERPT_CHARS)


def cited(finding: Finding) -> tuple[Exchange, ...]:
    return finding.exchanges[:SHOWN_EXCHANGES]


def violation_text(finding: Finding, where: Endpoint) -> str:
    lines = [f"- {finding.message or 'violated'}"]
    for exchange in cited(finding):
        lines += [
            f"  exchange #{exchange.index} ({exchange.label or 'unlabelled'})",
            f"    request:  {request_text(exchange)}",
            f"    response: {response_text(exchange)}",
        ]
    for exchange in cited(finding):
        lines += [
            "  reproduce:",
            *("    " + line for line in reproduce(exchange, where).text().splitlines()),
        ]
    return "\n".join(lines)


def failure_text(
    verdict: RuleVerdict, where: Endpoint, *, limit: int = 3, full_report: str | None = None
) -> str:
    """A failed rule: its statement, source and the first `limit` violations with reproductions.

    `full_report` names where the rest can be read, only when that file is (being) written: a
    pointer to a report that does not exist sends the reader looking for nothing.
    """
    rule = verdict.rule
    lines = [
        f"{rule.id} [{rule.level.value}] {rule.statement}",
        f"source: {rule.source}",
    ]
    if rule.level is Level.SHOULD:
        lines.append("(SHOULD: parity with observed AWS behaviour)")
    lines += [violation_text(f, where) for f in verdict.violations[:limit]]
    hidden = len(verdict.violations) - limit
    if hidden > 0:
        more = f"... and {hidden} more violation(s)"
        lines.append(f"{more} (see {full_report})" if full_report else more)
    return "\n".join(lines)


def failed(result: RunResult) -> Iterator[RuleVerdict]:
    return (v for v in result.verdicts if v.status is Status.FAIL)
