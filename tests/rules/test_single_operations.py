"""Single checks judge only the operations they were written for."""

from __future__ import annotations

from conformance.rules.single import check_answer, check_search_users

IMAGE_REQUEST = {"CollectionId": "c1", "Image": {"Bytes": b"\x89PNG not really"}}


def test_a_search_users_check_does_not_judge_another_operation() -> None:
    """The same answer shape: reordered matches fail SearchUsers' rules, while a request with
    neither UserId nor FaceId is what SearchUsersByImage always sends, so no SearchUsers-only
    rule may judge it."""
    answer = {
        "UserMatches": [
            {"Similarity": 81.0, "User": {"UserId": "a", "UserStatus": "ACTIVE"}},
            {"Similarity": 99.0, "User": {"UserId": "b", "UserStatus": "ACTIVE"}},
        ],
        "FaceModelVersion": "7.0",
    }
    as_search = check_search_users({"CollectionId": "c1", "UserId": "u"}, answer)
    assert any(f.rule_id == "results.order" for f in as_search)
    as_other = check_answer("ListUsers", {"CollectionId": "c1"}, answer)
    assert as_other == []
    image = [f.rule_id for f in check_answer("SearchUsersByImage", IMAGE_REQUEST, answer)]
    assert "validation.requires-an-id" not in image
