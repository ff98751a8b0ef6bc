"""SearchUsersByImage end to end: unmodified boto3 over HTTP against a `serve` process.

Scenes (conformance/reference/scenes.py) carry their ground truth, so every box, reason and
searched face below is checked against what was drawn, not against what the server said before.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from conformance.contract import image_strategies as I
from conformance.reference import faces, scenes
from conformance.reference.scenes import Tile

from ..serving import running_serve
from .conftest import error_code, make_client

_names = itertools.count()
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
ONE_EXAMPLE = settings(phases=[Phase.generate], database=None, max_examples=50)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running_serve(stderr=subprocess.DEVNULL) as (_, served):
        yield served


@pytest.fixture(scope="module")
def client(url: str) -> Any:
    return make_client(url)


@pytest.fixture(scope="module")
def raw_client(url: str) -> Any:
    return make_client(url, validate=False)


@pytest.fixture
def collection(client: Any) -> Iterator[str]:
    name = f"img-{next(_names)}"
    client.create_collection(CollectionId=name)
    yield name
    client.delete_collection(CollectionId=name)


@pytest.fixture
def enrol(client: Any, collection: str) -> Callable[[str, bytes], str]:
    """A user whose one face is indexed from ``image`` (a single-person image); its FaceId."""

    def run(user_id: str, image: bytes) -> str:
        records = client.index_faces(CollectionId=collection, Image={"Bytes": image})
        face_id: str = records["FaceRecords"][0]["Face"]["FaceId"]
        client.create_user(CollectionId=collection, UserId=user_id)
        client.associate_faces(CollectionId=collection, UserId=user_id, FaceIds=[face_id])
        return face_id

    return run


def search(client: Any, collection: str, image: bytes, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.search_users_by_image(
        CollectionId=collection, Image={"Bytes": image}, **extra
    )
    answer.pop("ResponseMetadata")
    return answer


def top_user(answer: dict[str, Any]) -> str | None:
    matches = answer["UserMatches"]
    return str(matches[0]["User"]["UserId"]) if matches else None


def boxes(answer: dict[str, Any]) -> list[dict[str, float]]:
    return [u["FaceDetails"]["BoundingBox"] for u in answer["UnsearchedFaces"]]


# --- 0, 1 and several faces ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [faces.blank_image(), faces.blank_image(grey=255), scenes.scene([], 200, 120).image],
    ids=["uniform-grey", "uniform-white", "empty-scene"],
)
def test_no_face_gives_empty_matches_and_no_searched_face(
    client: Any, collection: str, enrol: Callable[[str, bytes], str], image: bytes
) -> None:
    enrol("someone", faces.person_image(201))
    answer = search(client, collection, image, UserMatchThreshold=0)
    assert answer["UserMatches"] == []
    assert "SearchedFace" not in answer
    assert answer["UnsearchedFaces"] == []
    assert answer["FaceModelVersion"] == "7.0"


def test_one_face_finds_its_user_with_the_index_faces_box(
    client: Any, collection: str, enrol: Callable[[str, bytes], str]
) -> None:
    enrol("pictured", faces.person_image(202))
    enrol("other", faces.person_image(203))
    image = faces.person_image(202)
    answer = search(client, collection, image)
    assert top_user(answer) == "pictured" and len(answer["UserMatches"]) == 1
    indexed = client.index_faces(CollectionId=collection, Image={"Bytes": image})
    index_box = indexed["FaceRecords"][0]["FaceDetail"]["BoundingBox"]
    assert answer["SearchedFace"]["FaceDetail"]["BoundingBox"] == index_box
    assert answer["UnsearchedFaces"] == []


def test_several_faces_search_the_largest_and_list_the_others(
    client: Any, collection: str, enrol: Callable[[str, bytes], str]
) -> None:
    for seed in (211, 212, 213):
        enrol(f"person-{seed}", faces.person_image(seed))
    tiles, width, height = scenes.row_of_tiles([(212, 60), (211, 100), (213, 50)])
    drawn = scenes.scene(tiles, width, height)
    answer = search(client, collection, drawn.image)
    assert top_user(answer) == "person-211"  # the 100-pixel tile is the largest
    assert answer["SearchedFace"]["FaceDetail"]["BoundingBox"] == drawn.boxes[0]
    assert boxes(answer) == list(drawn.boxes[1:])
    assert all(u["Reasons"] == ["FACE_NOT_LARGEST"] for u in answer["UnsearchedFaces"])
    for box in [answer["SearchedFace"]["FaceDetail"]["BoundingBox"], *boxes(answer)]:
        assert box["Left"] >= 0 and box["Left"] + box["Width"] <= 1
        assert box["Top"] >= 0 and box["Top"] + box["Height"] <= 1

    indexed = client.index_faces(CollectionId=collection, Image={"Bytes": drawn.image})
    index_boxes = [r["FaceDetail"]["BoundingBox"] for r in indexed["FaceRecords"]]
    assert index_boxes == list(drawn.boxes)  # same detector, largest first
    listed = client.list_faces(CollectionId=collection)["Faces"]
    by_id = {f["FaceId"]: f["BoundingBox"] for f in listed}
    assert [by_id[r["Face"]["FaceId"]] for r in indexed["FaceRecords"]] == list(drawn.boxes)


# --- quality filter ------------------------------------------------------------------------------

DEGRADED = [
    (221, 120, "dark"),
    (222, 90, "good"),
    (223, 70, "dim"),
    (224, 60, "blurred"),
    (225, 30, "good"),
]
"""Largest first: dark (brightness ~6), good, dim (~20), blurred (sharpness ~4), small (30 px)."""
EXPECTED_REASONS = {
    "NONE": {"searched": 221, 222: ["FACE_NOT_LARGEST"], 223: ["FACE_NOT_LARGEST"],
             224: ["FACE_NOT_LARGEST"], 225: ["FACE_NOT_LARGEST"]},
    "LOW": {"searched": 222, 221: ["LOW_BRIGHTNESS"], 223: ["FACE_NOT_LARGEST"],
            224: ["LOW_SHARPNESS"], 225: ["SMALL_BOUNDING_BOX"]},
    "MEDIUM": {"searched": 222, 221: ["LOW_BRIGHTNESS"], 223: ["FACE_NOT_LARGEST"],
               224: ["LOW_SHARPNESS"], 225: ["SMALL_BOUNDING_BOX"]},
    "AUTO": {"searched": 222, 221: ["LOW_BRIGHTNESS"], 223: ["FACE_NOT_LARGEST"],
             224: ["LOW_SHARPNESS"], 225: ["SMALL_BOUNDING_BOX"]},
    "HIGH": {"searched": 222, 221: ["LOW_BRIGHTNESS"], 223: ["LOW_BRIGHTNESS"],
             224: ["LOW_SHARPNESS"], 225: ["SMALL_BOUNDING_BOX"]},
}  # fmt: skip


@pytest.fixture
def degraded_scene(enrol: Callable[[str, bytes], str]) -> scenes.Scene:
    for seed, _size, _quality in DEGRADED:
        enrol(f"person-{seed}", faces.person_image(seed))
    tiles, width, height = scenes.row_of_tiles(DEGRADED)
    return scenes.scene(tiles, width, height)


@pytest.mark.parametrize("level", [*EXPECTED_REASONS, None])
def test_quality_filter_levels_drop_the_documented_faces(
    client: Any, collection: str, degraded_scene: scenes.Scene, level: str | None
) -> None:
    expected = EXPECTED_REASONS[level or "NONE"]  # the model: "The default value is NONE"
    extra = {} if level is None else {"QualityFilter": level}
    answer = search(client, collection, degraded_scene.image, **extra)
    assert top_user(answer) == f"person-{expected['searched']}"
    seeds = [t.person_seed for t in degraded_scene.tiles]
    box_of = dict(zip(seeds, degraded_scene.boxes, strict=True))
    assert answer["SearchedFace"]["FaceDetail"]["BoundingBox"] == box_of[expected["searched"]]
    got = {
        seeds[degraded_scene.boxes.index(u["FaceDetails"]["BoundingBox"])]: u["Reasons"]
        for u in answer["UnsearchedFaces"]
    }
    assert got == {k: v for k, v in expected.items() if k != "searched"}


def test_a_scene_whose_faces_are_all_filtered_has_no_searched_face(
    client: Any, collection: str, enrol: Callable[[str, bytes], str]
) -> None:
    enrol("dark-one", faces.person_image(231))
    tiles, width, height = scenes.row_of_tiles([(231, 100, "dark"), (232, 80, "dark")])
    image = scenes.scene(tiles, width, height).image
    unfiltered = search(client, collection, image, UserMatchThreshold=0)
    assert top_user(unfiltered) == "dark-one"  # a dark tile is still that person's face
    answer = search(client, collection, image, QualityFilter="LOW", UserMatchThreshold=0)
    assert answer["UserMatches"] == [] and "SearchedFace" not in answer
    assert [u["Reasons"] for u in answer["UnsearchedFaces"]] == [["LOW_BRIGHTNESS"]] * 2
    indexed = client.index_faces(CollectionId=collection, Image={"Bytes": image})  # AUTO
    assert indexed["FaceRecords"] == []
    assert [u["Reasons"] for u in indexed["UnindexedFaces"]] == [["LOW_BRIGHTNESS"]] * 2


def test_index_faces_max_faces_keeps_the_largest(client: Any, collection: str) -> None:
    tiles, width, height = scenes.row_of_tiles([(241, 50), (242, 90), (243, 70)])
    drawn = scenes.scene(tiles, width, height)
    indexed = client.index_faces(CollectionId=collection, Image={"Bytes": drawn.image}, MaxFaces=1)
    assert [r["FaceDetail"]["BoundingBox"] for r in indexed["FaceRecords"]] == [drawn.boxes[0]]
    assert [u["Reasons"] for u in indexed["UnindexedFaces"]] == [["EXCEEDS_MAX_FACES"]] * 2


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "code"),
    [
        ({"Bytes": b"not an image"}, "InvalidImageFormatException"),
        ({"Bytes": b""}, "InvalidParameterException"),
        ({"Bytes": I.padded_png(I.MAX_IMAGE_BYTES + 1)}, "ImageTooLargeException"),
        ({"S3Object": {"Bucket": "bucket", "Name": "input.jpg"}}, "InvalidS3ObjectException"),
        ({}, "InvalidParameterException"),
    ],
    ids=["not-an-image", "empty", "one-byte-over-5MB", "s3-object", "no-payload"],
)
def test_image_errors_are_typed_as_documented(
    raw_client: Any, collection: str, image: dict[str, Any], code: str
) -> None:
    with pytest.raises(ClientError) as exc:
        raw_client.search_users_by_image(CollectionId=collection, Image=image)
    assert error_code(exc) == code
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_exactly_five_mb_is_accepted(client: Any, collection: str) -> None:
    answer = search(client, collection, I.padded_png(I.MAX_IMAGE_BYTES))
    assert answer["UserMatches"] == [] and "SearchedFace" not in answer  # uniform: no face


def test_unknown_collection_is_resource_not_found(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        search(client, "no-such-collection", faces.person_image(1))
    assert error_code(exc) == "ResourceNotFoundException"


def test_every_generated_invalid_request_gets_a_documented_error(
    raw_client: Any, collection: str
) -> None:
    """The strategies and the reference agree: each constraint's example is refused with one
    of the error types ``documented_errors`` allows (boto3 cannot send non-base64 text)."""
    table = I.search_users_by_image_constraints()
    for name in sorted(n for n, c in table.items() if c.boto3):
        request, _ = find(
            I.invalid_search_users_by_image_requests([collection], constraints=[name]),
            lambda _: True,
            settings=ONE_EXAMPLE,
        )
        with pytest.raises(ClientError) as exc:
            raw_client.search_users_by_image(**I.boto3_params(request))
        assert error_code(exc) in I.documented_errors(name), (name, error_code(exc))


# --- metamorphic: the two searches agree ---------------------------------------------------------


def test_an_indexed_image_finds_its_face_owner_as_search_users_does(
    client: Any, collection: str, enrol: Callable[[str, bytes], str]
) -> None:
    images = {f"user-{seed}": faces.person_image(seed) for seed in (251, 252, 253)}
    images["user-near"] = faces.image_with_similarity(251, 90.0)
    face_ids = {user: enrol(user, image) for user, image in images.items()}
    for user, image in images.items():
        by_image = search(client, collection, image, UserMatchThreshold=50)
        by_face = client.search_users(
            CollectionId=collection, FaceId=face_ids[user], UserMatchThreshold=50
        )
        assert top_user(by_image) == user
        assert top_user(by_face) == user
        assert [m["User"]["UserId"] for m in by_image["UserMatches"]] == [
            m["User"]["UserId"] for m in by_face["UserMatches"]
        ]


def test_a_scene_indexed_then_searched_finds_the_owner_of_its_largest_face(
    client: Any, collection: str
) -> None:
    tiles, width, height = scenes.row_of_tiles([(261, 70), (262, 110), (263, 40)])
    image = scenes.scene(tiles, width, height).image
    indexed = client.index_faces(CollectionId=collection, Image={"Bytes": image})
    largest = indexed["FaceRecords"][0]["Face"]["FaceId"]
    client.create_user(CollectionId=collection, UserId="owner")
    client.associate_faces(CollectionId=collection, UserId="owner", FaceIds=[largest])
    answer = search(client, collection, image)
    assert top_user(answer) == "owner"
    searched_box = answer["SearchedFace"]["FaceDetail"]["BoundingBox"]
    assert searched_box == indexed["FaceRecords"][0]["FaceDetail"]["BoundingBox"]
    assert search(client, collection, image) == answer  # identical bytes, identical answer


def test_tiles_placed_anywhere_in_a_row_are_detected_exactly() -> None:
    tiles = [Tile(271, 5, 30, 60), Tile(272, 90, 4, 100), Tile(273, 200, 50, 40, "dim")]
    drawn = scenes.scene(tiles, 260, 120)
    assert [f.box for f in scenes.detect(drawn.image)] == list(drawn.boxes)
    with pytest.raises(ValueError, match="overlaps"):
        scenes.scene([Tile(1, 10, 10, 50), Tile(2, 30, 30, 50)], 200, 120)
    with pytest.raises(ValueError, match="border"):
        scenes.scene([Tile(1, 0, 10, 50)], 200, 120)


def test_scene_face_boxes_survive_a_restart_and_old_state_files_still_open(tmp_path: Any) -> None:
    import sqlite3

    from conformance.reference.persistence import SqliteJournal
    from conformance.reference.records import FaceRecord

    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:  # the faces table as it was before scenes
        db.execute(
            "CREATE TABLE faces (collection TEXT NOT NULL, face_id TEXT NOT NULL,"
            " image_id TEXT NOT NULL, external_image_id TEXT, confidence REAL NOT NULL,"
            " contrast REAL NOT NULL, embedding BLOB NOT NULL, user_id TEXT,"
            " PRIMARY KEY (collection, face_id))"
        )
    journal = SqliteJournal(old)
    embedding = scenes.detect(faces.person_image(281))[0].embedding
    box = {"Width": 0.25, "Height": 0.5, "Left": 0.125, "Top": 0.0625}
    journal.add_faces("c", [FaceRecord("f1", "i1", None, 99.5, embedding, None, box)])
    journal.add_faces("c", [FaceRecord("f2", "i2", None, 99.5, embedding)])
    journal.commit()
    journal.close()
    loaded = {record.face_id: record for _, record in SqliteJournal(old).load_faces()}
    assert loaded["f1"].bounding_box == box
    assert loaded["f2"].bounding_box is None


@settings(max_examples=25, database=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 10_000),
            st.integers(12, 120),
            st.sampled_from(scenes.DEGRADATIONS),
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(1, 20),
)
def test_any_row_of_tiles_is_detected_exactly_largest_first(
    specs: list[tuple[int, int, str]], gap: int
) -> None:
    tiles, width, height = scenes.row_of_tiles(specs, gap=gap)
    drawn = scenes.scene(tiles, width, height)
    found = scenes.detect(drawn.image)
    assert [f.box for f in found] == list(drawn.boxes)
    assert [f.area for f in found] == sorted((f.area for f in found), reverse=True)
    for face in found:
        assert 0 < face.box["Width"] <= 1 and 0 < face.box["Height"] <= 1


def test_only_a_png_can_be_a_scene() -> None:
    """JPEG is lossy: the same scene as a JPEG is one whole-image face, as faces.embed sees it."""
    import io

    from PIL import Image

    tiles, width, height = scenes.row_of_tiles([(291, 100), (292, 60)])
    out = io.BytesIO()
    Image.open(io.BytesIO(scenes.scene(tiles, width, height).image)).save(out, format="JPEG")
    (face,) = scenes.detect(out.getvalue())
    assert face.whole_image and face.box == faces.BOUNDING_BOX
    expected = faces.embed(out.getvalue())
    assert expected is not None
    assert face.embedding.to_bytes() == expected.to_bytes()
