"""SearchUsersByImage requests, chosen so every image rule has something to judge.

Three kinds, each cheap and each where implementations break:

* pictures whose answer is known whatever the detector: a blank picture (no face for anyone),
  and synthetic scenes of several person tiles of different sizes (on the reference: one
  searched face and the others FACE_NOT_LARGEST; on AWS: whatever it finds, judged against
  itself), one with degraded tiles under a quality filter and without one, one repeated;
* the images the run indexed (read from the log: an IndexFaces request holds its bytes), each
  searched at threshold 0 with room for everyone, so its face's user must be found and the
  answer can be set beside the metamorphic phase's search by that FaceId, in the same epoch;
  one of them again with MaxUsers 1 and at threshold 90;
* payloads that break one documented limit: not an image, another image format, more than
  5 MB, an Image with neither member, and out-of-range members (sent as given: botocore's
  client-side validation never stops them).

Read-only runs send all but the second kind (nothing was indexed). Nothing here judges.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping
from typing import Any

from conformance.engine.context import Call, Context
from conformance.engine.phases.metamorphic import owner_sample
from conformance.exchange import Exchange

LABEL = "image"
OPERATION = "SearchUsersByImage"
ALL = 500
INDEXED_SAMPLE = 4
"""Indexed images searched (the metamorphic phase searches the same faces by FaceId)."""
SCENE_PERSONS = ((7101, 120), (7102, 88), (7103, 64))
"""(person seed, tile side): three people of clearly different sizes."""
DEGRADED_PERSONS = ((7104, 120, "dark"), (7105, 96, "good"), (7106, 72, "blurred"))
MAX_IMAGE_BYTES = 5 * 1024 * 1024


@functools.cache
def blank_png(side: int = 96) -> bytes:
    """A picture of one colour, at least Rekognition's 80 pixels a side: no face for anyone."""
    from PIL import Image  # Pillow: only when the phase runs

    out = io.BytesIO()
    Image.new("L", (side, side), 200).save(out, format="PNG")
    return out.getvalue()


@functools.cache
def scene_png(degraded: bool = False) -> bytes:
    from conformance.reference import scenes  # numpy/Pillow: only when the phase runs

    if degraded:
        tiles, width, height = scenes.row_of_tiles(DEGRADED_PERSONS, gap=12)
    else:
        tiles, width, height = scenes.row_of_tiles(SCENE_PERSONS, gap=12)
    return scenes.scene(tiles, max(width, 96), max(height, 96)).image


@functools.cache
def oversized_png() -> bytes:
    """A valid PNG two bytes over the 5 MB limit (one byte over is no different on the wire
    for a base64 maxLength; two are, and the rule counts raw bytes either way)."""
    from conformance.contract.image_strategies import padded_png

    return padded_png(MAX_IMAGE_BYTES + 2)


@functools.cache
def gif() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (96, 96), 90).save(out, format="GIF")
    return out.getvalue()


def _call(label: str, collection: str, image: Mapping[str, Any], **members: Any) -> Call:
    return Call(
        f"{LABEL}:{label}", OPERATION, {"CollectionId": collection, "Image": image, **members}
    )


def indexed_images(log: Iterable[Exchange]) -> dict[str, bytes]:
    """FaceId -> the image bytes IndexFaces indexed it from, when it found exactly that face."""
    found: dict[str, bytes] = {}
    for exchange in log:
        if exchange.operation != "IndexFaces" or not exchange.ok:
            continue
        image = (exchange.params or {}).get("Image")
        data = image.get("Bytes") if isinstance(image, Mapping) else None
        body = exchange.json if isinstance(exchange.json, dict) else {}
        records = body.get("FaceRecords") or []
        if not isinstance(data, bytes) or len(records) != 1 or body.get("UnindexedFaces"):
            continue
        face = records[0].get("Face") if isinstance(records[0], dict) else None
        face_id = face.get("FaceId") if isinstance(face, dict) else None
        if isinstance(face_id, str):
            found[face_id] = data
    return found


def pictures(collection: str) -> list[Call]:
    scene, degraded = {"Bytes": scene_png()}, {"Bytes": scene_png(degraded=True)}
    open_search = {"UserMatchThreshold": 0, "MaxUsers": ALL}
    return [
        _call("blank", collection, {"Bytes": blank_png()}),
        _call("scene", collection, scene, QualityFilter="NONE", **open_search),
        _call("scene", collection, scene, QualityFilter="NONE", **open_search),
        _call("scene", collection, scene),
        _call("degraded", collection, degraded, QualityFilter="HIGH", **open_search),
        _call("degraded", collection, degraded, UserMatchThreshold=0, MaxUsers=1),
    ]


def by_indexed(ctx: Context, log: Iterable[Exchange]) -> list[Call]:
    images = indexed_images(log)
    faces = [f for f in owner_sample(ctx) if f in images][:INDEXED_SAMPLE]
    open_search = {"UserMatchThreshold": 0, "MaxUsers": ALL, "QualityFilter": "NONE"}
    calls = [
        _call("indexed", ctx.collection_id, {"Bytes": images[face]}, **open_search)
        for face in faces
    ]
    if faces:
        image = {"Bytes": images[faces[0]]}
        calls.append(_call("indexed", ctx.collection_id, image, **{**open_search, "MaxUsers": 1}))
        high = {**open_search, "UserMatchThreshold": 90}
        calls.append(_call("indexed", ctx.collection_id, image, **high))
    return calls


def invalid(collection: str) -> list[Call]:
    scene = {"Bytes": scene_png()}
    return [
        _call("invalid", collection, {"Bytes": b"su-conformance: these bytes are no image"}),
        _call("invalid", collection, {"Bytes": gif()}),
        _call("invalid", collection, {"Bytes": oversized_png()}),
        _call("invalid", collection, {}),
        _call("invalid", collection, scene, QualityFilter="SHARPEST"),
        _call("invalid", collection, scene, MaxUsers=0),
        _call("invalid", collection, scene, UserMatchThreshold=100.5),
    ]


BOUND = 6 + INDEXED_SAMPLE + 2 + 7


def requests(ctx: Context, log: Iterable[Exchange]) -> list[Call]:
    collection = ctx.collection_id
    return [*pictures(collection), *by_indexed(ctx, log), *invalid(collection)]
