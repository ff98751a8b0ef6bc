"""SearchUsersByImage exchanges for the rule tables: each image rule passing and failing.

Pictures are made here (a blank one, a noisy one, a padded PNG over 5 MB), so the rules'
reading of the payload is exercised for real; answers are written by hand, detector-free.
"""

from __future__ import annotations

import base64
import functools
import io
import random
from collections.abc import Callable
from typing import Any

from PIL import Image

from conformance.contract.image_strategies import MAX_IMAGE_BYTES, padded_png
from conformance.exchange import Exchange
from tests.rules.conftest import (
    COLLECTION,
    FACE_A,
    discovery,
    error,
    exchange,
    search,
)

Build = Callable[[], list[Exchange]]
Box = dict[str, float]


@functools.cache
def picture(uniform: bool = False, side: int = 96) -> bytes:
    pixels = Image.new("L", (side, side), 180)
    if not uniform:
        noise = random.Random(side)
        pixels.putdata([noise.randrange(256) for _ in range(side * side)])
    out = io.BytesIO()
    pixels.save(out, format="PNG")
    return out.getvalue()


def box(width: float, height: float, left: float = 0.1, top: float = 0.1) -> Box:
    return {"Width": width, "Height": height, "Left": left, "Top": top}


def face(area_box: Box, *reasons: str) -> dict[str, Any]:
    return {"FaceDetails": {"BoundingBox": area_box, "Confidence": 99.0}, "Reasons": list(reasons)}


def answer(
    matches: tuple[tuple[str, float], ...] = (),
    searched: Box | None = None,
    unsearched: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "FaceModelVersion": "7.0",
        "UserMatches": [
            {"Similarity": s, "User": {"UserId": u, "UserStatus": "ACTIVE"}} for u, s in matches
        ],
        "UnsearchedFaces": list(unsearched),
    }
    if searched is not None:
        body["SearchedFace"] = {"FaceDetail": {"BoundingBox": searched, "Confidence": 99.9}}
    return body


def image_search(
    data: bytes | None = None,
    *,
    collection: str = COLLECTION,
    body: Any = None,
    **members: Any,
) -> Exchange:
    """A SearchUsersByImage exchange (a face found and no match, unless `body` says)."""
    params = {
        "CollectionId": collection,
        "Image": {"Bytes": base64.b64encode(picture() if data is None else data).decode()},
        **members,
    }
    return exchange(
        "SearchUsersByImage",
        params,
        body=answer(searched=box(0.5, 0.5)) if body is None else body,
    )


def image_error(data: bytes, kind: str, status: int = 400, **members: Any) -> Exchange:
    params = {
        "CollectionId": COLLECTION,
        "Image": {"Bytes": base64.b64encode(data).decode()},
        **members,
    }
    return exchange("SearchUsersByImage", params, **error(kind, status))  # type: ignore[arg-type]


def indexed(data: bytes | None = None, face_box: Box | None = None) -> Exchange:
    """IndexFaces of `data` (QualityFilter NONE) reporting FACE_A as its one face."""
    params = {
        "CollectionId": COLLECTION,
        "Image": {"Bytes": base64.b64encode(picture() if data is None else data).decode()},
        "MaxFaces": 1,
        "QualityFilter": "NONE",
    }
    record = {"Face": {"FaceId": FACE_A, "BoundingBox": face_box or box(0.5, 0.5)}}
    return exchange("IndexFaces", params, body={"FaceRecords": [record], "UnindexedFaces": []})


OPEN = {"UserMatchThreshold": 0, "MaxUsers": 10, "QualityFilter": "NONE"}
TEXT = b"these bytes are no image"


def _owner_world(matches: tuple[tuple[str, float], ...]) -> list[Exchange]:
    return [indexed(), *discovery(), image_search(body=answer(matches, box(0.5, 0.5)), **OPEN)]


def _agreement(by_image: tuple[tuple[str, float], ...]) -> list[Exchange]:
    """IndexFaces, the listings, then the same limits searched by FaceId and by image (in
    log order: exchanges are numbered as they are built)."""
    world = [indexed(), *discovery()]
    world.append(
        search(
            {"FaceId": FACE_A, "UserMatchThreshold": 0, "MaxUsers": 10},
            matches=[("alice", 100.0), ("bob", 60.0)],
        )
    )
    world.append(image_search(body=answer(by_image, box(0.5, 0.5)), **OPEN))
    return world


