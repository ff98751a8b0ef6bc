"""report.md and the catalog table: markdown meant to be pasted into a PR or the README."""

from __future__ import annotations

import re
from collections.abc import Iterable

from conformance.reporting.failures import (
    cause_lines,
    deviations,
    endpoint,
    failed,
    failure_text,
    phases_line,
    stats_line,
    verdict_line,
)
from conformance.reporting.shrunk import falsified_text, heading
from conformance.results import RunResult
from conformance.rules.base import Rule, Status

STATUS_MARK = {Status.PASS: "pass", Status.FAIL: "**FAIL**", Status.NOT_VERIFIED: "not verified"}


def cell(text: str) -> str:
    """One table cell: pipes and newlines would break the row."""
    return " ".join(text.replace("|", "\\|").split())


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def render_catalog(rules: Iterable[Rule]) -> str:
    """The rule catalog as a markdown table, with what each rule deliberately leaves open."""
    rows = [
        [f"`{r.id}`", r.level.value, r.statement, _sources(r), r.leaves_open or "-"] for r in rules
    ]
    return "\n".join(_table(["id", "level", "statement", "source", "leaves open"], rows)) + "\n"


def _sources(rule: Rule) -> str:
    """Each source with its page linked, where it has one."""
    return "; ".join(s.markdown() for s in rule.sources) if rule.sources else rule.source


def render_markdown(result: RunResult) -> str:
    parity = {id(v) for v in deviations(result)}
    lines = ["# SearchUsers conformance", ""]
    for line in cause_lines(result):
        lines += [f"**{cell(line)}**", ""]
    lines += [
        f"- target: {result.target}",
        f"- verdict: **{verdict_line(result)}** (exit code {result.exit_code})",
        f"- {stats_line(result)}",
        *(f"- {line}" for line in [phases_line(result)] if line),
        "",
    ]
    if result.start_error is not None:
        # no rule ran: a table of sixty "not verified" rows would only bury the cause
        return "\n".join([*lines, "The run could not start:", "", f"> {result.start_error}"]) + "\n"
    rows = []
    for v in result.verdicts:
        status = STATUS_MARK[v.status]
        if id(v) in parity:
            status = "deviation (SHOULD)"
        note = v.reason if v.status is Status.NOT_VERIFIED else v.rule.statement
        if v.settled and v.status is Status.PASS:
            note += f" ({v.settled})"
        rows.append([f"`{v.rule.id}`", v.rule.level.value, status, str(v.checked), note])
    lines += _table(["rule", "level", "status", "checked", "statement / reason"], rows)
    where = endpoint(result)
    for verdict in failed(result):
        lines += _section(verdict.rule.id, failure_text(verdict, where, full_report="report.json"))
    for found in result.falsified:
        lines += _section(heading(found), falsified_text(found, where))
    return "\n".join(lines) + "\n"


def _section(title: str, text: str) -> list[str]:
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return ["", f"## {title}", "", fence + "text", text, fence]


def _longest_backtick_run(text: str) -> int:
    """A fence must be longer than any backtick run inside, or a target's body could close it."""
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
