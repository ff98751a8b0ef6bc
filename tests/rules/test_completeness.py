from __future__ import annotations

from conformance.exchange import Exchange

from .conftest import FACE_A, UNKNOWN_FACE, discovery, search, verdict

RULE = "results.complete-at-zero"
ZERO = {"UserMatchThreshold": 0, "MaxUsers": 100}


def test_every_other_user_with_a_face_comes_back(world: list[Exchange]) -> None:
    answer = search({"UserId": "alice", **ZERO}, matches=[("bob", 40.0), ("carol", 3.5)])
    assert verdict(RULE, [*world, answer]) == "pass"


def test_a_result_cut_short_is_caught(world: list[Exchange]) -> None:
    answer = search({"UserId": "alice", **ZERO}, matches=[("bob", 40.0)])
    assert verdict(RULE, [*world, answer]) == "fail"


def test_a_full_result_is_not_cut_short(world: list[Exchange]) -> None:
    answer = search(
        {"FaceId": FACE_A, "UserMatchThreshold": 0, "MaxUsers": 2},
        matches=[("alice", 100.0), ("bob", 40.0)],
    )
    assert verdict(RULE, [*world, answer]) == "pass"


def test_nothing_is_judged_without_threshold_zero_and_explicit_max_users(
    world: list[Exchange],
) -> None:
    default_threshold = search({"UserId": "alice", "MaxUsers": 100}, matches=[("bob", 90.0)])
    default_max = search({"UserId": "alice", "UserMatchThreshold": 0}, matches=[("bob", 90.0)])
    assert verdict(RULE, [*world, default_threshold, default_max]) == "none"


def test_users_without_faces_and_unknown_faces_are_left_to_other_rules(
    world: list[Exchange],
) -> None:
    faceless = search({"UserId": "empty", **ZERO})
    unknown = search({"FaceId": UNKNOWN_FACE, **ZERO})
    assert verdict(RULE, [*world, faceless, unknown]) == "none"


def test_nothing_is_judged_without_a_complete_listing() -> None:
    answer = search({"UserId": "alice", **ZERO}, matches=[("bob", 40.0)])
    assert verdict(RULE, [*discovery()[:2], answer]) == "none"
