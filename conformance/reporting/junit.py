"""junit.xml: one testcase per rule, so any CI shows the gate like a test run."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from conformance.availability import todo_line
from conformance.reporting.failures import deviations, endpoint, failure_text
from conformance.reporting.shrunk import falsified_text, heading
from conformance.results import RunResult
from conformance.rules.base import Status

SUITE_NAME = "searchusers-conformance"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 forbids even escaped; a broken target's body may contain them."""


START_CASE = "the run could not start"


def render_junit(result: RunResult) -> str:
    """SHOULD deviations that do not fail the gate pass here too, with the details in
    system-out: CI tools turn any <failure> red, which would contradict the exit code."""
    if result.start_error is not None:
        return _render_start_error(result, result.start_error)
    where = endpoint(result)
    gating = {id(v) for v in result.failing()}
    parity = {id(v) for v in deviations(result)}
    suite = ET.Element(
        "testsuite",
        name=SUITE_NAME,
        tests=str(len(result.verdicts)),
        failures=str(len(gating)),
        errors="0",
        skipped=str(sum(v.status is Status.NOT_VERIFIED for v in result.verdicts)),
        time=f"{result.duration_s:.3f}",
    )
    _properties(suite, result)
    for verdict in result.verdicts:
        rule = verdict.rule
        case = ET.SubElement(
            suite, "testcase", classname=f"conformance.{rule.family}", name=rule.id, time="0"
        )
        if id(verdict) in gating:
            first = verdict.violations[0].message if verdict.violations else "violated"
            failure = ET.SubElement(case, "failure", message=first, type=rule.level.value)
            failure.text = failure_text(verdict, where, full_report="report.json")
        elif id(verdict) in parity:
            out = ET.SubElement(case, "system-out")
            out.text = "SHOULD deviation (fails only with --strict)\n" + failure_text(
                verdict, where, full_report="report.json"
            )
        elif verdict.status is Status.NOT_VERIFIED:
            ET.SubElement(case, "skipped", message=verdict.reason or "not verified")
    if result.falsified:
        # the suite's own output: a shrunk example may violate several rules at once
        out = ET.SubElement(suite, "system-out")
        out.text = "\n\n".join(
            f"{heading(f)}\n{falsified_text(f, where)}" for f in result.falsified
        )
    return _serialise(suite)


def _render_start_error(result: RunResult, cause: str) -> str:
    """One errored test case: no rule ran, so listing them would only bury the cause."""
    suite = ET.Element(
        "testsuite", name=SUITE_NAME, tests="1", failures="0", errors="1", skipped="0", time="0"
    )
    _properties(suite, result)
    case = ET.SubElement(suite, "testcase", classname="conformance.run", name=START_CASE, time="0")
    error = ET.SubElement(case, "error", message=cause, type="not verified")
    error.text = f"{cause}\n(exit code {result.exit_code})"
    return _serialise(suite)


def _properties(suite: ET.Element, result: RunResult) -> None:
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="target", value=result.target)
    ET.SubElement(properties, "property", name="exit_code", value=str(result.exit_code))
    if result.unavailable:
        ET.SubElement(
            properties, "property", name="unavailable", value=todo_line(result.unavailable)
        )
    if result.unverified_reason:
        ET.SubElement(
            properties, "property", name="unverified_reason", value=result.unverified_reason
        )


def _serialise(suite: ET.Element) -> str:
    ET.indent(suite)
    text = ET.tostring(suite, encoding="unicode", xml_declaration=True)
    return _NOT_XML.sub("?", text) + "\n"
