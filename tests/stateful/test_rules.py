"""Each stateful rule passes on a correct synthetic log and fires on a broken one."""

from __future__ import annotations

import dataclasses
import itertools
import json
from typing import Any

import pytest

from conformance.evidence import Evidence
from conformance.exchange import Exchange
from conformance.rules import catalog, judge
from conformance.rules.base import Status

C = "people"
F1 = "11111111-1111-4111-8111-111111111111"
F2 = "22222222-2222-4222-8222-222222222222"
GHOST = "99999999-9999-4999-8999-999999999999"
_ids = itertools.count(1)


def ex(operation: str, params: dict[str, Any], answer: Any = None, status: int = 200) -> Exchange:
    headers = {"content-type": "application/x-amz-json-1.1"}
    if status >= 400:
        headers["x-amzn-errortype"] = str(answer)
        answer = {"__type": answer}
    return Exchange(
        index=next(_ids),
        operation=operation,
        params={"CollectionId": C, **params},
        request_headers={},
        request_body=json.dumps({"CollectionId": C, **params}).encode(),
        status=status,
        response_headers=headers,
        response_body=json.dumps({} if answer is None else answer).encode(),
    )


def match(user: str, similarity: float = 99.0, status: str = "ACTIVE") -> dict[str, Any]:
    return {"Similarity": similarity, "User": {"UserId": user, "UserStatus": status}}


def search_face(face: str, *found: dict[str, Any]) -> Exchange:
    params = {"FaceId": face, "UserMatchThreshold": 0.0, "MaxUsers": 10}
    return ex("SearchUsers", params, {"UserMatches": list(found), "FaceModelVersion": "7"})


def faces(*items: tuple[str, str | None]) -> Exchange:
    listed = [{"FaceId": f, **({"UserId": u} if u else {})} for f, u in items]
    return ex("ListFaces", {}, {"Faces": listed, "FaceModelVersion": "7"})


def users(*items: tuple[str, str]) -> Exchange:
    return ex("ListUsers", {}, {"Users": [{"UserId": u, "UserStatus": s} for u, s in items]})


def setup() -> list[Exchange]:
    """A collection with users ann (face F1, ACTIVE) and bob (no face), F2 loose."""
    return [
        ex("CreateCollection", {}, {"StatusCode": 200}),
        ex("CreateUser", {"UserId": "ann"}),
        ex("CreateUser", {"UserId": "bob"}),
        ex("IndexFaces", {}, {"FaceRecords": [{"Face": {"FaceId": F1}}]}),
        ex("IndexFaces", {}, {"FaceRecords": [{"Face": {"FaceId": F2}}]}),
        ex(
            "AssociateFaces",
            {"UserId": "ann", "FaceIds": [F1]},
            {
                "AssociatedFaces": [{"FaceId": F1}],
                "UnsuccessfulFaceAssociations": [],
                "UserStatus": "ACTIVE",
            },
        ),
    ]


def associate(user: str, face: str, refused: list[dict[str, Any]] | None = None) -> Exchange:
    accepted = [] if refused is not None else [{"FaceId": face}]
    answer = {
        "AssociatedFaces": accepted,
        "UnsuccessfulFaceAssociations": refused or [],
        "UserStatus": "ACTIVE",
    }
    return ex("AssociateFaces", {"UserId": user, "FaceIds": [face]}, answer)


def disassociate(user: str, face: str, status: str = "CREATED") -> Exchange:
    answer = {
        "DisassociatedFaces": [{"FaceId": face}],
        "UnsuccessfulFaceDisassociations": [],
        "UserStatus": status,
    }
    return ex("DisassociateFaces", {"UserId": user, "FaceIds": [face]}, answer)


def delete_faces(
    face: str, deleted: bool, reason: str = "ASSOCIATED_TO_AN_EXISTING_USER"
) -> Exchange:
    refused = [] if deleted else [{"FaceId": face, "Reasons": [reason]}]
    answer = {"DeletedFaces": [face] if deleted else [], "UnsuccessfulFaceDeletions": refused}
    return ex("DeleteFaces", {"FaceIds": [face]}, answer)


def describe(count: int, user_count: int = 2) -> Exchange:
    answer = {"FaceCount": count, "UserCount": user_count, "FaceModelVersion": "7"}
    return ex("DescribeCollection", {}, answer)


