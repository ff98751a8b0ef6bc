"""SearchUsers and SearchUsersByImage: thresholds, order, ties, limits and error cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from botocore.exceptions import ClientError

from conformance.reference import faces

from .conftest import error_code

MISSING_FACE = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def threshold_world(
    client: Any, collection: str, index: Callable[[bytes], str], user_with: Callable[..., str]
) -> dict[str, str]:
    """Users placed just above, exactly around and below 80 relative to person 21."""
    user_with("above", faces.image_with_similarity(21, 80.6))
    user_with("below", faces.image_with_similarity(21, 79.4))
    user_with("high", faces.image_with_similarity(21, 95.0))
    user_with("stranger", faces.person_image(22))
    client.create_user(CollectionId=collection, UserId="empty")  # no faces: never matches
    query = index(faces.person_image(21))
    return {"query": query}


def _ids(result: dict[str, Any]) -> list[str]:
    return [m["User"]["UserId"] for m in result["UserMatches"]]


def test_default_threshold_80_and_order(
    client: Any, collection: str, threshold_world: dict[str, str]
) -> None:
    result = client.search_users(CollectionId=collection, FaceId=threshold_world["query"])
    assert _ids(result) == ["high", "above"]
    sims = [m["Similarity"] for m in result["UserMatches"]]
    assert sims == sorted(sims, reverse=True)
    assert all(float(np.float32(s)) == s for s in sims)
    assert result["SearchedFace"] == {"FaceId": threshold_world["query"]}
    assert "SearchedUser" not in result
    assert result["FaceModelVersion"] == "7.0"
    assert all(m["User"]["UserStatus"] == "ACTIVE" for m in result["UserMatches"])


def test_explicit_threshold_and_max_users(
    client: Any, collection: str, threshold_world: dict[str, str]
) -> None:
    low = client.search_users(
        CollectionId=collection, FaceId=threshold_world["query"], UserMatchThreshold=50
    )
    assert _ids(low) == ["high", "above", "below"]
    top = client.search_users(
        CollectionId=collection, FaceId=threshold_world["query"], UserMatchThreshold=0, MaxUsers=2
    )
    assert _ids(top) == ["high", "above"]
    everyone = client.search_users(
        CollectionId=collection, FaceId=threshold_world["query"], UserMatchThreshold=0
    )
    assert "empty" not in _ids(everyone)
    assert set(_ids(everyone)) == {"high", "above", "below", "stranger"}


def test_threshold_is_inclusive(
    client: Any, collection: str, threshold_world: dict[str, str]
) -> None:
    result = client.search_users(
        CollectionId=collection, FaceId=threshold_world["query"], UserMatchThreshold=0
    )
    exact = next(m["Similarity"] for m in result["UserMatches"] if m["User"]["UserId"] == "above")
    at = client.search_users(
        CollectionId=collection, FaceId=threshold_world["query"], UserMatchThreshold=exact
    )
    assert "above" in _ids(at)
    past = client.search_users(
        CollectionId=collection,
        FaceId=threshold_world["query"],
        UserMatchThreshold=float(np.nextafter(exact, 101.0)),
    )
    assert "above" not in _ids(past)


def test_ties_are_ordered_by_user_id(
    client: Any, collection: str, index: Callable[[bytes], str], user_with: Callable[..., str]
) -> None:
    copies = faces.tied_images(faces.image_with_similarity(31, 90.0), count=3)
    for user_id, image in zip(["tie-c", "tie-a", "tie-b"], copies, strict=True):
        user_with(user_id, image)
    query = index(faces.person_image(31))
    result = client.search_users(CollectionId=collection, FaceId=query)
    assert _ids(result) == ["tie-a", "tie-b", "tie-c"]
    assert len({m["Similarity"] for m in result["UserMatches"]}) == 1
    limited = client.search_users(CollectionId=collection, FaceId=query, MaxUsers=1)
    assert _ids(limited) == ["tie-a"]


def test_search_by_user_excludes_itself_and_uses_all_its_faces(
    client: Any, collection: str, user_with: Callable[..., str]
) -> None:
    user_with("me", faces.person_image(41), faces.person_image(42))
    user_with("twin-of-first", faces.person_image(41, variant=0.05))
    user_with("twin-of-second", faces.person_image(42, variant=0.05))
    user_with("nobody-like-me", faces.person_image(43))
    result = client.search_users(CollectionId=collection, UserId="me")
    assert result["SearchedUser"] == {"UserId": "me"}
    assert "SearchedFace" not in result
    assert set(_ids(result)) == {"twin-of-first", "twin-of-second"}


def test_user_similarity_is_max_over_its_faces(
    client: Any, collection: str, index: Callable[[bytes], str], user_with: Callable[..., str]
) -> None:
    strong, weak = faces.image_with_similarity(51, 92.0), faces.image_with_similarity(51, 30.0)
    user_with("mixed", weak, strong)
    query = index(faces.person_image(51))
    match = client.search_users(CollectionId=collection, FaceId=query)["UserMatches"][0]
    assert match["Similarity"] == faces.similarity_between(faces.person_image(51), strong)


def test_face_of_a_user_finds_that_user(
    client: Any, collection: str, user_with: Callable[..., str]
) -> None:
    user_with("owner", faces.person_image(61))
    face_id = client.list_faces(CollectionId=collection, UserId="owner")["Faces"][0]["FaceId"]
    assert _ids(client.search_users(CollectionId=collection, FaceId=face_id)) == ["owner"]


def test_no_match_gives_empty_list(
    client: Any, collection: str, index: Callable[[bytes], str], user_with: Callable[..., str]
) -> None:
    user_with("someone", faces.person_image(71))
    query = index(faces.person_image(72))
    assert client.search_users(CollectionId=collection, FaceId=query)["UserMatches"] == []


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"UserId": "u", "FaceId": MISSING_FACE}],
    ids=["neither", "both"],
)
def test_exactly_one_of_face_or_user(client: Any, collection: str, kwargs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.search_users(CollectionId=collection, **kwargs)
    assert error_code(exc) == "InvalidParameterException"


@pytest.mark.parametrize("kwargs", [{"UserId": "no-such-user"}, {"FaceId": MISSING_FACE}])
def test_unknown_user_or_face(client: Any, collection: str, kwargs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.search_users(CollectionId=collection, **kwargs)
    assert error_code(exc) == "InvalidParameterException"
    assert exc.value.response["Error"]["Message"] == "Request has invalid parameters"


def test_unknown_collection(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.search_users(CollectionId="not-there", UserId="u")
    assert error_code(exc) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"UserId": "u", "MaxUsers": 0},
        {"UserId": "u", "MaxUsers": 501},
        {"UserId": "u", "UserMatchThreshold": -1},
        {"UserId": "u", "UserMatchThreshold": 100.5},
        {"UserId": "bad user"},
        {"UserId": "x" * 129},
        {"FaceId": "ABCDEF00-0000-0000-0000-000000000000"},
        {"FaceId": "not-a-uuid"},
        {"CollectionId": "", "UserId": "u"},
    ],
)
def test_constraint_violations(raw_client: Any, collection: str, kwargs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        raw_client.search_users(**{"CollectionId": collection, **kwargs})
    assert error_code(exc) == "InvalidParameterException"
    assert "validation error" in exc.value.response["Error"]["Message"]


def test_search_users_by_image(client: Any, collection: str, user_with: Callable[..., str]) -> None:
    user_with("pictured", faces.image_with_similarity(81, 97.0))
    user_with("other", faces.person_image(82))
    result = client.search_users_by_image(
        CollectionId=collection, Image={"Bytes": faces.person_image(81)}, QualityFilter="NONE"
    )
    assert _ids(result) == ["pictured"]
    assert "BoundingBox" in result["SearchedFace"]["FaceDetail"]
    assert result["UnsearchedFaces"] == []
    assert result["FaceModelVersion"] == "7.0"


@pytest.mark.parametrize(
    ("image", "code"),
    [
        ({"Bytes": b"GIF89a-nonsense"}, "InvalidImageFormatException"),
        ({"S3Object": {"Bucket": "bkt", "Name": "a.jpg"}}, "InvalidS3ObjectException"),
    ],
)
def test_search_users_by_image_errors(client: Any, collection: str, image: Any, code: str) -> None:
    with pytest.raises(ClientError) as exc:
        client.search_users_by_image(CollectionId=collection, Image=image)
    assert error_code(exc) == code


def test_search_users_by_jpeg_and_too_large_image(
    raw_client: Any, collection: str, user_with: Callable[..., str]
) -> None:
    import io

    from PIL import Image

    user_with("jpeg-person", faces.person_image(91))
    out = io.BytesIO()
    Image.open(io.BytesIO(faces.person_image(91))).convert("RGB").save(out, format="JPEG")
    result = raw_client.search_users_by_image(
        CollectionId=collection, Image={"Bytes": out.getvalue()}
    )
    assert [m["User"]["UserId"] for m in result["UserMatches"]] == ["jpeg-person"]
    with pytest.raises(ClientError) as exc:
        raw_client.search_users_by_image(
            CollectionId=collection, Image={"Bytes": b"\xff\xd8" + b"\x00" * (5 * 1024 * 1024)}
        )
    assert error_code(exc) == "ImageTooLargeException"
