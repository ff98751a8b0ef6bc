"""Errors that end a command with a one-line message instead of a traceback.

Every failure the user can cause or the target can provoke (bad options, an unreachable
endpoint, a corrupt cassette, an exhausted budget) is raised as a `ConformanceError`; the CLI
prints its message on one line and exits with `EXIT_UNVERIFIED`. Anything else escaping is a
bug in this project and deserves its traceback.
"""

from __future__ import annotations

EXIT_OK = 0
"""The target conforms."""
EXIT_VIOLATIONS = 1
"""At least one MUST rule (or SHOULD rule under --strict) was violated."""
EXIT_UNVERIFIED = 2
"""The run could not reach a verdict: bad usage, unreachable target, throttling, budget."""


class ConformanceError(Exception):
    """A problem that stops a run before it can reach a verdict (exit code 2)."""

    exit_code = EXIT_UNVERIFIED


class UsageError(ConformanceError):
    """Options or inputs that cannot work together."""


class TargetUnavailable(ConformanceError):
    """The target could not be reached or did not speak AWS JSON 1.1 at all."""


class UnreadableResponse(ConformanceError):
    """The target answered something no rule can read within the suite's limits (a body larger
    than `limits.MAX_RESPONSE_BYTES`, JSON nested deeper than `limits.MAX_JSON_DEPTH`)."""


class BudgetExhausted(ConformanceError):
    """The request budget (--max-requests) is spent; nothing more may be sent."""


class CassetteError(ConformanceError):
    """A cassette is missing, corrupt, empty, or of another service."""


class TargetThrottled(BudgetExhausted):
    """The target keeps throttling: sending stops as if the budget were spent, since waiting
    longer would only spend it on retries."""
