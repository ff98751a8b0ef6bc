"""Which operations a target does not implement at all, read from the exchange log alone.

An emulator that lacks an operation answers every call to it the same way: an HTML error page
(moto's HTTP 500 `text/html`), a 501, or an `UnknownOperationException`. Judged like any other
answer, those produce a cascade of rule failures whose real cause ("this operation is not
there") comes last. So before any rule judges, the log is read for operations that *every*
answer shows to be missing; their exchanges are kept away from the rules, the rules that need
them are "not verified: X unavailable", and the cause is what reports say first.

The evidence is deliberately strict, because a correct implementation must never be called
unimplemented: an AWS JSON error with a type (a legitimate `InternalServerError`, a
`ResourceNotFoundException`) proves the operation exists, and one such answer among many is
enough to keep the operation "available". Throttling proves nothing either way. It is derived
from exchanges only, so a replayed cassette reaches the verdict the live run did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from conformance.evidence import Evidence
from conformance.exchange import Exchange, rekognition_operations
from conformance.limits import whitespace_only
from conformance.rules import UNEXERCISED, judge
from conformance.rules.base import Rule, RuleVerdict, Status

IMPLEMENTATION_ORDER = (
    "CreateCollection",
    "IndexFaces",
    "CreateUser",
    "AssociateFaces",
    "ListUsers",
    "ListFaces",
    "DescribeCollection",
    "SearchUsers",
    "SearchUsersByImage",
    "DeleteUser",
    "DisassociateFaces",
    "DeleteFaces",
    "DeleteCollection",
)
"""The operations a run needs, in the order an emulator's author would build them: a
collection, faces in it, users, associations, the listings that show them, then the search,
then the writes only the stateful phase sends."""

UNKNOWN_OPERATION_ERRORS = frozenset(
    {
        "UnknownOperationException",
        "UnknownOperation",
        "InvalidAction",
        "NotImplemented",
        "NotImplementedException",
        "UnsupportedOperation",
        "UnsupportedOperationException",
    }
)
"""Error types that name the operation itself as unknown (AWS's Coral front end answers
`UnknownOperationException`; other stacks use the rest)."""

HUNG_UP = "connection closed without an answer"
"""The shape of a call the target hung up on (see `errors.ConnectionDropped`): no exchange
exists for it, so the probes that saw it report it beside the log."""

NOT_IMPLEMENTED = 501
ROUTE_MISSING = frozenset({404, 405})
"""Statuses a generic HTTP server gives a route it does not have."""
GATEWAY_ERRORS = frozenset({502, 504})
"""Answers of something in front of the target (a proxy whose upstream is down): they say
nothing about which operations the target implements, and seeding names them as they are."""

SEARCH_ONLY: frozenset[str] = frozenset({"SearchUsers"})
IMAGE_ONLY: frozenset[str] = frozenset({"SearchUsersByImage"})
STATEFUL_NEEDS = frozenset(IMPLEMENTATION_ORDER) - IMAGE_ONLY
"""The stateful phase writes and reads with SearchUsers; it never needs the image search."""


BOTH_SEARCHES_NEEDED = frozenset({"image.agrees-with-face-search"})
"""Image rules that compare an image search with a search by FaceId: they need both."""


def needs(rule: Rule) -> frozenset[str]:
    """Operations without which `rule` has nothing to judge. The `image` family judges
    SearchUsersByImage answers, the stateful rules the whole user API, every other family
    SearchUsers answers."""
    if rule.id in BOTH_SEARCHES_NEEDED:
        return IMAGE_ONLY | SEARCH_ONLY
    if rule.family == "image":
        return IMAGE_ONLY
    return STATEFUL_NEEDS if rule.family == "stateful" else SEARCH_ONLY


def missing_shape(exchange: Exchange) -> str | None:
    """How this answer shows the operation is not implemented, or None when it does not.

    A typed AWS JSON error is an implemented operation saying no, whatever its status; only an
    answer naming the operation unknown, a 501, or a 5xx/404/405 that is no AWS error at all
    (an HTML page, plain text, an untyped body) counts.
    """
    kind = exchange.error_type
    if kind in UNKNOWN_OPERATION_ERRORS:
        return f"HTTP {exchange.status} {kind}"
    if exchange.throttled or exchange.ok or exchange.status in GATEWAY_ERRORS:
        return None
    typed = isinstance(exchange.json, dict) and kind is not None
    if exchange.status == NOT_IMPLEMENTED:
        return f"HTTP {NOT_IMPLEMENTED} {kind if typed else _media(exchange)}"
    if typed or not (exchange.server_error or exchange.status in ROUTE_MISSING):
        return None
    return f"HTTP {exchange.status} {_media(exchange)}"


def _media(exchange: Exchange) -> str:
    value = exchange.content_type.split(";", 1)[0].strip().lower() or "no Content-Type"
    if not exchange.response_body.strip():
        return f"{value}, {whitespace_only(exchange.response_body)}"
    return value


@dataclass(frozen=True)
class Unavailable:
    operation: str
    answers: int
    shapes: tuple[tuple[str, int], ...]
    """Each distinct answer shape with how often it came, most frequent first."""

    def line(self) -> str:
        """ "SearchUsers is not implemented by this target (85/85 answers: HTTP 500 text/html)"."""
        shapes = ", ".join(
            shape if len(self.shapes) == 1 else f"{shape} x{count}" for shape, count in self.shapes
        )
        # a hang-up is a call without an answer; anything else seen was one
        noun = "calls" if any(shape == HUNG_UP for shape, _ in self.shapes) else "answers"
        return (
            f"{self.operation} is not implemented by this target "
            f"({self.answers}/{self.answers} {noun}: {shapes})"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "operation": self.operation,
            "answers": self.answers,
            "shapes": dict(self.shapes),
            "message": self.line(),
        }


def unavailable(
    exchanges: Iterable[Exchange], hung_up: Mapping[str, int] | None = None
) -> list[Unavailable]:
    """Rekognition operations every (non-throttled) answer of which shows them missing, in
    implementation order. Operations Rekognition does not have (protocol probes) never count:
    answering them "unknown" is what they exist to check.

    `hung_up` counts, per operation, calls the target closed the connection on without
    answering; they count as missing-shaped answers (one real answer still proves the operation
    exists).
    """
    answers: dict[str, list[str | None]] = {}
    known = rekognition_operations()
    for exchange in exchanges:
        if exchange.operation in known and not exchange.throttled:
            answers.setdefault(exchange.operation, []).append(missing_shape(exchange))
    for operation, calls in (hung_up or {}).items():
        answers.setdefault(operation, []).extend([HUNG_UP] * calls)
    found = []
    for operation, shapes in answers.items():
        if shapes and all(shapes):
            counted = Counter(s for s in shapes if s).most_common()
            found.append(Unavailable(operation, len(shapes), tuple(counted)))
    return sorted(found, key=lambda u: (_rank(u.operation), u.operation))


def _rank(operation: str) -> int:
    order = IMPLEMENTATION_ORDER
    return order.index(operation) if operation in order else len(order)


def todo_line(missing: Sequence[Unavailable]) -> str:
    """All missing operations in one line, in the order to implement them."""
    if len(missing) == 1:
        return missing[0].line()
    names = ", ".join(u.operation for u in missing)
    shapes = {shape for u in missing for shape, _ in u.shapes}
    alike = f" (every answer: {shapes.pop()})" if len(shapes) == 1 else ""
    return (
        f"this target does not implement {len(missing)} operations the run needs "
        f"(in the order to implement them): {names}{alike}"
    )


def headline(missing: Sequence[Unavailable]) -> list[str]:
    """What every report says first: the to-do list, then one line of evidence per operation."""
    if not missing:
        return []
    if len(missing) == 1:
        return [missing[0].line()]
    return [todo_line(missing) + " (in the order to implement them)"] + [u.line() for u in missing]


@dataclass
class Judgement:
    verdicts: list[RuleVerdict]
    unavailable: list[Unavailable]
    judged: list[Exchange]
    """The exchanges the rules saw: all but those of unavailable operations."""


def judge_log(
    exchanges: Sequence[Exchange],
    *,
    strict_schema: bool = False,
    hung_up: Mapping[str, int] | None = None,
) -> Judgement:
    """Judge a run's log with every rule, keeping unavailable operations out of it.

    Rules that then had nothing to judge and need a missing operation say so instead of the
    generic "no exchange exercised this rule".
    """
    missing = unavailable(exchanges, hung_up)
    names = {u.operation for u in missing}
    judged = [e for e in exchanges if e.operation not in names]
    verdicts = judge(Evidence(judged, strict_schema=strict_schema))
    for verdict in verdicts:
        lacking = [u.operation for u in missing if u.operation in needs(verdict.rule)]
        if verdict.status is Status.NOT_VERIFIED and verdict.reason == UNEXERCISED and lacking:
            verdict.reason = f"{', '.join(lacking)} unavailable"
    return Judgement(verdicts, missing, judged)
