"""The shrunk failing examples of a run (`RunResult.falsified`), as every report shows them.

A shrunk example is the shortest way the run found to show a violation, so each report must
hand its reader something to rerun: the stateful phase's boto3 script (a fresh collection of
its own, every call in order), or for a single property example the same reproductions any
violation gets. The engine keeps them as data; only this module words them, once for the
console, report.md and junit.xml, and as fields for report.json.
"""

from __future__ import annotations

from typing import Any

from conformance.reporting.failures import request_text, response_text
from conformance.reporting.reproduce import Endpoint, reproduce
from conformance.results import Falsified


def heading(found: Falsified) -> str:
    """`stateful phase falsified, shrunk to 12 calls (stateful.face-count)`."""
    calls = len(found.calls)
    return (
        f"{found.phase} phase falsified, shrunk to {calls} call{'s' if calls != 1 else ''} "
        f"({', '.join(found.rule_ids)})"
    )


def falsified_text(found: Falsified, where: Endpoint) -> str:
    """The example's violations, then how to rerun it (under a `heading` the caller shows)."""
    lines = [f"- {rule}: {message}" for rule, message in found.violations]
    if found.script is not None:
        lines += ["rerun it (a boto3 script; it creates and deletes its own collection):"]
        return "\n".join([*lines, found.script.rstrip("\n")])
    for exchange in found.calls:
        lines += [
            f"  request:  {request_text(exchange)}",
            f"  response: {response_text(exchange)}",
            "  reproduce:",
            *("    " + line for line in reproduce(exchange, where).text().splitlines()),
        ]
    return "\n".join(lines)


def falsified_dict(found: Falsified, where: Endpoint) -> dict[str, Any]:
    """report.json's entry: the violations as pairs, never "rule: message" text to parse."""
    single = found.script is None
    return {
        "phase": found.phase,
        "calls": len(found.calls),
        "violations": [{"rule": rule, "message": message} for rule, message in found.violations],
        "exchanges": [e.index for e in found.calls],
        "script": found.script,
        "reproductions": [reproduce(e, where).to_dict() for e in found.calls] if single else [],
    }
