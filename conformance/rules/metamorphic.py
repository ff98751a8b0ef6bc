"""Relations between searches of one query: no oracle needed, yet hard to fake.

A target may score users however it likes, but raising the threshold can only filter a result,
lowering MaxUsers can only cut it, and asking twice must give the same answer. Only exchanges of
the same collection and epoch are compared, so nothing changed between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from conformance.evidence import CollectionView, Evidence
from conformance.evidence.reading import (
    SIMILARITY_TOLERANCE,
    TRANSITIONAL,
    Match,
    SearchRequest,
    body_of,
    float32,
    matches_of,
    outcome,
    same_similarity,
    search_request,
)
from conformance.exchange import Exchange
from conformance.rules import per_exchange
from conformance.rules.base import Finding, passed, rule, violated
from conformance.rules.per_exchange import judged, search_rule
from conformance.rules.settling import settled_from
from conformance.rules.sources import api

FAMILY = "metamorphic"


@dataclass(frozen=True)
class Answer:
    """A successful, well-formed search with a readable result."""

    exchange: Exchange
    request: SearchRequest
    matches: list[Match]

    def scores(self) -> dict[str, float]:
        return {m.user_id: m.similarity for m in self.matches}


def unsettled(evidence: Evidence, exchange: Exchange) -> bool:
    """Whether associations were in progress, so answers may change with no request of ours."""
    view = evidence.view(exchange)
    if view is not None and view.users and TRANSITIONAL & set(view.users.values()):
        return True
    return any(m.status in TRANSITIONAL for m in matches_of(body_of(exchange)) or [])


def answers_by_query(evidence: Evidence) -> Iterator[list[Answer]]:
    """Successful searches of a settled collection, grouped by collection, epoch and id."""
    groups: dict[tuple[int, str, str, str], list[Answer]] = defaultdict(list)
    for exchange in evidence.searches():
        request = search_request(exchange)
        matches = matches_of(body_of(exchange))
        if not exchange.ok or request is None or not request.well_formed or matches is None:
            continue
        if unsettled(evidence, exchange) or not evidence.settled_read(exchange):
            continue
        key = (
            evidence.epoch(exchange),
            str(request.collection_id),
            str(request.kind),
            str(request.query_id),
        )
        groups[key].append(Answer(exchange, request, matches))
    return iter(groups.values())


Pairs = Iterator[tuple[Answer, Answer]]
Comparison = Callable[[Answer, Answer], list[str]]


def _by(answers: Iterable[Answer], attribute: str) -> Iterator[list[Answer]]:
    """`answers` grouped by one request attribute (only searches with an explicit MaxUsers and
    a usable threshold take part in the pairwise rules)."""
    groups: dict[object, list[Answer]] = defaultdict(list)
    for answer in answers:
        if answer.request.max_users is not None and answer.request.threshold is not None:
            groups[getattr(answer.request, attribute)].append(answer)
    return iter(groups.values())


def threshold_pairs(answers: list[Answer]) -> Pairs:
    """(low, high) pairs for threshold-filter, in linear time rather than all pairs.

    Per MaxUsers, the untruncated answer with the lowest threshold (the anchor) is compared
    with every answer of a higher threshold. Every answer another pair would judge as `high`
    is still judged, and against the answer that says most; two answers that each agree with
    the anchor agree with each other (a filter of a filter is a filter), so the pairs left out
    add nothing but time -- 5,000 replayed exchanges took minutes when all pairs were made.
    """
    for group in _by(answers, "max_users"):
        untruncated = [a for a in group if len(a.matches) < (a.request.max_users or 0)]
        if not untruncated:
            continue
        anchor = min(untruncated, key=lambda a: a.request.threshold or 0.0)
        low = anchor.request.threshold or 0.0
        yield from ((anchor, a) for a in group if (a.request.threshold or 0.0) > low)


def prefix_pairs(answers: list[Answer]) -> Pairs:
    """(small, large) pairs for max-users-prefix: per threshold, every answer against the one
    with the largest MaxUsers (a prefix of a prefix is a prefix; see `threshold_pairs`)."""
    for group in _by(answers, "threshold"):
        anchor = max(group, key=lambda a: a.request.max_users or 0)
        top = anchor.request.max_users or 0
        yield from ((a, anchor) for a in group if (a.request.max_users or 0) < top)


def _pair_findings(
    evidence: Evidence, pairs: Callable[[list[Answer]], Pairs], problems: Comparison
) -> Iterator[Finding]:
    """One finding per pair `pairs` makes of the answers to one query."""
    for answers in answers_by_query(evidence):
        for first, second in pairs(answers):
            yield judged(problems(first, second), first.exchange, second.exchange)


def _different_scores(low: Answer, high: Answer) -> list[str]:
    """Users both results hold whose scores disagree."""
    theirs = low.scores()
    return [
        f"{user!r} scored {theirs[user]} then {score}"
        for user, score in high.scores().items()
        if user in theirs and not same_similarity(theirs[user], score)
    ]


def threshold_problems(low: Answer, high: Answer) -> list[str]:
    """What the higher-threshold result gets wrong, relative to the lower one."""
    t2 = high.request.threshold or 0.0
    ceiling = max(t2, float32(t2)) + SIMILARITY_TOLERANCE
    kept = high.scores()
    before = low.scores()
    problems = [
        f"{m.user_id!r} ({m.similarity} > {t2}) is missing at threshold {t2}"
        for m in low.matches
        if m.similarity > ceiling and m.user_id not in kept
    ]
    problems += [
        f"{user!r} appears at threshold {t2} but not at the lower one"
        for user in kept
        if user not in before
    ]
    return problems + _different_scores(low, high)


@rule(
    "metamorphic.threshold-filter",
    "For one query, the same explicit MaxUsers and thresholds t1 < t2, when the t1 result is "
    "not truncated, the t2 result is exactly the t1 matches scoring above t2, with the same "
    "scores.",
    source=api(
        "SearchUsers",
        "Optional value that specifies the minimum confidence in the matched UserID to return.",
    ),
    family=FAMILY,
    leaves_open="Whether matches scoring exactly t2 are kept.",
)
def threshold_filter(evidence: Evidence) -> Iterator[Finding]:
    return _pair_findings(evidence, threshold_pairs, threshold_problems)


def _above(matches: list[Match], boundary: float) -> set[str]:
    return {m.user_id for m in matches if m.similarity > boundary + SIMILARITY_TOLERANCE}


def _tied(matches: list[Match], boundary: float) -> set[str]:
    return {m.user_id for m in matches if same_similarity(m.similarity, boundary)}


def prefix_problems(small: Answer, large: Answer) -> list[str]:
    """How the smaller-MaxUsers result differs from the head of the larger one (ties aside)."""
    k1 = small.request.max_users or 0
    head = large.matches[:k1]
    if len(small.matches) != len(head):
        return [f"MaxUsers {k1} returned {len(small.matches)} users, expected {len(head)}"]
    problems = [
        f"UserMatches[{a.position}].Similarity {a.similarity} != {b.similarity}"
        for a, b in zip(small.matches, head, strict=True)
        if not same_similarity(a.similarity, b.similarity)
    ]
    if not head:
        return problems
    boundary = head[-1].similarity
    within = len(large.matches) > k1
    if _above(small.matches, boundary) != _above(head, boundary):
        problems.append(f"users above {boundary} differ from the first {k1} of the larger result")
    ties_small, ties_large = _tied(small.matches, boundary), _tied(large.matches, boundary)
    if (within and not ties_small <= ties_large) or (not within and ties_small != ties_large):
        problems.append(
            f"users tied at {boundary} are {sorted(ties_small)}, not among {sorted(ties_large)}"
        )
    return problems


@rule(
    "metamorphic.max-users-prefix",
    "For one query and the same threshold, the result for MaxUsers k1 is the first k1 users "
    "of the result for MaxUsers k2 > k1 (users tied at the k1-th score may swap).",
    source=api(
        "SearchUsers", "Maximum number of identities to return.", note="results ordered by score"
    ),
    family=FAMILY,
    leaves_open="Which of several users tied at the cut-off score are returned.",
)
def max_users_prefix(evidence: Evidence) -> Iterator[Finding]:
    return _pair_findings(evidence, prefix_pairs, prefix_problems)


def _answer_problems(first: Exchange, again: Exchange) -> list[str]:
    if (first.status // 100, first.error_type) != (again.status // 100, again.error_type):
        return [f"{outcome(first)} then {outcome(again)}"]
    if not first.ok:
        return []
    a, b = matches_of(body_of(first)), matches_of(body_of(again))
    if a is None or b is None:
        return []  # unreadable results are response.schema's
    scores_a = {m.user_id: m.similarity for m in a}
    scores_b = {m.user_id: m.similarity for m in b}
    problems = []
    if set(scores_a) != set(scores_b) or len(a) != len(b):
        problems.append(f"users {sorted(scores_a)} then {sorted(scores_b)}")
    problems += [
        f"{user!r} scored {score} then {scores_b[user]}"
        for user, score in scores_a.items()
        if user in scores_b and not same_similarity(score, scores_b[user])
    ]
    return problems


@rule(
    "metamorphic.deterministic",
    "Identical requests in the same epoch get the same outcome: same status class and error "
    "type, and the same users with the same scores.",
    source=api(
        "SearchUsers", note="a search reads the collection; nothing changed between the requests"
    ),
    family=FAMILY,
    leaves_open="The order of users with equal scores; server errors (transient by nature); "
    "collections with associations in progress (UPDATING users); an answer that contradicted "
    "the run's own writes and was sent again until it settled (eventual consistency).",
)
def deterministic(evidence: Evidence) -> Iterator[Finding]:
    groups: dict[tuple[int, str], list[Exchange]] = defaultdict(list)
    for exchange in per_exchange.answers(evidence, "metamorphic.deterministic"):
        request = search_request(exchange)
        if request is None or exchange.server_error or unsettled(evidence, exchange):
            continue
        view = evidence.view(exchange)
        listed = view is not None and evidence.listed_before(view, exchange)
        # identical reads are exactly what a wait sends: only those after the epoch settled
        if listed and settled_from(evidence, exchange):
            groups[(evidence.epoch(exchange), request.key())].append(exchange)
    for first, *others in groups.values():
        for again in others:
            yield judged(_answer_problems(first, again), first, again)


@search_rule(
    "metamorphic.face-finds-owner",
    "A FaceId associated to user U (ListFaces, same epoch), searched with UserMatchThreshold 0 "
    "and an explicit MaxUsers, finds U unless the result is full.",
    source=api(
        "SearchUsers",
        "This API can be used to find the closest UserID (with a highest similarity) to "
        "associate a face.",
        note="a face is closest to its own user",
    ),
    family=FAMILY,
)
def face_finds_owner(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = search_request(exchange)
    matches = matches_of(body_of(exchange))
    if (
        view is None
        or view.faces is None
        or request is None
        or matches is None
        or not exchange.ok
        or not request.well_formed
        or request.kind != "FaceId"
        or request.members.get("UserMatchThreshold") != 0
        or request.max_users is None
        or len(matches) >= request.max_users
    ):
        return None
    owner = view.faces.get(request.query_id)
    if owner is None or (view.users or {}).get(owner) in TRANSITIONAL:
        return None
    if any(m.user_id == owner for m in matches):
        return passed(exchange)
    return violated(
        f"FaceId {request.query_id!r} belongs to {owner!r}, who is not among "
        f"{[m.user_id for m in matches]}",
        exchange,
        *view.listing_sources,
    )
