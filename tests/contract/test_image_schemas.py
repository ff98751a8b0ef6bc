"""The SearchUsersByImage schemas against AWS's published example and the model's constraints."""

from __future__ import annotations

import base64
import copy
from typing import Any

from conformance import schemas

# AWS's published example (example id searchusersbyimage-1686183178610 in the Rekognition
# service examples, as the AWS SDKs ship them), bodies verbatim.
EXAMPLE_REQUEST: dict[str, Any] = {
    "CollectionId": "MyCollection",
    "Image": {"S3Object": {"Bucket": "bucket", "Name": "input.jpg"}},
    "MaxUsers": 2,
    "QualityFilter": "MEDIUM",
    "UserMatchThreshold": 70,
}
EXAMPLE_RESPONSE: dict[str, Any] = {
    "FaceModelVersion": "6",
    "SearchedFace": {
        "FaceDetail": {
            "BoundingBox": {
                "Height": 0.07510016113519669,
                "Left": 0.3598678708076477,
                "Top": 0.5391526818275452,
                "Width": 0.03692837432026863,
            }
        }
    },
    "UnsearchedFaces": [
        {
            "FaceDetails": {
                "BoundingBox": {
                    "Height": 0.0682177022099495,
                    "Left": 0.6102562546730042,
                    "Top": 0.5593535900115967,
                    "Width": 0.031677018851041794,
                }
            },
            "Reasons": ["FACE_NOT_LARGEST"],
        },
        {
            "FaceDetails": {
                "BoundingBox": {
                    "Height": 0.06347997486591339,
                    "Left": 0.516062319278717,
                    "Top": 0.6080358028411865,
                    "Width": 0.03254449740052223,
                }
            },
            "Reasons": ["FACE_NOT_LARGEST"],
        },
    ],
    "UserMatches": [
        {"Similarity": 99.88186645507812, "User": {"UserId": "demoUser1", "UserStatus": "ACTIVE"}}
    ],
}


def test_the_published_example_is_valid_even_strictly() -> None:
    assert schemas.validate_search_users_by_image_request(EXAMPLE_REQUEST) == []
    assert schemas.validate_search_users_by_image_response(EXAMPLE_RESPONSE, strict=True) == []
    assert schemas.validate_response(EXAMPLE_RESPONSE, "SearchUsersByImage") == []


def test_request_constraints_from_the_model() -> None:
    def keywords(request: dict[str, Any]) -> set[tuple[str, str]]:
        found = schemas.validate_search_users_by_image_request(request)
        return {(v.pointer, v.keyword) for v in found}

    bad_filter = {**EXAMPLE_REQUEST, "QualityFilter": "MAX"}
    assert keywords(bad_filter) == {("/QualityFilter", "enum")}
    empty = {**EXAMPLE_REQUEST, "Image": {"Bytes": ""}}
    assert keywords(empty) == {("/Image/Bytes", "minLength")}
    two_over = base64.b64encode(bytes(5 * 1024 * 1024 + 2)).decode()
    assert keywords({**EXAMPLE_REQUEST, "Image": {"Bytes": two_over}}) == {
        ("/Image/Bytes", "maxLength")
    }
    no_image = {k: v for k, v in EXAMPLE_REQUEST.items() if k != "Image"}
    assert keywords(no_image) == {("", "required")}
    assert keywords({**EXAMPLE_REQUEST, "FaceId": "x"}) == {("", "additionalProperties")}


def test_reasons_outside_the_enum_are_refused_and_unknown_members_only_strictly() -> None:
    bad = copy.deepcopy(EXAMPLE_RESPONSE)
    bad["UnsearchedFaces"][0]["Reasons"] = ["TOO_SMALL"]
    assert {v.keyword for v in schemas.validate_search_users_by_image_response(bad)} == {"enum"}
    extra = {**EXAMPLE_RESPONSE, "SearchedFaceId": "x"}
    assert schemas.validate_search_users_by_image_response(extra) == []
    assert schemas.validate_search_users_by_image_response(extra, strict=True)
