"""What an exchange asked for and what it got, read defensively: the one set of readers.

Rules must judge the request the target actually received, not the one the engine meant to
send, so requests are read from the wire body first. Targets under test may answer anything
(lists, strings, null, numbers as strings): every accessor here returns None or skips an item
instead of raising, leaving malformed shapes to the schema rule.

Two readings of an answer, and only two: `body_of` is the JSON object whatever the status
(error documents are judged too), `answer_of` the members of a 2xx answer (what a write did,
what a read showed). Listings read through `conformance.evidence.listings`.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from conformance.exchange import Exchange
from conformance.schemas import Violation, validate_request, validate_response

DEFAULT_THRESHOLD = 80.0
"""DOC: UserMatchThreshold "Default value of 80"."""
MAX_USERS_CAP = 500
"""DOC: MaxUsers is 1-500 and UserMatches holds at most 500 entries."""
SIMILARITY_TOLERANCE = 1e-4
"""AWS computes scores in float32; two readings of one score may differ in the last bits."""

#: UserStatus values a user leaves on its own (associations finish asynchronously): while a
#: user is in one, searches over time may legitimately differ without any request from us.
TRANSITIONAL = frozenset({"UPDATING", "CREATING"})

#: Members that identify the query; exactly one must be given (DOC).
QUERY_MEMBERS = ("UserId", "FaceId")


def is_number(value: Any) -> TypeGuard[int | float]:
    """A JSON number usable in comparisons (bool is an int in Python, but not in JSON)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def float32(value: float) -> float:
    """`value` rounded to the nearest float32, the precision AWS computes scores in."""
    try:
        result: float = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return value
    return result


def same_similarity(a: float, b: float) -> bool:
    return abs(a - b) <= SIMILARITY_TOLERANCE


def request_of(exchange: Exchange) -> Mapping[str, Any] | None:
    """The request members as sent on the wire, or None when the body was no JSON object."""
    return exchange.wire_request


def param(exchange: Exchange, name: str) -> Any:
    """One request member as sent on the wire (None when absent or the body was no object)."""
    return (request_of(exchange) or {}).get(name)


def body_of(exchange: Exchange) -> dict[str, Any] | None:
    """The answer's JSON object whatever its status, None when it is not one."""
    body = exchange.json
    return body if isinstance(body, dict) else None


def answer_of(exchange: Exchange) -> dict[str, Any]:
    """A 2xx answer's members (`Exchange.output`); {} for a refusal or an unreadable answer,
    which shows nothing."""
    return exchange.output or {}


def strings(items: Any, key: str | None = None) -> list[str]:
    """String members of a list (or of its dict items' `key`), skipping whatever is malformed."""
    if not isinstance(items, list):
        return []
    values = [item.get(key) if key and isinstance(item, dict) else item for item in items]
    return [value for value in values if isinstance(value, str)]


def header(exchange: Exchange, name: str) -> str | None:
    """A response header, whatever case the target (or a cassette) used for its name."""
    wanted = name.lower()
    for key, value in exchange.response_headers.items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else None
    return None


def safe_request_violations(request: Mapping[str, Any]) -> list[Violation]:
    try:
        return validate_request(dict(request))
    except Exception as exc:  # an unvalidatable request is an invalid one
        return [Violation("", "type", f"request could not be validated: {exc}")]


def safe_response_violations(body: Any, *, strict: bool = False) -> list[Violation]:
    try:
        return validate_response(body, strict=strict)
    except Exception as exc:  # an unvalidatable body is an invalid one
        return [Violation("", "type", f"response could not be validated: {exc}")]


