"""Rules about a collection that changes: deletions, associations and statuses over time.

Every check replays the run's successful writes into `conformance.evidence.writes` and judges
each later read against what the writes established. Only users and faces whose history is in
the log are judged, so a pre-existing collection or another client's users never raise an alarm.

AWS promises no read-after-write, so a read is judged only as the last of its wait: one sent
again later in the same epoch (`Evidence.superseded`, see `conformance.settle`) is a poll, and
a stale poll that later settled is no violation. What is still stale after the run's bounded
wait is: MUST where AWS documents the effect (DeleteUser disassociates, DisassociateFaces
removes, an associated user is no longer CREATED), SHOULD where it documents nothing (how soon
UPDATING ends, how soon the collection's counts catch up). AWS documents UPDATING as
"associations in progress" but no bound on how long that lasts, so checks about associations
also judge a user only once an answer has reported it in another status after its last write
("settled").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from conformance.evidence import CollectionView, Evidence
from conformance.evidence.listings import filtered, page_of, single_page
from conformance.evidence.reading import (
    TRANSITIONAL,
    answer_of,
    matched_users,
    param,
    strings,
)
from conformance.evidence.writes import USER_STATUSES, CollectionModel, pairing_members, replay
from conformance.exchange import Exchange
from conformance.rules.base import Check, Finding, Level, passed, rule, violated
from conformance.rules.sources import SEARCHABLE_ONCE_ASSOCIATED, api, doc, model

FAMILY = "stateful"

#: AWS's UserStatus values, verbatim from the AssociateFaces API reference.
CREATED = "CREATED - A UserID has been created, but has no FaceID(s) associated with it."
UPDATING = (
    "UPDATING - A UserID is being updated and there are current associations or "
    "disassociations of FaceID(s) taking place."
)
ACTIVE = "ACTIVE - All associations or disassociations of FaceID(s) for a UserID are complete."

stateful_rule = functools.partial(rule, family=FAMILY, needs_writes=True)
"""Every rule here judges reads against the run's own writes: a read-only run cannot exercise
one, and says so instead of counting it a gap."""

ASSOCIATE_REASONS = frozenset(
    {"FACE_NOT_FOUND", "ASSOCIATED_TO_A_DIFFERENT_USER", "LOW_MATCH_CONFIDENCE"}
)
DISASSOCIATE_REASONS = frozenset({"FACE_NOT_FOUND", "ASSOCIATED_TO_A_DIFFERENT_USER"})
DELETE_REASONS = frozenset({"ASSOCIATED_TO_AN_EXISTING_USER", "FACE_NOT_FOUND"})


AnswerCheck = Callable[[Exchange, CollectionModel], Iterator[Finding]]


def _each(*operations: str, refusals: bool = False) -> Callable[[AnswerCheck], Check]:
    """Make a check of one answer into a rule's check of the whole log.

    It sees the answers the target really gave to `operations` (successes, and refusals too
    when `refusals`), each with its collection's model as the log's writes left it just before;
    answers about collections the log never wrote to are skipped, since nothing is known there,
    and so are reads the run sent again while waiting for them to settle.
    """

    def wrap(check_one: AnswerCheck) -> Check:
        def check(evidence: Evidence) -> Iterator[Finding]:
            for exchange, state in replay(evidence):
                if state is None or exchange.throttled or exchange.server_error:
                    continue
                if evidence.superseded(exchange):
                    continue
                if exchange.operation in operations and (exchange.ok or refusals):
                    yield from check_one(exchange, state)

        return check

    return wrap


def _finding(
    exchange: Exchange, problem: str, *, judged: bool = True, since: Exchange | None = None
) -> Iterator[Finding]:
    """The one finding an answer earns: a violation when there is a problem (citing `since`,
    the write it contradicts), else a pass, but only when the answer was judged at all."""
    if problem:
        yield violated(problem, *([since] if since else []), exchange)
    elif judged:
        yield passed(exchange)


def _listed(exchange: Exchange) -> dict[str, str | None]:
    """Id -> value (a face's owner, a user's status) of one listing page; {} when unreadable."""
    page = page_of(exchange)
    return page.items if page is not None else {}


def _matches(exchange: Exchange) -> list[Mapping[str, Any]]:
    """The readable `User` members a successful SearchUsers answer holds."""
    return [user for _, user in matched_users(answer_of(exchange))]


def _has_room(exchange: Exchange, found: list[Mapping[str, Any]]) -> bool:
    """Whether MaxUsers could not have cut a user off (the default MaxUsers is undocumented)."""
    limit = param(exchange, "MaxUsers")
    if not found:
        return True
    return isinstance(limit, int) and not isinstance(limit, bool) and len(found) < limit


@stateful_rule(
    "stateful.deleted-user-gone",
    "After a successful DeleteUser, until the UserId is created again, the user is never "
    "matched, listed, shown as a face's owner, or searchable by its UserId.",
    source=api(
        "DeleteUser",
        "Faces that are associated with the UserID are disassociated from the UserID before "
        "deleting the specified UserID.",
    ),
    leaves_open="which client error a search by the deleted UserId gets",
)
@_each("SearchUsers", "ListUsers", "ListFaces", refusals=True)
def deleted_user_gone(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    gone = state.gone_users
    if not gone:
        return
    if not exchange.ok:
        yield passed(exchange)
        return
    if exchange.operation == "SearchUsers":
        seen = {m["UserId"] for m in _matches(exchange)}
        searched = param(exchange, "UserId")
        if searched in gone:
            seen.add(searched)
    elif exchange.operation == "ListUsers":
        seen = set(_listed(exchange))
    else:
        seen = {u for u in _listed(exchange).values() if u is not None}
    stale = sorted(seen & set(gone))
    if not stale:
        yield passed(exchange)
        return
    deletion = gone[stale[0]]
    problem = f"{exchange.operation} still shows deleted user(s) {stale} (deleted by exchange "
    yield from _finding(exchange, f"{problem}#{deletion.index})", since=deletion)


@stateful_rule(
    "stateful.created-listed",
    "Once IndexFaces reported face F (CreateUser created user U) and until it is deleted, a "
    "one-page unfiltered ListFaces (ListUsers) lists F (U) when the run's bounded wait is over.",
    source=(
        api(
            "IndexFaces",
            "Detects faces in the input image and adds them to the specified collection.",
        ),
        api("CreateUser", "Creates a new User within a collection specified by CollectionId."),
        api("ListFaces", "Returns metadata for faces in the specified collection."),
        api(
            "ListUsers", "Returns metadata of the User such as UserID in the specified collection."
        ),
    ),
    leaves_open="listings of several pages (no page holds them all); how soon a new face or "
    "user is listed within the wait",
)
@_each("ListUsers", "ListFaces")
def created_listed(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    if filtered(exchange) or not single_page(exchange):
        return
    known = state.faces if exchange.operation == "ListFaces" else state.users
    expected, listed = set(known), set(_listed(exchange))
    missing = sorted(expected - listed)
    shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
    problem = (
        f"{exchange.operation} lacks {len(missing)} the run created ({shown})" if missing else ""
    )
    yield from _finding(exchange, problem, judged=bool(expected))


@stateful_rule(
    "stateful.indexed-face-searchable",
    "Once IndexFaces reported face F and until DeleteFaces deleted it, SearchUsers by FaceId F "
    "is not refused with a client error when the run's bounded wait is over.",
    source=(
        api("SearchUsers", "ID for the existing face."),
        api(
            "IndexFaces",
            "Detects faces in the input image and adds them to the specified collection.",
        ),
    ),
    leaves_open="the matches such a search returns (other stateful and result rules judge them)",
)
@_each("SearchUsers", refusals=True)
def indexed_face_searchable(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    face_id = param(exchange, "FaceId")
    if not isinstance(face_id, str) or param(exchange, "UserId") or face_id not in state.faces:
        return
    refused = exchange.client_error
    problem = f"search by existing face {face_id} refused: {exchange.error_type}" if refused else ""
    yield from _finding(exchange, problem)


@stateful_rule(
    "stateful.faceless-user-never-matches",
    "A user with no associated face is never in UserMatches and a search by it matches nobody "
    "(after a disassociation, only while the answer reports it UPDATING).",
    source=SEARCHABLE_ONCE_ASSOCIATED,
    leaves_open="whether a search by a faceless UserId is refused or answered with no matches",
)
@_each("SearchUsers")
def faceless_user_never_matches(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    faceless = state.faceless_users()
    if not faceless:
        return
    found = _matches(exchange)
    searched = faceless.get(param(exchange, "UserId"))
    if searched is not None and found and searched.settled:
        yield violated(f"search by faceless user {searched.user_id!r} matched users", exchange)
        return
    bad = [
        m["UserId"]
        for m in found
        if m["UserId"] in faceless
        and (not faceless[m["UserId"]].ever_associated or m.get("UserStatus") not in TRANSITIONAL)
    ]
    yield from _finding(exchange, f"faceless user(s) {sorted(bad)} matched" if bad else "")


@stateful_rule(
    "stateful.associated-face-finds-user",
    "Once AssociateFaces put face F on user U and U was reported settled, SearchUsers by F at "
    "UserMatchThreshold 0 with room under MaxUsers returns U.",
    source=(
        SEARCHABLE_ONCE_ASSOCIATED,
        api("SearchUsers", note="a face matches itself best"),
    ),
    leaves_open="U's similarity value and rank; searches without an explicit threshold of 0",
)
@_each("SearchUsers")
def associated_face_finds_user(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    face_id = param(exchange, "FaceId")
    owner = state.faces.get(face_id) if isinstance(face_id, str) else None
    user = state.users.get(owner) if owner else None
    threshold = param(exchange, "UserMatchThreshold")
    if user is None or not user.settled or threshold != 0 or param(exchange, "UserId"):
        return
    found = _matches(exchange)
    if not _has_room(exchange, found):
        return
    missed = all(m["UserId"] != user.user_id for m in found)
    problem = f"search by face {face_id} did not return its user {owner!r}" if missed else ""
    yield from _finding(exchange, problem)


def _ownership_findings(
    exchange: Exchange, state: CollectionModel, *, released: bool
) -> Iterator[Finding]:
    """Judge one ListFaces page against settled ownership: current owners, or former ones."""
    listed = _listed(exchange)
    filter_user = param(exchange, "UserId")
    problems: list[str] = []
    checked = False
    for face_id, owner in state.faces.items():
        former = state.released.get(face_id)
        if released:
            if owner is not None or former is None or not state.owner_settled(former[0]):
                continue
            checked = True
            if face_id in listed and listed[face_id] == former[0]:
                problems.append(f"{face_id} still listed with former owner {former[0]!r}")
        else:
            if owner is None or not state.owner_settled(owner):
                continue
            if face_id in listed:
                checked = True
                if listed[face_id] != owner:
                    problems.append(f"{face_id} listed with {listed[face_id]!r}, not {owner!r}")
            elif filter_user == owner and not param(exchange, "FaceIds") and single_page(exchange):
                checked = True
                problems.append(f"{face_id} missing from ListFaces(UserId={owner!r})")
    yield from _finding(exchange, "; ".join(problems), judged=checked)


def _register_ownership_rules() -> None:
    """Both ListFaces ownership rules: one check, judging current owners or former ones."""
    current = (
        "stateful.association-listed",
        "Once AssociateFaces put face F on a settled user U, ListFaces shows F with UserId U and "
        "a one-page ListFaces filtered by UserId U includes F.",
        (
            api(
                "ListFaces",
                "An array of user IDs to filter results with when listing faces in a collection.",
            ),
            model("Face.UserId", "Unique identifier assigned to the user."),
        ),
        "listings while the user is UPDATING",
    )
    former = (
        "stateful.disassociation-reflected",
        "After DisassociateFaces (or DeleteUser) took face F off user U and U settled, ListFaces "
        "never shows F with UserId U again until F is re-associated.",
        api(
            "DisassociateFaces",
            "Removes the association between a Face supplied in an array of FaceIds and the User.",
        ),
        "search similarities after a disassociation (no oracle for them)",
    )
    for released, (rule_id, statement, source, leaves_open) in ((False, current), (True, former)):

        def check_one(
            exchange: Exchange, state: CollectionModel, released: bool = released
        ) -> Iterator[Finding]:
            return _ownership_findings(exchange, state, released=released)

        stateful_rule(rule_id, statement, source=source, leaves_open=leaves_open)(
            _each("ListFaces")(check_one)
        )


_register_ownership_rules()


def _reasons_problems(
    entries: Any, allowed: frozenset[str], expected: Mapping[str, str | None]
) -> tuple[dict[str, list[str]], list[str]]:
    """Reported reasons per FaceId, and problems: unknown reasons, or a known face misreported.

    `expected` maps a FaceId to the reason the model demands (None: any reason but the two
    ownership-derived ones would be wrong, i.e. it must not be called missing or foreign).
    """
    reported: dict[str, list[str]] = {}
    problems: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("FaceId"), str):
            continue
        reasons = strings(entry.get("Reasons"))
        reported[entry["FaceId"]] = reasons
        unknown = [r for r in reasons if r not in allowed]
        if unknown or not reasons:
            problems.append(f"{entry['FaceId']}: reasons {reasons} not within {sorted(allowed)}")
    for face_id, reason in expected.items():
        got = reported.get(face_id)
        if got is None:
            continue
        if reason is not None and reason not in got:
            problems.append(f"{face_id}: expected {reason}, reported {got}")
        if reason is None and {"FACE_NOT_FOUND", "ASSOCIATED_TO_A_DIFFERENT_USER"} & set(got):
            problems.append(f"{face_id}: an existing face of its own user reported as {got}")
    return reported, problems


UNJUDGED = "<unjudged>"


def _expected_reason(
    state: CollectionModel, face_id: str, user_id: Any, *, disassociate: bool
) -> str | None:
    """The reason the model demands for `face_id`: None for "must not be called missing or
    foreign", UNJUDGED where the model has no settled view of the face."""
    exists = state.face_exists(face_id)
    if exists is False:
        return "FACE_NOT_FOUND"
    former = state.released.get(face_id)
    if exists is None or (former is not None and not state.owner_settled(former[0])):
        return UNJUDGED
    owner = state.faces[face_id]
    if owner is not None and not state.owner_settled(owner):
        return UNJUDGED
    if owner is not None and owner != user_id:
        return "ASSOCIATED_TO_A_DIFFERENT_USER"
    if disassociate:
        return None if owner == user_id else UNJUDGED
    return None if owner is None else UNJUDGED