def refused_search(face: str) -> Exchange:
    params = {"FaceId": face, "UserMatchThreshold": 0.0, "MaxUsers": 10}
    return ex("SearchUsers", params, "InvalidParameterException", 400)


CASES: dict[str, tuple[list[Exchange], list[Exchange]]] = {
    "stateful.deleted-user-gone": (
        [ex("DeleteUser", {"UserId": "ann"}), search_face(F1), users(("bob", "CREATED"))],
        [ex("DeleteUser", {"UserId": "ann"}), search_face(F1, match("ann"))],
    ),
    "stateful.faceless-user-never-matches": (
        [search_face(F1, match("ann"))],
        [search_face(F1, match("ann"), match("bob", 10.0))],
    ),
    "stateful.associated-face-finds-user": (
        [search_face(F1, match("ann", 100.0))],
        [search_face(F1, match("bob", 50.0))],
    ),
    "stateful.association-listed": (
        [faces((F1, "ann"), (F2, None))],
        [faces((F1, None), (F2, None))],
    ),
    "stateful.disassociation-reflected": (
        [disassociate("ann", F1), faces((F1, None), (F2, None))],
        [disassociate("ann", F1), faces((F1, "ann"), (F2, None))],
    ),
    "stateful.unsuccessful-reasons": (
        [associate("bob", F1, [{"FaceId": F1, "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}])],
        [associate("bob", F1, [{"FaceId": F1, "Reasons": ["FACE_NOT_FOUND"]}])],
    ),
    "stateful.user-status-valid": (
        [users(("ann", "ACTIVE"), ("bob", "CREATED"))],
        [users(("ann", "READY"), ("bob", "CREATED"))],
    ),
    "stateful.status-lifecycle": (
        [users(("ann", "ACTIVE"), ("bob", "CREATED"))],
        [users(("ann", "ACTIVE"), ("bob", "ACTIVE"))],
    ),
    "stateful.status-reaches-active": (
        [users(("ann", "UPDATING")), users(("ann", "ACTIVE"))],
        [users(("ann", "UPDATING")) for _ in range(6)],
    ),
    "stateful.deleted-face-gone": (
        [delete_faces(F2, deleted=True), faces((F1, "ann"))],
        [delete_faces(F2, deleted=True), faces((F1, "ann"), (F2, None))],
    ),
    "stateful.face-count": (
        [delete_faces(F2, deleted=True), faces((F1, "ann")), describe(1)],
        [delete_faces(F2, deleted=True), faces((F1, "ann")), describe(2)],
    ),
    "stateful.user-count": (
        [users(("ann", "ACTIVE"), ("bob", "CREATED")), describe(2, user_count=2)],
        [users(("ann", "ACTIVE"), ("bob", "CREATED")), describe(2, user_count=3)],
    ),
    "stateful.created-listed": (
        [faces((F1, "ann"), (F2, None)), users(("ann", "ACTIVE"), ("bob", "CREATED"))],
        [faces((F1, "ann")), users(("ann", "ACTIVE"))],
    ),
    "stateful.indexed-face-searchable": (
        [search_face(F2)],
        [refused_search(F2)],
    ),
    "stateful.associated-user-not-created": (
        [faces((F1, "ann"), (F2, None)), users(("ann", "ACTIVE"), ("bob", "CREATED"))],
        [faces((F1, "ann"), (F2, None)), users(("ann", "CREATED"), ("bob", "CREATED"))],
    ),
}


def verdict(rule_id: str, log: list[Exchange]) -> Status:
    """Judge `log` in list order (CASES were built before the set-up they follow)."""
    (rule,) = [r for r in catalog() if r.id == rule_id]
    ordered = [dataclasses.replace(e, index=i) for i, e in enumerate(log, start=1)]
    return judge(Evidence(ordered), [rule])[0].status


def test_every_stateful_rule_has_a_case() -> None:
    assert {r.id for r in catalog() if r.family == "stateful"} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_on_correct_log(rule_id: str) -> None:
    assert verdict(rule_id, setup() + CASES[rule_id][0]) is Status.PASS


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_broken_log(rule_id: str) -> None:
    assert verdict(rule_id, setup() + CASES[rule_id][1]) is Status.FAIL


def test_recreated_user_may_be_listed_again() -> None:
    log = [
        ex("DeleteUser", {"UserId": "bob"}),
        ex("CreateUser", {"UserId": "bob"}),
        users(("bob", "CREATED")),
    ]
    assert verdict("stateful.deleted-user-gone", setup() + log) is Status.NOT_VERIFIED


def test_updating_match_after_disassociation_is_tolerated() -> None:
    log = [
        disassociate("ann", F1, status="UPDATING"),
        search_face(F2, match("ann", 5.0, "UPDATING")),
    ]
    assert verdict("stateful.faceless-user-never-matches", setup() + log) is Status.PASS


def test_server_error_on_a_write_makes_the_model_forget() -> None:
    log = [
        ex("DeleteUser", {"UserId": "ann"}, "InternalServerError", 500),
        search_face(F1, match("ann")),
    ]
    assert verdict("stateful.deleted-user-gone", setup() + log) is Status.NOT_VERIFIED


def test_unsettled_user_is_not_judged_for_listing() -> None:
    log = [associate("bob", F2), users(("bob", "UPDATING")), faces((F1, "ann"), (F2, None))]
    log[0] = ex(
        "AssociateFaces",
        {"UserId": "bob", "FaceIds": [F2]},
        {
            "AssociatedFaces": [{"FaceId": F2}],
            "UnsuccessfulFaceAssociations": [],
            "UserStatus": "UPDATING",
        },
    )
    assert verdict("stateful.association-listed", setup() + log) is Status.PASS  # F1 judged, F2 not


def test_a_stale_read_that_settles_is_no_violation() -> None:
    """Eventual consistency: the run read again until the deletion showed; the last read counts."""
    log = [ex("DeleteUser", {"UserId": "ann"}), search_face(F1, match("ann")), search_face(F1)]
    (rule,) = [r for r in catalog() if r.id == "stateful.deleted-user-gone"]
    ordered = [dataclasses.replace(e, index=i) for i, e in enumerate(setup() + log, start=1)]
    (result,) = judge(Evidence(ordered), [rule])
    assert result.status is Status.PASS
    assert result.settled == "settled after 1 poll"  # no timestamps in this log


def test_a_read_still_stale_after_the_wait_is_a_violation_that_says_so() -> None:
    stale = [search_face(F1, match("ann")) for _ in range(3)]
    log = [ex("DeleteUser", {"UserId": "ann"}), *stale]
    (rule,) = [r for r in catalog() if r.id == "stateful.deleted-user-gone"]
    ordered = [dataclasses.replace(e, index=i) for i, e in enumerate(setup() + log, start=1)]
    (result,) = judge(Evidence(ordered), [rule])
    assert result.status is Status.FAIL
    assert len(result.violations) == 1  # the polls are not judged, the last read is
    assert result.violations[0].message.endswith("(still stale after 2 polls)")


def test_a_write_between_two_reads_means_no_wait() -> None:
    """A read repeated after another write is a new question: both are judged."""
    log = [
        ex("DeleteUser", {"UserId": "ann"}),
        search_face(F1, match("ann")),
        ex("CreateUser", {"UserId": "cid"}),
        search_face(F1),
    ]
    assert verdict("stateful.deleted-user-gone", setup() + log) is Status.FAIL


def test_an_absent_user_status_is_not_judged() -> None:
    """The model requires no member of these answers: a listed user without a UserStatus
    reports no status, neither one outside the enum nor one short of ACTIVE."""
    bare = ex("ListUsers", {}, {"Users": [{"UserId": "ann"}, {"UserId": "bob"}]})
    for rule_id in ("stateful.user-status-valid", "stateful.status-reaches-active"):
        assert verdict(rule_id, [*setup(), bare]) is not Status.FAIL, rule_id
    listed_null = ex("ListUsers", {}, {"Users": [{"UserId": "ann", "UserStatus": None}]})
    assert verdict("stateful.user-status-valid", [*setup(), listed_null]) is not Status.FAIL
    empty = ex("ListUsers", {}, {"Users": [{"UserId": "ann", "UserStatus": ""}]})
    assert verdict("stateful.user-status-valid", [*setup(), empty]) is Status.FAIL
