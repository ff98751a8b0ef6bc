"""Hypothesis strategies for SearchUsers: valid requests, invalid ones, consistent responses.

Built on the generic compiler in ``schema_strategies.py`` from the committed SearchUsers
schemas, plus what the schemas cannot say: exactly one of UserId / FaceId, the documented
defaults (threshold 80), and what a conforming answer to a given request looks like (sorted,
above the threshold, float32 scores, the searched user never among the matches). Users reach
these through the ``conformance.strategies`` facade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache

import numpy as np
from hypothesis import strategies as st

from conformance.contract.schema_strategies import (
    BOTOCORE_CHECKED,
    Json,
    Schema,
    integers,
    keyword_violations,
    numbers,
    resolve,
    strings,
    with_pool,
)
from conformance.contract.schemas import load

DEFAULT_THRESHOLD = 80.0
"""SearchUsers' documented default UserMatchThreshold."""
SEARCHABLE_STATUSES = ("ACTIVE", "UPDATING")
"""A CREATED user has no faces and never matches; CREATING is undocumented (NONE)."""
FACE_MODEL_VERSIONS = ("6", "7.0")
ONE_OF_IDS = ("UserId", "FaceId")
ONE_REQUIRED = "UserId|FaceId.oneRequired"
"""Documented ("must be provided with either FaceId or UserId") but not a schema constraint."""


# -- SearchUsers requests ---------------------------------------------------------------------


def _member(root: Schema, name: str) -> Schema:
    return resolve(root, root["properties"][name])


def search_users_requests(
    collection_ids: Sequence[str] | None = None,
    user_ids: Sequence[str] | None = None,
    face_ids: Sequence[str] | None = None,
) -> st.SearchStrategy[dict[str, Json]]:
    """Valid SearchUsers requests with exactly one of UserId / FaceId.

    Length, threshold and MaxUsers boundaries are drawn deliberately; optional members are
    sometimes omitted so server defaults (threshold 80, MaxUsers NONE) are exercised too.
    """
    root = load("SearchUsers.request")
    collection = with_pool(strings(_member(root, "CollectionId")), collection_ids)
    by_user = st.fixed_dictionaries(
        {"UserId": with_pool(strings(_member(root, "UserId")), user_ids)}
    )
    by_face = st.fixed_dictionaries(
        {"FaceId": with_pool(strings(_member(root, "FaceId")), face_ids)}
    )
    optional = st.fixed_dictionaries(
        {},
        optional={
            "UserMatchThreshold": numbers(
                _member(root, "UserMatchThreshold"), extra_edges=(DEFAULT_THRESHOLD,)
            ),
            "MaxUsers": integers(_member(root, "MaxUsers")),
        },
    )
    return st.builds(
        lambda cid, target, extra: {"CollectionId": cid, **target, **extra},
        collection,
        st.one_of(by_user, by_face),
        optional,
    )


# -- invalid requests -------------------------------------------------------------------------


def _violations_for(root: Schema, member: str) -> dict[str, st.SearchStrategy[Json]]:
    """Per-keyword generators of a value that breaks exactly that keyword of ``member``."""
    return keyword_violations(_member(root, member))


@cache
def search_users_constraints() -> dict[str, tuple[str, str | None, st.SearchStrategy[Json]]]:
    """Constraint name -> (keyword, member or None, generator of the offending value)."""
    root = load("SearchUsers.request")
    table: dict[str, tuple[str, str | None, st.SearchStrategy[Json]]] = {}
    for member in root["properties"]:
        for keyword, values in _violations_for(root, member).items():
            table[f"{member}.{keyword}"] = (keyword, member, values)
    for member in root.get("required", ()):
        table[f"{member}.required"] = ("required", member, st.nothing())
    unknown = st.sampled_from(("Foo", "userId", "collectionId", "NextToken", "MaxResults"))
    table["additionalProperties"] = ("additionalProperties", None, unknown)
    table[ONE_REQUIRED] = (ONE_REQUIRED, None, st.nothing())
    return table


def constraint_names() -> list[str]:
    return sorted(search_users_constraints())


def invalid_search_users_requests(
    collection_ids: Sequence[str] | None = None,
    user_ids: Sequence[str] | None = None,
    face_ids: Sequence[str] | None = None,
    *,
    constraints: Iterable[str] | None = None,
) -> st.SearchStrategy[tuple[dict[str, Json], str]]:
    """``(request, constraint)`` pairs, each request breaking exactly the named constraint.

    Names are ``<Member>.<keyword>`` (``CollectionId.maxLength``, ``MaxUsers.minimum``,
    ``UserMatchThreshold.type``, ``FaceId.pattern``, ``CollectionId.required``...),
    ``additionalProperties`` (requests are closed) and ``UserId|FaceId.oneRequired`` (neither
    id: documented, but not expressible in the schema). Sending both ids is undocumented
    (NONE), so it is never generated here.
    """
    table = search_users_constraints()
    chosen = sorted(table) if constraints is None else sorted(set(constraints))
    unknown = set(chosen) - set(table)
    if unknown:
        raise ValueError(f"unknown constraints {sorted(unknown)}; known: {sorted(table)}")
    valid = search_users_requests(collection_ids, user_ids, face_ids)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[dict[str, Json], str]:
        name = draw(st.sampled_from(chosen))
        keyword, member, values = table[name]
        request = dict(draw(valid))
        if name == ONE_REQUIRED:
            for key in ONE_OF_IDS:
                request.pop(key, None)
        elif keyword == "required":
            assert member is not None
            request.pop(member, None)
        elif keyword == "additionalProperties":
            request[draw(values)] = draw(st.sampled_from(("x", 1)))
        else:
            assert member is not None
            if member in ONE_OF_IDS:  # keep exactly one id: both ids is NONE, not invalid
                for key in ONE_OF_IDS:
                    request.pop(key, None)
            request[member] = draw(values)
        return request, name

    return build()


