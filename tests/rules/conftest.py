"""Synthetic exchanges, so each rule can be shown passing and failing without a target."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from conformance.evidence import Evidence
from conformance.exchange import TARGET_PREFIX, Exchange
from conformance.rules import catalog
from conformance.rules.base import Finding

_INDEX = itertools.count(1)

COLLECTION = "people"
FACE_A = "11111111-2222-3333-4444-555555555555"
FACE_B = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
FACE_LOOSE = "99999999-8888-7777-6666-555555555555"
UNKNOWN_FACE = "00000000-0000-0000-0000-000000000000"
JSON_HEADERS = {"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1"}


def exchange(
    operation: str | None,
    params: Mapping[str, Any] | None,
    *,
    status: int = 200,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    raw_body: bytes | None = None,
    target: str | None = "default",
) -> Exchange:
    """One exchange; `raw_body` replaces the JSON-encoded params on the wire."""
    request_body = raw_body if raw_body is not None else json.dumps(params).encode()
    sent = {} if target is None else {"x-amz-target": TARGET_PREFIX + str(operation)}
    if target not in (None, "default"):
        sent = {"x-amz-target": str(target)}
    return Exchange(
        index=next(_INDEX),
        operation=operation,
        params=params,
        request_headers=sent,
        request_body=request_body,
        status=status,
        response_headers=dict(JSON_HEADERS if headers is None else headers),
        response_body=body if isinstance(body, bytes) else json.dumps(body).encode(),
    )


def error(
    kind: str, status: int = 400, message: str = "Request has invalid parameters"
) -> dict[str, Any]:
    return {"status": status, "body": {"__type": kind, "message": message}}


def search(
    params: Mapping[str, Any] | None = None,
    *,
    matches: Iterable[tuple[Any, ...]] = (),
    **response: Any,
) -> Exchange:
    """A SearchUsers exchange, by default a correct 200 answer (UserId "alice" unless a
    FaceId is given). `matches` holds (UserId, Similarity[, UserStatus]) tuples."""
    request = {"CollectionId": COLLECTION, **(params or {})}
    if "UserId" not in request and "FaceId" not in request:
        request["UserId"] = "alice"
    if "body" not in response:
        body: dict[str, Any] = {
            "FaceModelVersion": "7.0",
            "UserMatches": [
                {"Similarity": m[1], "User": {"UserId": m[0], "UserStatus": (*m, "ACTIVE")[2]}}
                for m in matches
            ],
        }
        if "UserId" in request:
            body["SearchedUser"] = {"UserId": request["UserId"]}
        if "FaceId" in request:
            body["SearchedFace"] = {"FaceId": request["FaceId"]}
        response["body"] = body
    return exchange("SearchUsers", request, **response)


def discovery(
    users: Mapping[str, str] | None = None,
    faces: Mapping[str, str | None] | None = None,
    collection: str = COLLECTION,
) -> list[Exchange]:
    """DescribeCollection, ListUsers and ListFaces of one collection (complete, one page)."""
    users = (
        {"alice": "ACTIVE", "bob": "ACTIVE", "carol": "ACTIVE", "empty": "CREATED"}
        if users is None
        else users
    )
    faces = (
        {
            FACE_A: "alice",
            FACE_B: "bob",
            "cccccccc-0000-0000-0000-000000000000": "carol",
            FACE_LOOSE: None,
        }
        if faces is None
        else faces
    )
    return [
        exchange(
            "DescribeCollection",
            {"CollectionId": collection},
            body={"FaceModelVersion": "7.0", "FaceCount": len(faces)},
        ),
        exchange(
            "ListUsers",
            {"CollectionId": collection},
            body={"Users": [{"UserId": u, "UserStatus": s} for u, s in users.items()]},
        ),
        exchange(
            "ListFaces",
            {"CollectionId": collection},
            body={
                "FaceModelVersion": "7.0",
                "Faces": [{"FaceId": f, **({"UserId": u} if u else {})} for f, u in faces.items()],
            },
        ),
    ]


def missing_collection(name: str = "su-conformance-missing-x") -> Exchange:
    return exchange(
        "DescribeCollection", {"CollectionId": name}, **error("ResourceNotFoundException")
    )


def findings(rule_id: str, exchanges: Iterable[Exchange]) -> list[Finding]:
    by_id = {r.id: r for r in catalog()}
    return list(by_id[rule_id].check(Evidence(exchanges)))


def verdict(rule_id: str, exchanges: Iterable[Exchange]) -> str:
    """ "pass", "fail" or "none" (the rule looked at nothing)."""
    found = findings(rule_id, exchanges)
    if not found:
        return "none"
    return "fail" if any(not f.passed for f in found) else "pass"


@pytest.fixture
def world() -> list[Exchange]:
    return discovery()
