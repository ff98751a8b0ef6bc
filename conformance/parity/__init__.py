"""Parity: does a target answer a recording's requests as the recording did?

The engine behind `searchusers-conformance parity`, kept apart from the command so it can be
driven from tests or other tools with any `Client`: `normal_form` reduces an answer to what
two correct services must agree on, `differences` locates each disagreement by JSON path, and
`resend` replays the recording against a target (fresh collection ids, substituted generated
ids).
"""

from __future__ import annotations

from conformance.parity.differences import Difference, diff
from conformance.parity.normal_form import References, normalise, snapshot
from conformance.parity.resend import DEFAULT_TOLERANCE, ParityResult, Plan, Renamer, compare, plan

__all__ = [
    "DEFAULT_TOLERANCE",
    "Difference",
    "ParityResult",
    "Plan",
    "References",
    "Renamer",
    "compare",
    "diff",
    "normalise",
    "plan",
    "snapshot",
]