def breaks_schema(constraint: str) -> bool:
    """Whether the schema alone can see this violation (the one-of rule is contract-only)."""
    return constraint != ONE_REQUIRED


def botocore_rejects(constraint: str) -> bool:
    """Whether botocore's client-side validation catches this violation too."""
    keyword = search_users_constraints()[constraint][0]
    return keyword in BOTOCORE_CHECKED


# -- SearchUsers responses --------------------------------------------------------------------


def float32_at_least(value: float) -> float:
    """Smallest float32-representable number >= value (Similarity is computed in float32)."""
    rounded = np.float32(value)
    if float(rounded) < value:
        rounded = np.nextafter(rounded, np.float32(np.inf))
    return float(rounded)


REAL_DRAWS = 8
"""At most this many matches get freely drawn ids and scores; the rest are derived (ids from a
drawn prefix, scores spread below the drawn ones), so a 500-match response stays within
hypothesis' per-example budget without health-check failures."""


def _spread(low: float, high: float, count: int) -> list[float]:
    """``count`` float32 values in [low, high], descending; both ends float32 already."""
    if count <= 0:
        return []
    values = np.linspace(high, low, num=count, dtype=np.float64).astype(np.float32)
    return [float(v) for v in values]


def search_users_responses(request: Mapping[str, Json]) -> st.SearchStrategy[dict[str, Json]]:
    """Responses a conforming service could send for ``request``.

    Matches are sorted by Similarity (highest first), each in [threshold, 100] and float32-
    representable, at most MaxUsers (500 without it), unique, never the searched user; exactly
    one of SearchedUser / SearchedFace echoes the id searched by. Ties are allowed (tie order
    is NONE), as is a Similarity equal to the threshold (NONE). Matched users are ACTIVE or
    UPDATING: a CREATED user has no face and cannot match.
    """
    root = load("SearchUsers.response")
    user_id = resolve(root, {"$ref": "#/$defs/UserId"})
    limit = int(resolve(root, {"$ref": "#/$defs/UserMatchList"})["maxItems"])
    most = min(int(request.get("MaxUsers", limit)), limit)
    threshold = float32_at_least(float(request.get("UserMatchThreshold", DEFAULT_THRESHOLD)))
    searched_user = request.get("UserId")
    score = st.one_of(
        st.sampled_from(sorted({threshold, 100.0})), st.floats(threshold, 100.0, width=32)
    )
    counts = st.one_of(
        st.sampled_from(sorted({0, 1, most})),
        st.integers(0, min(most, 2 * REAL_DRAWS)),
        st.integers(0, most),
    )

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Json]:
        count = draw(counts)
        drawn = min(count, REAL_DRAWS)
        taken = {searched_user} if searched_user is not None else set()
        ids = draw(
            st.lists(
                strings(user_id).filter(lambda u: u not in taken),
                min_size=drawn,
                max_size=drawn,
                unique=True,
            )
        )
        taken.update(ids)
        prefix = draw(strings({**user_id, "maxLength": 100}))
        serial = 0
        while len(ids) < count:
            candidate = f"{prefix}.{serial}"
            serial += 1
            if candidate not in taken:
                taken.add(candidate)
                ids.append(candidate)
        scores = sorted(draw(st.lists(score, min_size=drawn, max_size=drawn)), reverse=True)
        scores += _spread(threshold, scores[-1] if scores else 100.0, count - drawn)
        statuses = draw(st.lists(st.sampled_from(SEARCHABLE_STATUSES), min_size=1, max_size=4))
        response: dict[str, Json] = {
            "UserMatches": [
                {
                    "Similarity": sc,
                    "User": {"UserId": uid, "UserStatus": statuses[i % len(statuses)]},
                }
                for i, (sc, uid) in enumerate(zip(scores, ids, strict=True))
            ],
            "FaceModelVersion": draw(st.sampled_from(FACE_MODEL_VERSIONS)),
        }
        if searched_user is not None:
            response["SearchedUser"] = {"UserId": searched_user}
        elif "FaceId" in request:
            response["SearchedFace"] = {"FaceId": request["FaceId"]}
        return response

    return build()
