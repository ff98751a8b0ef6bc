"""The corners where a correct implementation could be falsely accused, or a broken one missed."""

from __future__ import annotations

import numpy as np

from conformance.exchange import FRONT_END_BODY_LIMIT, Exchange
from tests.rules.conftest import (
    COLLECTION,
    FACE_A,
    FACE_LOOSE,
    JSON_HEADERS,
    discovery,
    error,
    exchange,
    findings,
    missing_collection,
    search,
    verdict,
)


def f32(value: float) -> float:
    return float(np.float32(value))


def test_threshold_allows_float32_rounding_below_the_requested_value() -> None:
    assert f32(80.1) < 80.1
    answer = search({"UserMatchThreshold": 80.1}, matches=[("bob", f32(80.1))])
    assert verdict("results.threshold", [answer]) == "pass"


def test_default_threshold_is_80() -> None:
    assert verdict("results.threshold", [search(matches=[("bob", 80.0)])]) == "pass"
    assert verdict("results.threshold", [search(matches=[("bob", 79.99)])]) == "fail"


def test_max_users_default_is_not_judged_below_500() -> None:
    many = [(f"u{i}", 90.0) for i in range(500)]
    assert verdict("results.max-users", [search(matches=many)]) == "pass"
    assert verdict("results.max-users", [search(matches=[*many, ("x", 90.0)])]) == "fail"


def test_prefix_allows_ties_at_the_cut() -> None:
    log = [
        search({"MaxUsers": 1}, matches=[("carol", 90.0)]),
        search({"MaxUsers": 3}, matches=[("bob", 90.0), ("carol", 90.0), ("dan", 50.0)]),
    ]
    assert verdict("metamorphic.max-users-prefix", log) == "pass"


def test_prefix_catches_a_short_result() -> None:
    log = [
        search({"MaxUsers": 1}, matches=[]),
        search({"MaxUsers": 3}, matches=[("bob", 90.0)]),
    ]
    assert verdict("metamorphic.max-users-prefix", log) == "fail"


def test_prefix_needs_the_same_threshold() -> None:
    log = [
        search({"MaxUsers": 1, "UserMatchThreshold": 95}, matches=[]),
        search({"MaxUsers": 3}, matches=[("bob", 90.0)]),
    ]
    assert verdict("metamorphic.max-users-prefix", log) == "none"


def test_threshold_filter_leaves_a_score_equal_to_t2_open() -> None:
    low = [("bob", 90.0), ("carol", 70.0)]
    for kept in ([("bob", 90.0)], low):
        log = [
            search({"UserMatchThreshold": 50, "MaxUsers": 10}, matches=low),
            search({"UserMatchThreshold": 70, "MaxUsers": 10}, matches=kept),
        ]
        assert verdict("metamorphic.threshold-filter", log) == "pass"


def test_threshold_filter_skips_a_truncated_low_result() -> None:
    log = [
        search({"UserMatchThreshold": 50, "MaxUsers": 1}, matches=[("bob", 90.0)]),
        search({"UserMatchThreshold": 70, "MaxUsers": 1}, matches=[("carol", 80.0)]),
    ]
    assert verdict("metamorphic.threshold-filter", log) == "none"


def test_threshold_filter_catches_a_user_appearing_at_the_higher_threshold() -> None:
    log = [
        search({"UserMatchThreshold": 50, "MaxUsers": 10}, matches=[("bob", 90.0)]),
        search({"UserMatchThreshold": 70, "MaxUsers": 10}, matches=[("bob", 90.0), ("dan", 75.0)]),
    ]
    assert verdict("metamorphic.threshold-filter", log) == "fail"


def test_a_mutation_separates_epochs() -> None:
    def delete() -> Exchange:
        return exchange("DeleteUser", {"CollectionId": "people", "UserId": "bob"}, body={})

    log = [*discovery(), delete(), search(matches=[("ghost", 90.0)])]
    assert verdict("consistency.matches-listed", log) == "none"
    log = [search(matches=[("bob", 90.0)]), delete(), search(matches=[])]
    assert verdict("metamorphic.deterministic", log) == "none"


def test_throttled_searches_are_not_judged() -> None:
    throttled = search(**error("ThrottlingException"))
    assert verdict("errors.status", [throttled]) == "none"
    assert verdict("validation.accepts-valid", [*discovery(), throttled]) == "none"


def test_status_may_leave_updating_between_reads() -> None:
    log = [*discovery(users={"bob": "UPDATING"}), search(matches=[("bob", 90.0, "ACTIVE")])]
    assert verdict("consistency.status", log) == "pass"


def test_boundary_ids_are_judged_through_an_unknown_collection() -> None:
    name = "a._-" * 63 + "xyz"
    assert len(name) == 255
    user = "A:b.c-d_e" + "z" * 119
    assert len(user) == 128
    log = [
        missing_collection(name),
        search({"CollectionId": name, "UserId": user}, **error("ResourceNotFoundException")),
        search({"CollectionId": name, "UserId": user + "z"}, **error("InvalidParameterException")),
    ]
    found = findings("errors.unknown-collection", log)
    assert [f.passed for f in found] == [True]


