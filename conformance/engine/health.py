"""Whether a run's answers can carry a verdict at all.

Throttling, server errors and refused credentials are the target (or its operator's IAM policy)
saying "not now" or "not you": none of them says anything about how SearchUsers behaves. Too many
of the first two, or any of the last, and the run is "not verified" rather than judged on the
answers that happened to get through; refused exchanges are also kept away from the rules so a
missing permission never reads as a violation.

One policy for live runs and replays alike (`engine.conclude` applies it to both): a cassette
recorded with a missing permission replays to the "not verified" its live run had, rather than
judging the refusals as the implementation's answers.
"""

from __future__ import annotations

from collections import Counter

from conformance.exchange import Exchange

MOSTLY = 0.5
"""A run whose exchanges were more than this share throttled or 5xx proves nothing."""


def judgeable(exchanges: list[Exchange]) -> list[Exchange]:
    """The exchanges rules may judge: everything but answers refusing the caller."""
    return [e for e in exchanges if not e.refused]


def health_problem(exchanges: list[Exchange]) -> str | None:
    if not exchanges:
        return "no request was answered"
    denied = Counter(e.error_type for e in exchanges if e.refused)
    if denied:
        kinds = ", ".join(f"{kind} x{count}" for kind, count in sorted(denied.items()))
        return (
            f"the target refused {sum(denied.values())} of {len(exchanges)} requests ({kinds}): "
            "check the credentials and their permissions; refused requests were not judged"
        )
    for scope, answers in (
        ("requests", exchanges),
        ("SearchUsers requests", [e for e in exchanges if e.operation == "SearchUsers"]),
    ):
        bad = sum(1 for e in answers if e.throttled or e.server_error)
        if bad > MOSTLY * len(answers):
            # setup and listings may all have got through: what matters is the operation judged
            return (
                f"the target answered {bad} of {len(answers)} {scope} with throttling or server "
                "errors: nothing it said can be trusted"
            )
    return None
