"""What a successful search must say back about the query it answered.

Clients that fan out many searches match answers to queries by these members, and
FaceModelVersion tells them whether scores are comparable across collections.
"""

from __future__ import annotations

from typing import Any

from conformance.evidence import CollectionView
from conformance.evidence.reading import body_of, search_request
from conformance.exchange import Exchange
from conformance.rules.base import Finding, passed, violated
from conformance.rules.per_exchange import judged, search_rule
from conformance.rules.sources import api

FAMILY = "echo"


def _echo(exchange: Exchange, kind: str, member: str, other: str) -> Finding | None:
    """`member`.`kind` must repeat the searched id exactly, and `other` must be absent."""
    request = search_request(exchange)
    body = body_of(exchange)
    if not exchange.ok or body is None or request is None or request.kind != kind:
        return None
    echoed: Any = body.get(member)
    value = echoed.get(kind) if isinstance(echoed, dict) else None
    problems = []
    if value != request.query_id:
        problems.append(f"{member}.{kind} is {value!r}, searched {request.query_id!r}")
    if body.get(other) is not None:
        problems.append(f"{other} is present ({body[other]!r}) in a search by {kind}")
    return judged(problems, exchange)


@search_rule(
    "echo.searched-user",
    "A search by UserId answers SearchedUser.UserId equal to it exactly, and no SearchedFace.",
    source=api(
        "SearchUsers",
        "Contains the ID of the UserID that was used to search for matches in a collection.",
        note="and AWS's example",
    ),
    family=FAMILY,
    leaves_open="What is echoed when both UserId and FaceId are sent.",
)
def searched_user(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    return _echo(exchange, "UserId", "SearchedUser", "SearchedFace")


@search_rule(
    "echo.searched-face",
    "A search by FaceId answers SearchedFace.FaceId equal to it exactly, and no SearchedUser.",
    source=api(
        "SearchUsers",
        "Contains the ID of a face that was used to search for matches in a collection.",
    ),
    family=FAMILY,
    leaves_open="What is echoed when both UserId and FaceId are sent.",
)
def searched_face(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    return _echo(exchange, "FaceId", "SearchedFace", "SearchedUser")


@search_rule(
    "echo.face-model-version",
    "A successful search answers a non-empty FaceModelVersion, equal to the collection's as "
    "DescribeCollection (or ListFaces) reported it in the same epoch.",
    source=api(
        "SearchUsers",
        "Version number of the face detection model associated with the input CollectionId.",
    ),
    family=FAMILY,
)
def face_model_version(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = body_of(exchange)
    if not exchange.ok or body is None:
        return None
    version = body.get("FaceModelVersion")
    if not isinstance(version, str) or not version:
        return violated(f"FaceModelVersion is {version!r}", exchange)
    known = view.face_model_version if view is not None else None
    if known is None or known == version:
        return passed(exchange)
    sources = view.face_model_sources[:1] if view is not None else []
    return violated(
        f"FaceModelVersion {version!r} but the collection reported {known!r}", exchange, *sources
    )
