"""`check_search_users_by_image`, used the way another project's tests would use it."""

from __future__ import annotations

import pytest

AWS_EXAMPLE = """
REQUEST = {"CollectionId": "MyCollection", "Image": {"S3Object": {"Bucket": "bucket",
           "Name": "input.jpg"}}, "MaxUsers": 2, "QualityFilter": "MEDIUM",
           "UserMatchThreshold": 70}
BOX = {"Height": 0.0751, "Left": 0.3598, "Top": 0.5391, "Width": 0.0369}
SMALLER = {"Height": 0.0682, "Left": 0.6102, "Top": 0.5593, "Width": 0.0316}
RESPONSE = {"FaceModelVersion": "6", "SearchedFace": {"FaceDetail": {"BoundingBox": BOX}},
            "UnsearchedFaces": [{"FaceDetails": {"BoundingBox": SMALLER},
                                 "Reasons": ["FACE_NOT_LARGEST"]}],
            "UserMatches": [{"Similarity": 99.88186645507812,
                             "User": {"UserId": "demoUser1", "UserStatus": "ACTIVE"}}]}
"""


def test_accepts_aws_published_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=AWS_EXAMPLE
        + "\ndef test_ok(check_search_users_by_image):\n"
        + "    check_search_users_by_image(REQUEST, RESPONSE)\n"
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_lists_the_image_rules_a_broken_answer_violates(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=AWS_EXAMPLE
        + """
def test_broken(check_search_users_by_image):
    broken = dict(RESPONSE, UnsearchedFaces=[
        {"FaceDetails": {"BoundingBox": {"Height": 0.5, "Left": 0.1, "Top": 0.1, "Width": 0.5}},
         "Reasons": ["NOT_LARGEST"]},
    ])
    broken.pop("SearchedFace")
    check_search_users_by_image(REQUEST, broken)
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "AssertionError: SearchUsersByImage answer violates the contract" in out
    for rule_id in ("image.no-face-no-matches", "image.reasons", "image.schema"):
        assert f"- {rule_id}: " in out, rule_id
    assert "plugin" not in out.split("AssertionError")[-1].split("\n")[0]


def test_a_real_search_of_the_embedded_reference_conforms(pytester: pytest.Pytester) -> None:
    """boto3 against the reference with a scene of two people and a blank picture: the answers
    a user's own code gets pass the same checks the gate runs (image bytes as boto3 takes
    them)."""
    pytester.makepyfile(
        test_search="""
import io

from PIL import Image

from conformance.reference import scenes


def test_scene(rekognition_client, searchusers_collection, check_search_users_by_image):
    tiles, width, height = scenes.row_of_tiles([(11, 96), (12, 64)])
    picture = scenes.scene(tiles, width, height).image
    request = {
        "CollectionId": searchusers_collection.collection_id,
        "Image": {"Bytes": picture},
        "UserMatchThreshold": 0,
        "MaxUsers": 3,
    }
    answer = rekognition_client.search_users_by_image(**request)
    assert answer["SearchedFace"] and answer["UnsearchedFaces"]
    check_search_users_by_image(request, answer)


def test_blank(rekognition_client, searchusers_collection, check_search_users_by_image):
    out = io.BytesIO()
    Image.new("L", (96, 96), 30).save(out, format="PNG")
    request = {
        "CollectionId": searchusers_collection.collection_id,
        "Image": {"Bytes": out.getvalue()},
    }
    answer = rekognition_client.search_users_by_image(**request)
    assert "SearchedFace" not in answer and answer["UserMatches"] == []
    check_search_users_by_image(request, answer)
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