def _same_bytes(second: dict[str, Any]) -> list[Exchange]:
    first = answer((), box(0.5, 0.5), (face(box(0.2, 0.2, 0.7, 0.7), "FACE_NOT_LARGEST"),))
    return [
        image_search(body=first, QualityFilter="NONE"),
        image_search(body=second, QualityFilter="HIGH"),
    ]


IMAGE_CASES: dict[str, tuple[Build, Build]] = {
    "image.schema": (
        lambda: [image_search()],
        lambda: [image_search(body={"UserMatches": [{"Similarity": "90"}]})],
    ),
    "image.no-face-no-matches": (
        lambda: [image_search(body=answer())],
        lambda: [image_search(body=answer((("bob", 90.0),)))],
    ),
    "image.box-valid": (
        lambda: [
            image_search(
                body=answer(
                    (), box(0.4, 0.5), (face(box(0.2, 0.3, -0.05, 0.6), "FACE_NOT_LARGEST"),)
                )
            )
        ],
        lambda: [image_search(body=answer((), box(100, 100, 12, 12)))],
    ),
    "image.largest-searched": (
        lambda: [
            image_search(
                body=answer(
                    (),
                    box(0.5, 0.5),
                    (
                        face(box(0.2, 0.2), "FACE_NOT_LARGEST"),
                        face(box(0.8, 0.8), "LOW_BRIGHTNESS"),
                    ),
                ),
                QualityFilter="HIGH",
            )
        ],
        lambda: [
            image_search(body=answer((), box(0.2, 0.2), (face(box(0.6, 0.6), "FACE_NOT_LARGEST"),)))
        ],
    ),
    "image.reasons": (
        lambda: [
            image_search(body=answer((), box(0.5, 0.5), (face(box(0.2, 0.2), "FACE_NOT_LARGEST"),)))
        ],
        lambda: [
            image_search(body=answer((), box(0.5, 0.5), (face(box(0.2, 0.2), "NOT_LARGEST"),)))
        ],
    ),
    "image.quality-none": (
        lambda: [
            image_search(body=answer((), box(0.5, 0.5), (face(box(0.2, 0.2), "FACE_NOT_LARGEST"),)))
        ],
        lambda: [
            image_search(body=answer((), box(0.5, 0.5), (face(box(0.2, 0.2), "LOW_SHARPNESS"),)))
        ],
    ),
    "image.blank-no-face": (
        lambda: [image_search(picture(uniform=True), body=answer())],
        lambda: [image_search(picture(uniform=True), body=answer((), box(1.0, 1.0, 0.0, 0.0)))],
    ),
    "image.not-an-image": (
        lambda: [*discovery(), image_error(TEXT, "InvalidImageFormatException")],
        lambda: [*discovery(), image_error(TEXT, "InternalServerError", 500)],
    ),
    "image.too-large": (
        lambda: [
            *discovery(),
            image_error(padded_png(MAX_IMAGE_BYTES + 1), "ImageTooLargeException"),
        ],
        lambda: [*discovery(), image_search(padded_png(MAX_IMAGE_BYTES + 1), body=answer())],
    ),
    "image.rejects-invalid": (
        lambda: [image_error(picture(), "InvalidParameterException", QualityFilter="SHARP")],
        lambda: [image_search(QualityFilter="SHARP")],
    ),
    "image.accepts-valid": (
        lambda: [*discovery(), image_search(MaxUsers=500, UserMatchThreshold=100)],
        lambda: [*discovery(), image_error(picture(), "InternalServerError", 500)],
    ),
    "image.finds-indexed-owner": (
        lambda: _owner_world((("alice", 100.0), ("bob", 40.0))),
        lambda: _owner_world((("bob", 40.0),)),
    ),
    "image.agrees-with-face-search": (
        lambda: _agreement((("alice", 99.8), ("bob", 60.3))),
        lambda: _agreement((("bob", 99.8), ("alice", 60.3))),
    ),
    "image.detection-agrees": (
        lambda: [indexed(), image_search(body=answer((), box(0.5, 0.5)), QualityFilter="NONE")],
        lambda: [indexed(), image_search(body=answer(), QualityFilter="NONE")],
    ),
    "image.filter-keeps-faces": (
        lambda: _same_bytes(
            answer((), box(0.2, 0.2, 0.7, 0.7), (face(box(0.5, 0.5), "LOW_BRIGHTNESS"),))
        ),
        lambda: _same_bytes(answer((), box(0.2, 0.2, 0.7, 0.7))),
    ),
}
