"""Collections and faces over real HTTP with unmodified boto3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.reference import faces

from .conftest import error_code


def test_collection_lifecycle(client: Any) -> None:
    created = client.create_collection(CollectionId="life.cycle-1")
    assert created["StatusCode"] == 200
    assert created["CollectionArn"].endswith("collection/life.cycle-1")
    described = client.describe_collection(CollectionId="life.cycle-1")
    assert described["FaceCount"] == 0 and described["UserCount"] == 0
    assert described["FaceModelVersion"] == created["FaceModelVersion"] == "7.0"
    with pytest.raises(ClientError) as exc:
        client.create_collection(CollectionId="life.cycle-1")
    assert error_code(exc) == "ResourceAlreadyExistsException"
    assert client.delete_collection(CollectionId="life.cycle-1")["StatusCode"] == 200
    with pytest.raises(ClientError) as exc:
        client.describe_collection(CollectionId="life.cycle-1")
    assert error_code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        client.delete_collection(CollectionId="life.cycle-1")
    assert error_code(exc) == "ResourceNotFoundException"


def test_list_collections_paginates_in_order(client: Any) -> None:
    names = [f"listing-{i:02d}" for i in range(5)]
    for name in reversed(names):
        client.create_collection(CollectionId=name)
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 2}
    while True:
        page = client.list_collections(**kwargs)
        assert len(page["CollectionIds"]) <= 2
        assert len(page["FaceModelVersions"]) == len(page["CollectionIds"])
        seen.extend(page["CollectionIds"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert [n for n in seen if n.startswith("listing-")] == names
    assert seen == sorted(seen)


def test_bad_collection_id_pattern(raw_client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        raw_client.create_collection(CollectionId="has space")
    assert error_code(exc) == "InvalidParameterException"
    assert "regular expression" in exc.value.response["Error"]["Message"]


def test_index_faces_returns_face_records(client: Any, collection: str) -> None:
    result = client.index_faces(
        CollectionId=collection,
        Image={"Bytes": faces.person_image(1)},
        ExternalImageId="photo:1",
        MaxFaces=1,
        QualityFilter="AUTO",
        DetectionAttributes=["DEFAULT"],
    )
    assert result["FaceModelVersion"] == "7.0"
    assert result["UnindexedFaces"] == []
    face = result["FaceRecords"][0]["Face"]
    assert face["FaceId"] == face["FaceId"].lower() and len(face["FaceId"]) == 36
    assert face["ExternalImageId"] == "photo:1"
    assert face["IndexFacesModelVersion"] == "7.0"
    assert 0 < face["Confidence"] <= 100
    assert set(face["BoundingBox"]) == {"Width", "Height", "Left", "Top"}
    assert client.describe_collection(CollectionId=collection)["FaceCount"] == 1


def test_blank_image_is_unindexed(client: Any, collection: str) -> None:
    result = client.index_faces(CollectionId=collection, Image={"Bytes": faces.blank_image()})
    assert result["FaceRecords"] == []
    assert len(result["UnindexedFaces"]) == 1
    assert result["UnindexedFaces"][0]["Reasons"]
    assert client.describe_collection(CollectionId=collection)["FaceCount"] == 0


@pytest.mark.parametrize(
    ("image", "code"),
    [
        ({"Bytes": b"not an image"}, "InvalidImageFormatException"),
        ({"Bytes": b"\x89PNG" + b"\x00" * (5 * 1024 * 1024)}, "ImageTooLargeException"),
        ({"S3Object": {"Bucket": "bucket", "Name": "face.png"}}, "InvalidS3ObjectException"),
    ],
)
def test_image_errors(raw_client: Any, collection: str, image: Any, code: str) -> None:
    with pytest.raises(ClientError) as exc:
        raw_client.index_faces(CollectionId=collection, Image=image)
    assert error_code(exc) == code
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_index_faces_unknown_collection(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.index_faces(CollectionId="nope-nope", Image={"Bytes": faces.person_image(1)})
    assert error_code(exc) == "ResourceNotFoundException"


def test_list_faces_paginates_and_filters(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    ids = [index(faces.person_image(100 + i)) for i in range(5)]
    seen: list[str] = []
    kwargs: dict[str, Any] = {"CollectionId": collection, "MaxResults": 2}
    while True:
        page = client.list_faces(**kwargs)
        assert page["FaceModelVersion"] == "7.0"
        assert len(page["Faces"]) <= 2
        seen.extend(face["FaceId"] for face in page["Faces"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == sorted(ids)
    only = client.list_faces(CollectionId=collection, FaceIds=ids[:2])["Faces"]
    assert {face["FaceId"] for face in only} == set(ids[:2])
    client.create_user(CollectionId=collection, UserId="owner")
    client.associate_faces(CollectionId=collection, UserId="owner", FaceIds=[ids[3]])
    owned = client.list_faces(CollectionId=collection, UserId="owner")["Faces"]
    assert [(face["FaceId"], face["UserId"]) for face in owned] == [(ids[3], "owner")]


def test_list_faces_bad_token(client: Any, collection: str) -> None:
    with pytest.raises(ClientError) as exc:
        client.list_faces(CollectionId=collection, NextToken="garbage!")
    assert error_code(exc) == "InvalidPaginationTokenException"


def test_token_from_another_listing_is_rejected(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    for seed in range(3):
        index(faces.person_image(seed + 200))
    token = client.list_faces(CollectionId=collection, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as exc:
        client.list_users(CollectionId=collection, NextToken=token)
    assert error_code(exc) == "InvalidPaginationTokenException"


def test_delete_faces_refuses_associated_and_unknown(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    free, owned = index(faces.person_image(1)), index(faces.person_image(2))
    missing = "00000000-0000-0000-0000-000000000000"
    client.create_user(CollectionId=collection, UserId="keeper")
    client.associate_faces(CollectionId=collection, UserId="keeper", FaceIds=[owned])
    result = client.delete_faces(CollectionId=collection, FaceIds=[free, owned, missing])
    assert result["DeletedFaces"] == [free]
    failures = {f["FaceId"]: f for f in result["UnsuccessfulFaceDeletions"]}
    assert failures[owned]["Reasons"] == ["ASSOCIATED_TO_AN_EXISTING_USER"]
    assert failures[owned]["UserId"] == "keeper"
    assert failures[missing]["Reasons"] == ["FACE_NOT_FOUND"]
    assert client.describe_collection(CollectionId=collection)["FaceCount"] == 1
