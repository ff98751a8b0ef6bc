"""Users: status transitions, associations, idempotency, listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.reference import faces

from .conftest import error_code

MISSING_FACE = "00000000-0000-0000-0000-000000000000"


def _status(client: Any, collection: str, user_id: str) -> str:
    users = client.list_users(CollectionId=collection)["Users"]
    return str({u["UserId"]: u["UserStatus"] for u in users}[user_id])


def test_status_created_then_active_then_created(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    client.create_user(CollectionId=collection, UserId="u1")
    assert _status(client, collection, "u1") == "CREATED"
    face = index(faces.person_image(1))
    result = client.associate_faces(CollectionId=collection, UserId="u1", FaceIds=[face])
    assert result["AssociatedFaces"] == [{"FaceId": face}]
    assert result["UserStatus"] == "ACTIVE"
    assert _status(client, collection, "u1") == "ACTIVE"
    result = client.disassociate_faces(CollectionId=collection, UserId="u1", FaceIds=[face])
    assert result["DisassociatedFaces"] == [{"FaceId": face}]
    assert result["UserStatus"] == "CREATED"


def test_create_user_conflict_and_unknown_collection(client: Any, collection: str) -> None:
    client.create_user(CollectionId=collection, UserId="dup")
    with pytest.raises(ClientError) as exc:
        client.create_user(CollectionId=collection, UserId="dup")
    assert error_code(exc) == "ConflictException"
    with pytest.raises(ClientError) as exc:
        client.create_user(CollectionId="no-such-collection", UserId="x")
    assert error_code(exc) == "ResourceNotFoundException"


def test_delete_user_disassociates_faces(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    face = index(faces.person_image(3))
    client.create_user(CollectionId=collection, UserId="gone")
    client.associate_faces(CollectionId=collection, UserId="gone", FaceIds=[face])
    client.delete_user(CollectionId=collection, UserId="gone")
    listed = client.list_faces(CollectionId=collection)["Faces"]
    assert listed[0]["FaceId"] == face and "UserId" not in listed[0]
    assert client.delete_faces(CollectionId=collection, FaceIds=[face])["DeletedFaces"] == [face]
    with pytest.raises(ClientError) as exc:
        client.delete_user(CollectionId=collection, UserId="gone")
    assert error_code(exc) == "ResourceNotFoundException"


def test_associate_reports_each_failure_reason(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    mine = index(faces.person_image(1))
    similar = index(faces.person_image(1, variant=0.1))
    stranger = index(faces.person_image(2))
    taken = index(faces.person_image(1, variant=0.05, salt=3))
    client.create_user(CollectionId=collection, UserId="a")
    client.create_user(CollectionId=collection, UserId="b")
    client.associate_faces(CollectionId=collection, UserId="b", FaceIds=[taken])
    first = client.associate_faces(CollectionId=collection, UserId="a", FaceIds=[mine])
    assert first["AssociatedFaces"] == [{"FaceId": mine}]
    result = client.associate_faces(
        CollectionId=collection,
        UserId="a",
        FaceIds=[mine, similar, stranger, taken, MISSING_FACE],
    )
    assert result["AssociatedFaces"] == [{"FaceId": similar}]  # `mine` is silently ignored
    reasons = {f["FaceId"]: f["Reasons"] for f in result["UnsuccessfulFaceAssociations"]}
    assert reasons == {
        stranger: ["LOW_MATCH_CONFIDENCE"],
        taken: ["ASSOCIATED_TO_A_DIFFERENT_USER"],
        MISSING_FACE: ["FACE_NOT_FOUND"],
    }
    low = next(f for f in result["UnsuccessfulFaceAssociations"] if f["FaceId"] == stranger)
    assert low["Confidence"] < 75
    assert result["UserStatus"] == "ACTIVE"


def test_associate_threshold_is_respected(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    anchor = index(faces.person_image(5))
    at_70 = index(faces.image_with_similarity(5, 70.0))
    client.create_user(CollectionId=collection, UserId="t")
    client.associate_faces(CollectionId=collection, UserId="t", FaceIds=[anchor])
    refused = client.associate_faces(CollectionId=collection, UserId="t", FaceIds=[at_70])
    assert refused["AssociatedFaces"] == []  # default threshold 75
    accepted = client.associate_faces(
        CollectionId=collection, UserId="t", FaceIds=[at_70], UserMatchThreshold=65
    )
    assert accepted["AssociatedFaces"] == [{"FaceId": at_70}]


def test_disassociate_failure_reasons(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    other = index(faces.person_image(8))
    client.create_user(CollectionId=collection, UserId="x")
    client.create_user(CollectionId=collection, UserId="y")
    client.associate_faces(CollectionId=collection, UserId="y", FaceIds=[other])
    result = client.disassociate_faces(
        CollectionId=collection, UserId="x", FaceIds=[other, MISSING_FACE]
    )
    assert result["DisassociatedFaces"] == []
    reasons = {f["FaceId"]: f["Reasons"] for f in result["UnsuccessfulFaceDisassociations"]}
    assert reasons == {
        other: ["ASSOCIATED_TO_A_DIFFERENT_USER"],
        MISSING_FACE: ["FACE_NOT_FOUND"],
    }


def test_associate_to_unknown_user(client: Any, collection: str) -> None:
    with pytest.raises(ClientError) as exc:
        client.associate_faces(CollectionId=collection, UserId="ghost", FaceIds=[MISSING_FACE])
    assert error_code(exc) == "ResourceNotFoundException"


def test_face_id_count_limits(raw_client: Any, collection: str) -> None:
    raw_client.create_user(CollectionId=collection, UserId="lim")
    for face_ids in ([], [MISSING_FACE] * 101):
        with pytest.raises(ClientError) as exc:
            raw_client.associate_faces(CollectionId=collection, UserId="lim", FaceIds=face_ids)
        assert error_code(exc) == "InvalidParameterException"


def test_at_most_100_faces_per_user(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    image = faces.person_image(12)
    face_ids = [index(image) for _ in range(101)]
    client.create_user(CollectionId=collection, UserId="full")
    result = client.associate_faces(CollectionId=collection, UserId="full", FaceIds=face_ids[:100])
    assert len(result["AssociatedFaces"]) == 100
    with pytest.raises(ClientError) as exc:
        client.associate_faces(CollectionId=collection, UserId="full", FaceIds=face_ids[100:])
    assert error_code(exc) == "ServiceQuotaExceededException"


def test_create_user_idempotency(client: Any, collection: str) -> None:
    client.create_user(CollectionId=collection, UserId="idem", ClientRequestToken="tok-1")
    # same token, same parameters: the first result is replayed, no ConflictException
    client.create_user(CollectionId=collection, UserId="idem", ClientRequestToken="tok-1")
    with pytest.raises(ClientError) as exc:
        client.create_user(CollectionId=collection, UserId="other", ClientRequestToken="tok-1")
    assert error_code(exc) == "IdempotentParameterMismatchException"
    users = [u["UserId"] for u in client.list_users(CollectionId=collection)["Users"]]
    assert users == ["idem"]


def test_delete_user_idempotency(client: Any, collection: str) -> None:
    client.create_user(CollectionId=collection, UserId="del")
    client.delete_user(CollectionId=collection, UserId="del", ClientRequestToken="d-1")
    client.delete_user(CollectionId=collection, UserId="del", ClientRequestToken="d-1")
    with pytest.raises(ClientError) as exc:
        client.delete_user(CollectionId=collection, UserId="del", ClientRequestToken="d-2")
    assert error_code(exc) == "ResourceNotFoundException"


def test_associate_idempotency_replays_result(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    face = index(faces.person_image(4))
    client.create_user(CollectionId=collection, UserId="rep")
    kwargs = {"CollectionId": collection, "UserId": "rep", "FaceIds": [face]}
    first = client.associate_faces(ClientRequestToken="a-1", **kwargs)
    again = client.associate_faces(ClientRequestToken="a-1", **kwargs)
    assert again["AssociatedFaces"] == first["AssociatedFaces"] == [{"FaceId": face}]
    with pytest.raises(ClientError) as exc:
        client.associate_faces(ClientRequestToken="a-1", **{**kwargs, "UserMatchThreshold": 10})
    assert error_code(exc) == "IdempotentParameterMismatchException"
    client.disassociate_faces(ClientRequestToken="x-1", **kwargs)
    with pytest.raises(ClientError) as exc:
        client.disassociate_faces(ClientRequestToken="x-1", **{**kwargs, "FaceIds": [MISSING_FACE]})
    assert error_code(exc) == "IdempotentParameterMismatchException"


def test_list_users_sorted_and_paginated(client: Any, collection: str) -> None:
    names = ["zed", "amy", "mo", "bea", "kai"]
    for name in names:
        client.create_user(CollectionId=collection, UserId=name)
    seen: list[str] = []
    kwargs: dict[str, Any] = {"CollectionId": collection, "MaxResults": 2}
    while True:
        page = client.list_users(**kwargs)
        assert len(page["Users"]) <= 2
        seen.extend(u["UserId"] for u in page["Users"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == sorted(names)
    with pytest.raises(ClientError) as exc:
        client.list_users(CollectionId=collection, NextToken="bm9wZQ")
    assert error_code(exc) == "InvalidPaginationTokenException"
