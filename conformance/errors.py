"""Errors that end a command with a one-line message instead of a traceback.

Every failure the user can cause or the target can provoke (bad options, an unreachable
endpoint, a corrupt cassette, an exhausted budget) is raised as a `ConformanceError`; the CLI
prints its message on one line and exits with the error's `exit_code`. Anything else escaping is
a bug in this project and deserves its traceback.

The exit codes follow pytest's convention, so a CI step can tell "the target is broken" from
"the pipeline is misconfigured" without reading the log.
"""

from __future__ import annotations

EXIT_OK = 0
"""The target conforms."""
EXIT_VIOLATIONS = 1
"""At least one MUST rule (or SHOULD rule under --strict) was violated."""
EXIT_UNVERIFIED = 2
"""The run could not reach a verdict: unreachable target, throttling, budget, interruption."""
EXIT_USAGE = 4
"""The command line or its inputs are wrong (pytest's usage-error code): nothing was judged."""
EXIT_CODES = (
    (EXIT_OK, "the target conforms"),
    (EXIT_VIOLATIONS, "violations (a MUST rule failed; SHOULD rules too under --strict)"),
    (EXIT_UNVERIFIED, "not verified (unreachable, throttled, budget spent, interrupted)"),
    (EXIT_USAGE, "usage or configuration error (bad option, unreadable input)"),
)
"""The table `run --help` and the README print."""


class ConformanceError(Exception):
    """A problem that stops a run before it can reach a verdict (exit code 2)."""

    exit_code = EXIT_UNVERIFIED


class UsageError(ConformanceError):
    """Options or inputs that cannot work together (exit code 4)."""

    exit_code = EXIT_USAGE


class TargetUnavailable(ConformanceError):
    """The target could not be reached or did not speak AWS JSON 1.1 at all."""

    def __init__(self, message: str, *, delivered: bool = True) -> None:
        super().__init__(message)
        self.delivered = delivered
        """False when the request certainly never reached the target (no connection was made):
        a CreateCollection that failed so created nothing, and needs no DeleteCollection."""


class ConnectionDropped(TargetUnavailable):
    """The connection was closed or reset after the request went out, with no answer at all.

    Kept apart from "cannot connect": an emulator that hangs up on one operation it lacks (and
    answers every other) is missing that operation, not unreachable, and the availability
    probes say so instead of ending the run on the first such call.
    """


class UnreadableResponse(TargetUnavailable):
    """The target answered something no rule can read within the suite's limits (a body larger
    than `limits.MAX_RESPONSE_BYTES`, JSON nested deeper than `limits.MAX_JSON_DEPTH`). It did
    receive the request, so a CreateCollection answered this way may have created one."""


class BudgetExhausted(ConformanceError):
    """The request budget (--max-requests) is spent; nothing more may be sent."""


class CassetteError(ConformanceError):
    """A cassette is missing, corrupt, empty, or of another service."""


class TargetThrottled(BudgetExhausted):
    """The target keeps throttling: sending stops as if the budget were spent, since waiting
    longer would only spend it on retries."""