def test_user_without_faces_is_not_required_to_be_searchable() -> None:
    log = [*discovery(), search({"UserId": "empty"}, **error("InvalidParameterException"))]
    assert verdict("validation.accepts-valid", log) == "none"
    assert verdict("errors.unknown-user", log) == "none"


def test_an_unassociated_face_must_be_searchable() -> None:
    log = [*discovery(), search({"FaceId": FACE_LOOSE}, **error("InvalidParameterException"))]
    assert verdict("validation.accepts-valid", log) == "fail"


def test_a_full_result_excuses_the_missing_owner() -> None:
    query = {"FaceId": FACE_A, "UserMatchThreshold": 0, "MaxUsers": 1}
    assert (
        verdict(
            "metamorphic.face-finds-owner", [*discovery(), search(query, matches=[("bob", 99.0)])]
        )
        == "none"
    )


def test_a_paginated_listing_counts_only_once_complete() -> None:
    first = exchange(
        "ListUsers",
        {"CollectionId": "people"},
        body={"Users": [{"UserId": "bob"}], "NextToken": "t"},
    )
    log: list[Exchange] = [first, search({"UserId": "carol"}, matches=[])]
    assert verdict("errors.unknown-user", log) == "none"


def test_search_in_both_ids_is_left_open() -> None:
    both = search({"UserId": "alice", "FaceId": FACE_A}, body={"UserMatches": []})
    for rule_id in (
        "validation.requires-an-id",
        "validation.rejects-invalid",
        "echo.searched-user",
    ):
        assert verdict(rule_id, [both]) == "none"


def test_unsettled_collections_are_not_compared() -> None:
    log = [
        *discovery(users={"alice": "ACTIVE", "bob": "UPDATING"}),
        search(matches=[("bob", 90.0, "UPDATING")]),
        search(matches=[]),
    ]
    assert verdict("metamorphic.deterministic", log) == "none"


def test_a_float_max_users_is_neither_valid_nor_invalid() -> None:
    log = [*discovery(), search({"MaxUsers": 5.0}, **error("SerializationException"))]
    assert verdict("validation.accepts-valid", log) == "none"
    assert verdict("validation.rejects-invalid", log) == "none"


def test_a_known_operation_without_its_header_is_not_unknown() -> None:
    listed = exchange("ListUsers", {"CollectionId": "people"}, body={"Users": []}, target=None)
    assert verdict("protocol.unknown-operation", [listed]) == "none"


def test_an_error_type_in_the_header_alone_is_not_what_boto3_reads() -> None:
    headers = {**JSON_HEADERS, "x-amzn-errortype": "InvalidParameterException:http://internal"}
    answer = search(status=400, body={"message": "Request has invalid parameters"}, headers=headers)
    assert verdict("errors.body", [answer]) == "fail"
    assert verdict("errors.error-type", [answer]) == "fail"
    assert verdict("sdk.error-code", [answer]) == "fail"


def test_a_header_repeating_the_body_type_is_fine() -> None:
    headers = {**JSON_HEADERS, "x-amzn-errortype": "InvalidParameterException:http://internal"}
    body = {"__type": "InvalidParameterException", "message": "Request has invalid parameters"}
    answer = search(status=400, body=body, headers=headers)
    assert verdict("errors.body", [answer]) == "pass"
    assert verdict("sdk.error-code", [answer]) == "pass"


def test_a_bare_413_to_an_oversized_body_is_a_front_end_not_the_implementation() -> None:
    """A front end refusing an image over 5 MB by size says nothing about the service behind
    it: no rule judges it. The same bare 413 to an ordinary request is judged like any answer."""
    text_413 = {"Content-Type": "text/plain"}
    oversized = exchange(
        "SearchUsersByImage",
        {"CollectionId": COLLECTION, "Image": {"Bytes": "A" * (FRONT_END_BODY_LIMIT + 4)}},
        status=413,
        body=b"HTTP content length exceeded 5242880 bytes.",
        headers=text_413,
    )
    assert oversized.cut_off
    judged_by = ("response.json-body", "response.content-type", "errors.error-type")
    for rule_id in (*judged_by, "image.too-large", "response.request-id"):
        assert verdict(rule_id, [*discovery(), oversized]) == "none", rule_id
    ordinary = exchange(
        "SearchUsers",
        {"CollectionId": COLLECTION, "UserId": "bob"},
        status=413,
        body=b"Payload Too Large",
        headers=text_413,
    )
    assert not ordinary.cut_off
    for rule_id in judged_by:
        assert verdict(rule_id, [*discovery(), ordinary]) == "fail", rule_id
