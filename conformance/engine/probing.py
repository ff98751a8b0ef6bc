"""Before the run spends anything on phases: which operations does the target lack?

`probe` sends `phases.presence`'s one call per needed operation and announces every missing one
at once (through the run's notice callback, so the cause leads the output); when setup itself
cannot succeed, `stop_if_missing` ends the run with the whole to-do list in one line instead of
the first gap seeding happens to hit.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from conformance import availability
from conformance.config import SEARCH_OPERATIONS
from conformance.engine.context import Call
from conformance.engine.phases import presence
from conformance.errors import BudgetExhausted, ConformanceError, ConnectionDropped
from conformance.exchange import Exchange
from conformance.targets.base import Session

Notice = Callable[[str], None]


def probe(
    session: Session,
    *,
    read_only: bool,
    stateful: bool,
    searches: tuple[str, ...] = SEARCH_OPERATIONS,
    log: list[Exchange],
    say: Notice,
    hung_up: MutableMapping[str, int],
) -> frozenset[str]:
    """Call each operation the run needs once; stop when one that setup needs is missing.

    Returns the operations found missing; each is announced at once, so the cause is on the
    first lines of the output rather than after a cascade of failures. Calls the target hung
    up on are counted into `hung_up` (they leave no exchange in `log`).
    """
    answers: list[Exchange | ConnectionDropped] = []
    try:
        needed = presence.operations(read_only=read_only, stateful=stateful, searches=searches)
        for call in presence.probes(needed):
            if session.allows(call.operation):
                answers.append(_send(session, call, hung_up))
    except BudgetExhausted as stopped:
        # nothing has been set up or judged yet: a plain "cannot start", not a partial run
        raise ConformanceError(
            f"{stopped} while probing which operations the target implements: nothing was verified"
        ) from None
    if answers and all(isinstance(answer, ConnectionDropped) for answer in answers):
        # one operation hanging up is a gap; all of them is a target that cannot be talked to
        raise ConnectionDropped(
            f"{answers[-1]} (on every call: {len(answers)} operations probed, "
            f"{HANG_UP_TRIES} tries each)"
        )
    missing = availability.unavailable(log, hung_up)
    names = {gap.operation for gap in missing}
    if _blocking(missing, session) and session.writable and "DeleteCollection" not in names:
        # the run stops here, so seeding will not probe CreateCollection: complete the list
        create, undo = presence.creation()
        created = _send(session, create, hung_up)
        if not isinstance(created, Exchange) or not created.client_error:
            _send(session, undo, hung_up)  # a hang-up may still have created it
        missing = availability.unavailable(log, hung_up)
    for gap in missing:
        say(gap.line())
    stop_if_missing(missing, session, None)
    return frozenset(gap.operation for gap in missing)


HANG_UP_TRIES = 2
"""A connection closed once may be a stale keep-alive or a restart; closed again on a fresh
call to the same operation, it is how this target answers that operation."""


def _send(
    session: Session, call: Call, hung_up: MutableMapping[str, int]
) -> Exchange | ConnectionDropped:
    """The probe's answer, or the hang-up when the target hung up on every try (counted)."""
    dropped = ConnectionDropped("no try")
    for _ in range(HANG_UP_TRIES):
        try:
            return session.client.call(call.operation, call.params, label=call.label)
        except ConnectionDropped as error:
            hung_up[call.operation] = hung_up.get(call.operation, 0) + 1
            dropped = error
    return dropped


SEEDED_SETUP_NEEDS = frozenset(
    {"CreateCollection", "IndexFaces", "CreateUser", "AssociateFaces", "ListUsers", "ListFaces"}
    | {"DeleteCollection"}  # a collection the run could not delete must not be created
)
READ_ONLY_SETUP_NEEDS = frozenset({"DescribeCollection", "ListUsers", "ListFaces"})


def stop_if_missing(
    missing: list[availability.Unavailable], session: Session, failed: ConformanceError | None
) -> None:
    """Without these the run has no collection to judge: the whole to-do list, one line."""
    blocking = _blocking(missing, session)
    if not blocking:
        return
    names = {gap.operation for gap in missing}
    unprobed = ""
    if session.writable and failed is None and "DeleteCollection" in names:
        unprobed = (
            " (CreateCollection was not tried: without DeleteCollection the collection it "
            "might create could not be removed)"
        )
    cannot = "set up (or delete) its collection" if session.writable else "read the collection"
    raise ConformanceError(
        f"{availability.todo_line(missing)}{unprobed}; without {', '.join(blocking)} the run "
        f"cannot {cannot}: nothing was verified"
    ) from failed


def _blocking(missing: list[availability.Unavailable], session: Session) -> list[str]:
    needs = SEEDED_SETUP_NEEDS if session.writable else READ_ONLY_SETUP_NEEDS
    return [gap.operation for gap in missing if gap.operation in needs]