@dataclass(frozen=True)
class SearchRequest:
    """A SearchUsers request classified the way the rules need it."""

    members: Mapping[str, Any]
    violations: tuple[Violation, ...]

    @property
    def constraint_violations(self) -> tuple[Violation, ...]:
        """Schema violations except unknown members.

        The request schema is closed, but whether AWS rejects or ignores an unknown member is
        undocumented, so no rule holds one against a target.
        """
        return tuple(v for v in self.violations if v.keyword != "additionalProperties")

    @property
    def schema_valid(self) -> bool:
        return not self.violations

    @property
    def ids_given(self) -> tuple[str, ...]:
        return tuple(m for m in QUERY_MEMBERS if m in self.members)

    @property
    def kind(self) -> str | None:
        """ "UserId" or "FaceId" when exactly one is given, else None."""
        given = self.ids_given
        return given[0] if len(given) == 1 else None

    @property
    def query_id(self) -> Any:
        return self.members.get(self.kind) if self.kind else None

    @property
    def ambiguous(self) -> bool:
        """A MaxUsers like `5.0`: an integer to JSON Schema, but whether a JSON 1.1 service
        must accept a float literal for an integer member is undocumented."""
        return isinstance(self.members.get("MaxUsers"), float)

    @property
    def well_formed(self) -> bool:
        """Schema-valid with exactly one of UserId/FaceId: AWS must process it."""
        return self.schema_valid and self.kind is not None and not self.ambiguous

    @property
    def collection_id(self) -> Any:
        return self.members.get("CollectionId")

    @property
    def threshold(self) -> float | None:
        """The effective UserMatchThreshold, None when the given one is unusable."""
        if "UserMatchThreshold" not in self.members:
            return DEFAULT_THRESHOLD
        value = self.members["UserMatchThreshold"]
        return float(value) if is_number(value) and 0 <= value <= 100 else None

    @property
    def max_users(self) -> int | None:
        """The explicit, in-range MaxUsers; None when omitted (default undocumented) or bad."""
        value = self.members.get("MaxUsers")
        if not is_number(value) or value != int(value) or not 1 <= value <= MAX_USERS_CAP:
            return None
        return int(value)

    def key(self) -> str:
        """A canonical form: identical requests have identical keys."""
        return json.dumps(self.members, sort_keys=True, default=str)


def search_request(exchange: Exchange) -> SearchRequest | None:
    return exchange.memo("search_request", lambda: _classify(exchange))


def _classify(exchange: Exchange) -> SearchRequest | None:
    members = request_of(exchange)
    if members is None:
        return None
    return SearchRequest(members, tuple(safe_request_violations(members)))


@dataclass(frozen=True)
class Match:
    position: int
    user_id: str
    similarity: float
    status: Any


def matches_of(body: Mapping[str, Any] | None) -> list[Match] | None:
    """UserMatches as (user, similarity) pairs; None if any entry is malformed.

    Metamorphic and consistency rules compare whole results, so a partly unreadable list is
    not compared at all (the schema rule reports it).
    """
    if body is None:
        return None
    raw = body.get("UserMatches", [])
    if not isinstance(raw, list):
        return None
    found = []
    for position, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("User"), dict):
            return None
        user, similarity = entry["User"], entry.get("Similarity")
        if not isinstance(user.get("UserId"), str) or not is_number(similarity):
            return None
        found.append(Match(position, user["UserId"], float(similarity), user.get("UserStatus")))
    return found


def similarities_of(body: Mapping[str, Any] | None) -> list[tuple[int, float]]:
    """(position, Similarity) for every readable score, skipping malformed entries."""
    raw = body.get("UserMatches") if body is not None else None
    if not isinstance(raw, list):
        return []
    return [
        (i, float(entry["Similarity"]))
        for i, entry in enumerate(raw)
        if isinstance(entry, dict) and is_number(entry.get("Similarity"))
    ]


def matched_users(body: Mapping[str, Any] | None) -> list[tuple[int, Mapping[str, Any]]]:
    """(position, `User` member) for every match naming a UserId, skipping malformed entries."""
    raw = body.get("UserMatches") if body is not None else None
    if not isinstance(raw, list):
        return []
    found: list[tuple[int, Mapping[str, Any]]] = []
    for i, entry in enumerate(raw):
        user = entry.get("User") if isinstance(entry, dict) else None
        if isinstance(user, dict) and isinstance(user.get("UserId"), str):
            found.append((i, user))
    return found


def user_ids_of(body: Mapping[str, Any] | None) -> list[tuple[int, str]]:
    """(position, UserId) for every readable matched user, skipping malformed entries."""
    return [(i, user["UserId"]) for i, user in matched_users(body)]


def describe_violations(violations: tuple[Violation, ...] | list[Violation]) -> str:
    return "; ".join(f"{v.pointer or '/'}: {v.message}" for v in violations)


def outcome(exchange: Exchange) -> str:
    """How an answer reads in a message: `HTTP 400 InvalidParameterException`."""
    kind = exchange.error_type
    return f"HTTP {exchange.status} {kind}" if kind else f"HTTP {exchange.status}"
