"""Every rule of the catalog, shown passing on a correct exchange and failing on a broken one.

The table must cover the whole catalog, so no rule can exist that never fires.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.exchange import Exchange
from conformance.rules import FAMILIES, catalog
from tests.rules.conftest import (
    COLLECTION,
    FACE_A,
    UNKNOWN_FACE,
    discovery,
    error,
    exchange,
    missing_collection,
    search,
    verdict,
)
from tests.rules.image_cases import IMAGE_CASES

Build = Callable[[], list[Exchange]]
IPE = "InvalidParameterException"
HEADERS_ONLY_ID = {"x-amzn-requestid": "r"}


def _unknown(kind: str, value: str, **response: object) -> Build:
    return lambda: [*discovery(), search({kind: value}, **response)]


def _tuned(**params: object) -> dict[str, object]:
    return {"CollectionId": COLLECTION, **params}


CASES: dict[str, tuple[Build, Build]] = {
    "response.json-body": (
        lambda: [search()],
        lambda: [search(body=b"<html>oops</html>")],
    ),
    "response.content-type": (
        lambda: [search(headers={"content-type": "application/json", "x-amzn-requestid": "r"})],
        lambda: [search(headers={"content-type": "text/html", "x-amzn-requestid": "r"})],
    ),
    "response.content-type-exact": (
        lambda: [
            search(
                headers={
                    "content-type": "application/x-amz-json-1.1; charset=utf-8",
                    "x-amzn-requestid": "r",
                }
            )
        ],
        lambda: [search(headers={"content-type": "application/json", "x-amzn-requestid": "r"})],
    ),
    "response.request-id": (
        lambda: [search()],
        lambda: [search(headers={"content-type": "application/x-amz-json-1.1"})],
    ),
    "response.schema": (
        lambda: [search(matches=[("bob", 90.5)])],
        lambda: [search(body={"FaceModelVersion": "7", "UserMatches": [{"Similarity": "90"}]})],
    ),
    "errors.error-type": (
        lambda: [search(**error(IPE))],
        lambda: [search(**error("NoSuchThingException"))],
    ),
    "errors.status": (
        lambda: [search(**error("InternalServerError", 500))],
        lambda: [search(**error(IPE, 500))],
    ),
    "errors.body": (
        lambda: [search(status=400, body={"__type": IPE, "Code": IPE, "Message": "bad"})],
        lambda: [search(status=400, body={"message": 42}, headers=HEADERS_ONLY_ID)],
    ),
    "results.own-face-scale": (
        lambda: [*discovery(), search({"FaceId": FACE_A}, matches=[("alice", 100.0)])],
        lambda: [*discovery(), search({"FaceId": FACE_A}, matches=[("alice", 1.0)])],
    ),
    "sdk.error-code": (
        lambda: [search(status=400, body={"__type": f"ns#{IPE}", "Code": IPE})],
        lambda: [search(status=400, body={"code": IPE}, headers={"x-amzn-errortype": IPE})],
    ),
    "sdk.members": (
        lambda: [
            search(matches=[("bob", 90.5)]),
            exchange("CreateUser", {"CollectionId": COLLECTION, "UserId": "u"}, body=b""),
        ],
        lambda: [search(body={"FaceModelVersion": "7", "userMatches": [{"Similarity": 90}]})],
    ),
    "errors.unknown-collection": (
        lambda: [
            missing_collection("nope"),
            search({"CollectionId": "nope"}, **error("ResourceNotFoundException")),
        ],
        lambda: [missing_collection("nope"), search({"CollectionId": "nope"}, **error(IPE))],
    ),
    "errors.unknown-user": (
        _unknown("UserId", "zed", **error(IPE)),
        _unknown("UserId", "zed"),
    ),
    "errors.unknown-user-type": (
        _unknown("UserId", "zed", **error(IPE)),
        _unknown("UserId", "zed", **error("ResourceNotFoundException")),
    ),
    "errors.unknown-face": (
        _unknown("FaceId", UNKNOWN_FACE, **error(IPE)),
        _unknown("FaceId", UNKNOWN_FACE, **error("InternalServerError", 500)),
    ),
    "errors.unknown-face-type": (
        _unknown("FaceId", UNKNOWN_FACE, **error(IPE)),
        _unknown("FaceId", UNKNOWN_FACE, **error("ResourceNotFoundException")),
    ),
    "validation.rejects-invalid": (
        lambda: [search({"MaxUsers": 0}, **error(IPE))],
        lambda: [search({"UserId": "x" * 129})],
    ),
    "validation.requires-an-id": (
        lambda: [exchange("SearchUsers", _tuned(), **error(IPE))],
        lambda: [exchange("SearchUsers", _tuned(), body={"UserMatches": []})],
    ),
    "validation.invalid-parameter": (
        lambda: [search({"UserMatchThreshold": 100.5}, **error(IPE))],
        lambda: [search({"UserMatchThreshold": 100.5}, **error("ValidationException"))],
    ),
    "validation.accepts-valid": (
        lambda: [*discovery(), search({"MaxUsers": 500, "UserMatchThreshold": 0})],
        lambda: [*discovery(), search({"MaxUsers": 500}, **error(IPE))],
    ),
    "results.order": (
        lambda: [search(matches=[("bob", 90.0), ("carol", 90.0), ("dan", 85.0)])],
        lambda: [search(matches=[("bob", 85.0), ("carol", 90.0)])],
    ),
    "results.threshold": (
        lambda: [search({"UserMatchThreshold": 70}, matches=[("bob", 70.0)])],
        lambda: [search(matches=[("bob", 79.5)])],
    ),
    "results.range": (
        lambda: [search({"UserMatchThreshold": 0}, matches=[("bob", 100.0), ("carol", 0.0)])],
        lambda: [search(matches=[("bob", 100.5)])],
    ),
    "results.max-users": (
        lambda: [search({"MaxUsers": 2}, matches=[("bob", 90.0), ("carol", 85.0)])],
        lambda: [search({"MaxUsers": 1}, matches=[("bob", 90.0), ("carol", 85.0)])],
    ),
    "results.complete-at-zero": (
        lambda: [
            *discovery(),
            search(
                {"UserMatchThreshold": 0, "MaxUsers": 100},
                matches=[("bob", 40.0), ("carol", 3.5)],
            ),
        ],
        lambda: [
            *discovery(),
            search({"UserMatchThreshold": 0, "MaxUsers": 100}, matches=[("bob", 40.0)]),
        ],
    ),
    "results.unique": (
        lambda: [search(matches=[("bob", 90.0), ("carol", 90.0)])],
        lambda: [search(matches=[("bob", 90.0), ("bob", 90.0)])],
    ),
    "results.self-excluded": (
        lambda: [search(matches=[("bob", 90.0)])],
        lambda: [search(matches=[("alice", 100.0), ("bob", 90.0)])],
    ),
    "echo.searched-user": (
        lambda: [search()],
        lambda: [search(body={"FaceModelVersion": "7", "SearchedUser": {"UserId": "Alice"}})],
    ),
    "echo.searched-face": (
        lambda: [search({"FaceId": FACE_A})],
        lambda: [
            search(
                {"FaceId": FACE_A},
                body={"SearchedFace": {"FaceId": FACE_A}, "SearchedUser": {"UserId": "alice"}},
            )
        ],
    ),
    "echo.face-model-version": (
        lambda: [*discovery(), search()],
        lambda: [*discovery(), search(body={"FaceModelVersion": "6", "UserMatches": []})],
    ),
    "consistency.matches-listed": (
        lambda: [*discovery(), search(matches=[("bob", 90.0)])],
        lambda: [*discovery(), search(matches=[("ghost", 90.0)])],
    ),
    "consistency.matches-have-faces": (
        lambda: [*discovery(), search(matches=[("bob", 90.0)])],
        lambda: [*discovery(), search(matches=[("empty", 90.0, "CREATED")])],
    ),
    "consistency.status": (
        lambda: [*discovery(), search(matches=[("bob", 90.0, "ACTIVE")])],
        lambda: [*discovery(), search(matches=[("bob", 90.0, "CREATED")])],
    ),
    "metamorphic.threshold-filter": (
        lambda: [
            search(
                {"UserMatchThreshold": 50, "MaxUsers": 10}, matches=[("bob", 90.0), ("carol", 60.0)]
            ),
            search({"UserMatchThreshold": 70, "MaxUsers": 10}, matches=[("bob", 90.0)]),
        ],
        lambda: [
            search(
                {"UserMatchThreshold": 50, "MaxUsers": 10}, matches=[("bob", 90.0), ("carol", 60.0)]
            ),
            search({"UserMatchThreshold": 70, "MaxUsers": 10}, matches=[]),
        ],
    ),
    "metamorphic.max-users-prefix": (
        lambda: [
            search({"MaxUsers": 1}, matches=[("bob", 90.0)]),
            search({"MaxUsers": 3}, matches=[("bob", 90.0), ("carol", 85.0)]),
        ],
        lambda: [
            search({"MaxUsers": 1}, matches=[("carol", 85.0)]),
            search({"MaxUsers": 3}, matches=[("bob", 90.0), ("carol", 85.0)]),
        ],
    ),
    "metamorphic.deterministic": (
        lambda: [search(matches=[("bob", 90.0)]), search(matches=[("bob", 90.0)])],
        lambda: [search(matches=[("bob", 90.0)]), search(matches=[("bob", 91.0)])],
    ),
    "metamorphic.face-finds-owner": (
        lambda: [
            *discovery(),
            search(
                {"FaceId": FACE_A, "UserMatchThreshold": 0, "MaxUsers": 10},
                matches=[("alice", 99.0), ("bob", 12.0)],
            ),
        ],
        lambda: [
            *discovery(),
            search(
                {"FaceId": FACE_A, "UserMatchThreshold": 0, "MaxUsers": 10}, matches=[("bob", 12.0)]
            ),
        ],
    ),
    "protocol.malformed-body": (
        lambda: [
            exchange("SearchUsers", None, raw_body=b"{not json", **error("SerializationException"))
        ],
        lambda: [
            exchange("SearchUsers", None, raw_body=b"[1, 2]", **error("InternalServerError", 500))
        ],
    ),
    "protocol.serialization-exception": (
        lambda: [exchange("SearchUsers", None, raw_body=b"", **error("SerializationException"))],
        lambda: [exchange("SearchUsers", None, raw_body=b"null", **error(IPE))],
    ),
    "protocol.unknown-operation": (
        lambda: [exchange(None, {}, target=None, **error("UnknownOperationException"))],
        lambda: [exchange("NoSuchOp", {}, body={})],
    ),
    "protocol.unknown-operation-type": (
        lambda: [exchange("NoSuchOp", {}, **error("UnknownOperationException"))],
        lambda: [exchange(None, {}, target="Other.SearchUsers", **error("SerializationException"))],
    ),
}


CASES.update(IMAGE_CASES)

#: The families these tests own; stateful is tested by its author.
OWN_FAMILIES = set(FAMILIES) - {"stateful"}


def test_every_rule_has_cases() -> None:
    assert {r.id for r in catalog() if r.family in OWN_FAMILIES} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_passes_on_a_correct_exchange(rule_id: str) -> None:
    good, _ = CASES[rule_id]
    assert verdict(rule_id, good()) == "pass"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_trips_on_a_broken_exchange(rule_id: str) -> None:
    _, bad = CASES[rule_id]
    assert verdict(rule_id, bad()) == "fail"
