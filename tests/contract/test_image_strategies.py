"""SearchUsersByImage strategies against the committed schemas, botocore and the model's words."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from botocore.serialize import create_serializer
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample
from PIL import Image

from conformance import schemas
from conformance.contract import image_strategies as I
from conformance.contract import model

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

OPERATION = model.operation_model("SearchUsersByImage")
NO_SHRINK = settings(phases=[Phase.explicit, Phase.generate], database=None, max_examples=500)
SLOW_OK = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def botocore_errors(params: dict[str, Any]) -> str:
    report = ParamValidator().validate(params, OPERATION.input_shape)
    return report.generate_report() if report.has_errors() else ""


def decoded(request: dict[str, Any]) -> bytes:
    return base64.b64decode(request["Image"]["Bytes"], validate=True)


@SLOW_OK
@given(I.search_users_by_image_requests())
def test_valid_requests_pass_schema_botocore_and_serialize(request: dict[str, Any]) -> None:
    assert schemas.validate_search_users_by_image_request(request) == []
    params = I.boto3_params(request)
    assert botocore_errors(params) == ""
    assert ("Bytes" in request["Image"]) != ("S3Object" in request["Image"])
    wire = create_serializer("json").serialize_to_request(params, OPERATION)
    assert wire["headers"]["X-Amz-Target"] == "RekognitionService.SearchUsersByImage"
    if "Bytes" in request["Image"]:
        assert b'"Bytes": "' + request["Image"]["Bytes"].encode() + b'"' in wire["body"]
        picture = Image.open(io.BytesIO(decoded(request)))
        assert picture.format in {"PNG", "JPEG"}
        assert min(picture.size) >= I.MIN_IMAGE_SIDE


@pytest.mark.parametrize(
    "condition",
    [
        lambda r: "S3Object" in r["Image"] and "Version" in r["Image"]["S3Object"],
        lambda r: "Bytes" in r["Image"] and decoded(r).startswith(b"\xff\xd8"),
        lambda r: r.get("QualityFilter") == "HIGH",
        lambda r: r.get("MaxUsers") == 500,
        lambda r: r.get("UserMatchThreshold") == 0,
        lambda r: set(r) == {"CollectionId", "Image"},
        lambda r: r["Image"].get("Bytes") == base64.b64encode(b"known").decode(),
    ],
    ids=["s3-version", "jpeg", "quality-high", "max-500", "thr-0", "defaults", "pool"],
)
def test_request_variety_is_reachable(condition: Any) -> None:
    requests = I.search_users_by_image_requests(images_pool=[b"known"])
    assert condition(find(requests, condition, settings=NO_SHRINK))


def test_only_bytes_or_only_s3_when_asked() -> None:
    few = settings(NO_SHRINK, max_examples=40)
    with pytest.raises(NoSuchExample):
        find(
            I.search_users_by_image_requests(s3=False),
            lambda r: "S3Object" in r["Image"],
            settings=few,
        )
    with pytest.raises(NoSuchExample):
        find(
            I.search_users_by_image_requests(byte_images=False),
            lambda r: "Bytes" in r["Image"],
            settings=few,
        )


def _pointer(path: tuple[str, ...]) -> str:
    return "".join(f"/{p}" for p in path)


@settings(SLOW_OK, max_examples=80)
@given(I.invalid_search_users_by_image_requests())
def test_each_invalid_request_breaks_its_named_constraint(pair: tuple[dict[str, Any], str]) -> None:
    request, name = pair
    constraint = I.search_users_by_image_constraints()[name]
    found = schemas.validate_search_users_by_image_request(request)
    if name == I.OVERSIZE:
        size = len(decoded(request))
        assert size > I.MAX_IMAGE_BYTES
        assert Image.open(io.BytesIO(decoded(request))).format == "PNG"  # only the size is wrong
        # base64 text grows in steps of 3 bytes: one byte over is invisible to maxLength
        assert bool(found) == (size >= I.MAX_IMAGE_BYTES + 2)
    elif not constraint.in_schema:
        assert found == [], (name, found)
    else:
        where = constraint.path
        if constraint.keyword in {"required"}:
            where = where[:-1]
        assert constraint.keyword in {v.keyword for v in found}, (name, found)
        assert {v.pointer for v in found} == {_pointer(where)}, (name, found)
        # a too-short `+`-pattern string also fails the pattern; a wrong type fails the enum
        assert {v.keyword for v in found} <= {constraint.keyword, "pattern", "enum"}
    if constraint.boto3:
        params = I.boto3_params(request)
        assert bool(botocore_errors(params)) == constraint.botocore, (name, params)


def test_every_named_constraint_is_generated() -> None:
    names = set(I.image_constraint_names())
    assert {
        "Image.Bytes.minLength",  # empty bytes
        I.IMAGE_FORMAT,  # not an image
        I.OVERSIZE,  # over the 5 MB raw limit
        "Image.S3Object.Bucket.pattern",
        "QualityFilter.enum",
        I.IMAGE_ONE_REQUIRED,
        "CollectionId.required",
        "Image.required",
        "MaxUsers.maximum",
    } <= names
    for name in sorted(names):
        request, got = find(
            I.invalid_search_users_by_image_requests(constraints=[name]),
            lambda _: True,
            settings=NO_SHRINK,
        )
        assert got == name
        side = name.split(".")[1] if name.startswith("Image.") else None
        if side in {"Bytes", "S3Object"}:
            assert side in request["Image"] or name.endswith(".required"), (name, request)
    with pytest.raises(ValueError, match="unknown constraints"):
        I.invalid_search_users_by_image_requests(constraints=["Image.Nope.type"])


def test_documented_errors_follow_the_model() -> None:
    assert I.documented_errors(I.IMAGE_FORMAT) == {"InvalidImageFormatException"}
    assert I.documented_errors(I.OVERSIZE) == {"ImageTooLargeException"}
    assert I.documented_errors("QualityFilter.enum") == {"InvalidParameterException"}
    assert "SerializationException" in I.documented_errors("MaxUsers.type")
    declared = {e.name for e in OPERATION.error_shapes} | {"SerializationException"}
    for name in I.image_constraint_names():
        assert I.documented_errors(name) <= declared, name
    with pytest.raises(ValueError):
        I.documented_errors("Nope")


def test_padded_png_has_the_exact_size_and_decodes() -> None:
    data = I.padded_png(I.MAX_IMAGE_BYTES + 1)
    assert len(data) == I.MAX_IMAGE_BYTES + 1
    picture = Image.open(io.BytesIO(data))
    picture.load()
    assert picture.size == (I.MIN_IMAGE_SIDE, I.MIN_IMAGE_SIDE)
    with pytest.raises(ValueError):
        I.padded_png(10)


@SLOW_OK
@given(I.not_images())
def test_not_images_do_not_decode_as_png_or_jpeg(data: bytes) -> None:
    assert data
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except Exception:
        return
    assert picture.format not in {"PNG", "JPEG"}


def _area(box: dict[str, float]) -> float:
    return box["Width"] * box["Height"]


def check_response(request: dict[str, Any], response: dict[str, Any]) -> None:
    assert schemas.validate_search_users_by_image_response(response, strict=True) == []
    matches = response["UserMatches"]
    scores = [m["Similarity"] for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(request.get("UserMatchThreshold", 80) <= s <= 100 for s in scores)
    assert len(matches) <= request.get("MaxUsers", 500)
    ids = [m["User"]["UserId"] for m in matches]
    assert len(set(ids)) == len(ids)
    unsearched = response.get("UnsearchedFaces", [])
    filtering = request.get("QualityFilter", "NONE") != "NONE"
    for face in unsearched:
        assert face["Reasons"] and len(set(face["Reasons"])) == len(face["Reasons"])
        assert filtering or not set(face["Reasons"]) & set(I.QUALITY_REASONS)
        box = face["FaceDetails"]["BoundingBox"]
        assert box["Width"] > 0 and box["Height"] > 0
    if "SearchedFace" not in response:
        assert matches == []  # the model: no valid face -> empty UserMatches, no SearchedFace
        assert all(I.NOT_LARGEST not in f["Reasons"] for f in unsearched)
        return
    searched = response["SearchedFace"]["FaceDetail"]["BoundingBox"]
    for face in unsearched:
        if I.NOT_LARGEST in face["Reasons"]:
            assert _area(face["FaceDetails"]["BoundingBox"]) <= _area(searched)


@settings(SLOW_OK, max_examples=40)
@given(st.data())
def test_responses_are_consistent_with_their_request(data: st.DataObject) -> None:
    request = data.draw(I.search_users_by_image_requests())
    check_response(request, data.draw(I.search_users_by_image_responses(request)))


@pytest.mark.parametrize(
    "condition",
    [
        lambda r: "SearchedFace" not in r,
        lambda r: "SearchedFace" in r and len(r.get("UnsearchedFaces", [])) >= 2,
        lambda r: any(
            f["FaceDetails"]["BoundingBox"]["Left"] < 0 for f in r.get("UnsearchedFaces", [])
        ),
        lambda r: any("LOW_SHARPNESS" in f["Reasons"] for f in r.get("UnsearchedFaces", [])),
    ],
    ids=["no-face", "several-faces", "edge-face", "quality-reason"],
)
def test_response_variety_is_reachable(condition: Any) -> None:
    request = {"CollectionId": "c", "Image": {"Bytes": "AAAA"}, "QualityFilter": "HIGH"}
    found = find(I.search_users_by_image_responses(request), condition, settings=NO_SHRINK)
    check_response(request, found)


@settings(SLOW_OK, max_examples=30)
@given(st.data())
def test_generated_responses_flow_through_botocore_stubber(
    client: Any, data: st.DataObject
) -> None:
    request = data.draw(I.search_users_by_image_requests())
    response = data.draw(I.search_users_by_image_responses(request))
    params = I.boto3_params(request)
    with Stubber(client) as stubber:
        stubber.add_response("search_users_by_image", response, params)
        got = client.search_users_by_image(**params)
    got.pop("ResponseMetadata", None)
    assert got == response