def _association_findings(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    disassociate = exchange.operation == "DisassociateFaces"
    done_member, refused_member = pairing_members(
        "Disassociation" if disassociate else "Association"
    )
    past = done_member.removesuffix("Faces").lower()
    answer = answer_of(exchange)
    done = set(strings(answer.get(done_member), "FaceId"))
    entries = answer.get(refused_member)
    user_id = param(exchange, "UserId")
    expected: dict[str, str | None] = {}
    for face_id in strings(param(exchange, "FaceIds")):
        reason = _expected_reason(state, face_id, user_id, disassociate=disassociate)
        if reason != UNJUDGED:
            expected[face_id] = reason
    allowed = DISASSOCIATE_REASONS if disassociate else ASSOCIATE_REASONS
    reported, problems = _reasons_problems(entries, allowed, expected)
    for face_id, reason in expected.items():
        if reason is not None and face_id in done:
            problems.append(f"{face_id} was {past} although the model says {reason}")
        elif reason is not None and face_id not in reported:
            problems.append(f"{face_id} not reported as unsuccessful ({reason})")
        elif reason is None and disassociate and face_id not in done:
            problems.append(f"{face_id} is {user_id!r}'s face but was not disassociated")
    yield from _finding(exchange, "; ".join(problems), judged=bool(expected or reported))


def _deletion_findings(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    answer = answer_of(exchange)
    deleted = set(strings(answer.get("DeletedFaces")))
    expected: dict[str, str | None] = {}
    for face_id in strings(param(exchange, "FaceIds")):
        owner = state.faces.get(face_id)
        if owner is not None and state.owner_settled(owner):
            expected[face_id] = "ASSOCIATED_TO_AN_EXISTING_USER"
    reported, problems = _reasons_problems(
        answer.get("UnsuccessfulFaceDeletions"), DELETE_REASONS, expected
    )
    for face_id in expected:
        if face_id in deleted or face_id not in reported:
            problems.append(f"{face_id} belongs to {state.faces[face_id]!r} but was not refused")
    yield from _finding(exchange, "; ".join(problems), judged=bool(expected or reported))


@stateful_rule(
    "stateful.unsuccessful-reasons",
    "AssociateFaces/DisassociateFaces report FACE_NOT_FOUND for unknown or deleted faces and "
    "ASSOCIATED_TO_A_DIFFERENT_USER for another user's faces; DeleteFaces refuses associated "
    "faces with ASSOCIATED_TO_AN_EXISTING_USER; every reason is in the model's enum.",
    source=(
        model("UnsuccessfulFaceAssociationReason", note="enum"),
        model("UnsuccessfulFaceDisassociationReason", note="enum"),
        model("UnsuccessfulFaceDeletionReason", note="enum"),
    ),
    leaves_open="LOW_MATCH_CONFIDENCE decisions; the reason for disassociating an unassociated "
    "face; DeleteFaces of unknown faces (reported or silently accepted)",
)
@_each("AssociateFaces", "DisassociateFaces", "DeleteFaces")
def unsuccessful_reasons(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    if exchange.operation == "DeleteFaces":
        return _deletion_findings(exchange, state)
    return _association_findings(exchange, state)


def _statuses(exchange: Exchange) -> list[tuple[Any, Any]]:
    """(UserId, UserStatus) pairs an answer reports, the values as sent (unusable ones too:
    they are what user-status-valid judges). A user given without a UserStatus reports none:
    no member of these answers is required in the model, so its absence is no status at all
    (JSON null reads as absent too)."""
    answer = answer_of(exchange)
    if exchange.operation == "ListUsers":
        page = page_of(exchange)
        found = [(row.get("UserId"), row.get("UserStatus")) for row in page.rows] if page else []
    elif exchange.operation == "SearchUsers":
        found = [(m["UserId"], m.get("UserStatus")) for m in _matches(exchange)]
    elif exchange.operation in ("AssociateFaces", "DisassociateFaces"):
        found = [(param(exchange, "UserId"), answer.get("UserStatus"))]
    else:
        found = []
    return [(user, status) for user, status in found if status is not None]


@stateful_rule(
    "stateful.user-status-valid",
    "Every UserStatus in ListUsers, SearchUsers, AssociateFaces and DisassociateFaces answers "
    "is one of ACTIVE, UPDATING, CREATING, CREATED.",
    source=model("UserStatus", note="enum"),
)
def user_status_valid(evidence: Evidence) -> Iterator[Finding]:
    for exchange in evidence.answered:
        reported = _statuses(exchange) if exchange.ok else []
        bad = [(u, s) for u, s in reported if s not in USER_STATUSES]
        problem = f"UserStatus outside the enum: {bad}" if bad else ""
        yield from _finding(exchange, problem, judged=bool(reported))


@stateful_rule(
    "stateful.status-lifecycle",
    "A user that never had a face associated is never reported ACTIVE or UPDATING.",
    source=(
        api("AssociateFaces", CREATED),
        api("AssociateFaces", note="UPDATING and ACTIVE describe associations"),
    ),
    leaves_open="CREATED vs CREATING for a new user; the status after all faces were removed",
)
@_each("ListUsers", "SearchUsers")
def status_lifecycle(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    fresh = {uid for uid, user in state.users.items() if not user.ever_associated}
    judged = [(u, s) for u, s in _statuses(exchange) if u in fresh]
    bad = [(u, s) for u, s in judged if s in ("ACTIVE", "UPDATING")]
    problem = f"never-associated user(s) reported {bad}" if bad else ""
    yield from _finding(exchange, problem, judged=bool(judged))


@stateful_rule(
    "stateful.status-reaches-active",
    "A user holding faces is listed ACTIVE once the run's bounded wait after its last write is "
    "over (UPDATING must not outlast it).",
    source=(
        api("AssociateFaces", UPDATING),
        api("AssociateFaces", ACTIVE),
        doc("developer guide (users)", "will become ACTIVE in few seconds"),
    ),
    level=Level.SHOULD,
    leaves_open="how long UPDATING may last: the run waits --settle seconds (a cassette: as "
    "long as the recorded run waited)",
)
@_each("ListUsers")
def status_reaches_active(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    listed = dict(_statuses(exchange))
    judged = [u for u in state.users.values() if u.faces and u.user_id in listed]
    stuck = sorted(u.user_id for u in judged if listed[u.user_id] != "ACTIVE")
    problem = f"user(s) {stuck} holding faces not listed ACTIVE" if stuck else ""
    yield from _finding(exchange, problem, judged=bool(judged))


@stateful_rule(
    "stateful.associated-user-not-created",
    "A user whose AssociateFaces succeeded, and whose face ListFaces shows under its UserId in "
    "the same epoch, is not reported CREATED once the run's bounded wait is over.",
    source=(
        api("AssociateFaces", CREATED),
        api("AssociateFaces", UPDATING),
        api("AssociateFaces", ACTIVE),
    ),
    leaves_open="UPDATING vs ACTIVE (stateful.status-reaches-active); users whose face no "
    "complete ListFaces of the epoch shows under them",
)
def associated_user_not_created(evidence: Evidence) -> Iterator[Finding]:
    for exchange, state in replay(evidence):
        if state is None or not exchange.ok or exchange.operation not in READS_STATUS:
            continue
        view = evidence.view(exchange)
        if evidence.superseded(exchange) or view is None or view.faces is None:
            continue
        shown = {owner for owner in view.faces.values() if owner}
        judged = [
            (user_id, status)
            for user_id, status in _statuses(exchange)
            if user_id in shown and user_id in state.users and state.users[user_id].faces
        ]
        created = sorted(str(user_id) for user_id, status in judged if status == "CREATED")
        problem = (
            f"user(s) {created} reported CREATED although ListFaces shows their faces"
            if created
            else ""
        )
        if problem:
            yield violated(problem, exchange, *view.listing_sources)
        elif judged:
            yield passed(exchange)


READS_STATUS = ("ListUsers", "SearchUsers")


@stateful_rule(
    "stateful.deleted-face-gone",
    "After DeleteFaces reported face F deleted, F is never listed by ListFaces and a "
    "SearchUsers by FaceId F is never answered with success.",
    source=api("DeleteFaces", "Deletes faces from a collection."),
    leaves_open="which client error a search by a deleted FaceId gets",
)
@_each("ListFaces", "SearchUsers", refusals=True)
def deleted_face_gone(exchange: Exchange, state: CollectionModel) -> Iterator[Finding]:
    deleted = state.deleted_faces
    if not deleted:
        return
    if exchange.operation == "ListFaces":
        stale = sorted(set(_listed(exchange)) & set(deleted))
    else:
        face_id = param(exchange, "FaceId")
        if face_id not in deleted:
            return
        stale = [face_id] if exchange.ok else []
    problem = f"{exchange.operation} still serves deleted face(s) {stale}" if stale else ""
    yield from _finding(exchange, problem)


def _count_findings(
    evidence: Evidence, member: str, listed: Callable[[CollectionView], dict[str, Any] | None]
) -> Iterator[Finding]:
    """DescribeCollection's `member` against the complete listing of the same epoch, on
    collections the run wrote to (a live collection others write to is not judged)."""
    for exchange, state in replay(evidence):
        if state is None or not exchange.ok or exchange.operation != "DescribeCollection":
            continue
        view = evidence.view(exchange)
        count = answer_of(exchange).get(member)
        items = listed(view) if view is not None else None
        if evidence.superseded(exchange) or view is None or items is None:
            continue
        if not isinstance(count, int) or isinstance(count, bool):
            continue  # the schema rules judge its type
        if count == len(items):
            yield passed(exchange)
            continue
        yield violated(
            f"{member} {count}, but the complete listing of the same epoch shows {len(items)}",
            exchange,
            *view.listing_sources,
        )


def _register_count_rules() -> None:
    """FaceCount and UserCount: one check each, against the listing of the same kind."""
    counts = (
        (
            "face",
            "FaceCount",
            "ListFaces",
            "The number of faces that are indexed into the collection.",
        ),
        # AWS's own spelling
        (
            "user",
            "UserCount",
            "ListUsers",
            "The number of UserIDs assigned to the specified colleciton.",
        ),
    )
    for kind, member, listing, meaning in counts:
        attribute = f"{kind}s"

        def check(
            evidence: Evidence, member: str = member, attribute: str = attribute
        ) -> Iterator[Finding]:
            return _count_findings(evidence, member, lambda view: getattr(view, attribute))

        stateful_rule(
            f"stateful.{kind}-count",
            f"Once the run's bounded wait is over, DescribeCollection's {member} equals the "
            f"number of {kind}s a complete {listing} of the same epoch shows.",
            source=api("DescribeCollection", meaning),
            level=Level.SHOULD,
            leaves_open=f"how quickly {member} catches up beyond the run's wait (AWS documents "
            "no delay either way); collections the run did not write to",
        )(check)


_register_count_rules()
