"""Hypothesis strategies for SearchUsersByImage, on the generic compiler of schema_strategies.py.

Requests are the wire form (``Image.Bytes`` is base64 text, as the committed schema and a raw
negative request see it); ``boto3_params`` turns one into what ``client.search_users_by_image``
takes. Three things differ from SearchUsers and are why this is its own module:

* The payload is an image. Valid requests carry real PNG/JPEG bytes (at least 80 x 80 pixels,
  the Rekognition minimum) drawn small and cheap, or images the caller supplies (a pool of
  scenes its target knows), or an ``S3Object``.
* Constraints live below the top level (``Image.Bytes``, ``Image.S3Object.Bucket``), so the
  constraint table is built by walking the request schema, named by dotted path.
* Some image constraints are not schema constraints: bytes that are not an image
  (``Image.Bytes.imageFormat``, documented InvalidImageFormatException), neither Bytes nor
  S3Object (``Image.Bytes|S3Object.oneRequired``), and the raw 5 MB limit, which the base64
  ``maxLength`` sees only from two bytes over (base64 text grows in steps of 3 bytes).
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from hypothesis import strategies as st
from PIL import Image as PILImage

from conformance.contract import model
from conformance.contract import schema_strategies as compiler
from conformance.contract import strategies as search_users
from conformance.contract.schemas import load

Json = Any
Schema = Mapping[str, Any]

OPERATION = "SearchUsersByImage"
MAX_IMAGE_BYTES: int = int(model.raw_model()["shapes"]["ImageBlob"]["max"])
"""The model's ImageBlob maximum: 5 MB of raw (decoded) bytes, as the Rekognition limits page
states ("maximum image size as raw bytes passed in as parameter to an API is 5 MB")."""
MIN_IMAGE_SIDE = 80
"""Rekognition's documented minimum image dimensions (80 pixels for height and width)."""
IMAGE_ONE_REQUIRED = "Image.Bytes|S3Object.oneRequired"
IMAGE_FORMAT = "Image.Bytes.imageFormat"
OVERSIZE = "Image.Bytes.maxLength"
NOT_BASE64 = "Image.Bytes.pattern"
QUALITY_FILTERS = ("NONE", "AUTO", "LOW", "MEDIUM", "HIGH")
QUALITY_REASONS = ("LOW_BRIGHTNESS", "LOW_SHARPNESS", "LOW_CONFIDENCE", "LOW_FACE_QUALITY")
OTHER_REASONS = ("EXCEEDS_MAX_FACES", "EXTREME_POSE", "SMALL_BOUNDING_BOX")
NOT_LARGEST = "FACE_NOT_LARGEST"

INVALID_PARAMETER = "InvalidParameterException"
SERIALIZATION = "SerializationException"
DOCUMENTED_ERRORS: dict[str, frozenset[str]] = {
    IMAGE_FORMAT: frozenset({"InvalidImageFormatException"}),
    OVERSIZE: frozenset({"ImageTooLargeException"}),
    # Undocumented which of these an empty or undecodable payload gets: all three are modeled.
    "Image.Bytes.minLength": frozenset({INVALID_PARAMETER, "InvalidImageFormatException"}),
    NOT_BASE64: frozenset({INVALID_PARAMETER, SERIALIZATION, "InvalidImageFormatException"}),
}
"""Error types a conforming target may answer for a constraint; see ``documented_errors``."""

_WRONG_OBJECT_TYPES: tuple[Json, ...] = ("image.png", 7, True, ["x"])


# -- images -----------------------------------------------------------------------------------


def _encode(image: PILImage.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@st.composite
def images(draw: st.DrawFn, min_side: int = MIN_IMAGE_SIDE, max_side: int = 160) -> bytes:
    """A real PNG or JPEG (grayscale or RGB) of at least ``min_side`` pixels a side.

    Pixels come from a small drawn grid scaled up, so an example costs microseconds and
    hypothesis can still shrink it to a plain image.
    """
    width = draw(st.integers(min_side, max_side))
    height = draw(st.integers(min_side, max_side))
    cells = draw(st.integers(1, 6))
    mode = draw(st.sampled_from(("L", "RGB")))
    depth = 1 if mode == "L" else 3
    raw = draw(st.binary(min_size=cells * cells * depth, max_size=cells * cells * depth))
    grid = PILImage.frombytes(mode, (cells, cells), raw)
    picture = grid.resize((width, height), PILImage.Resampling.NEAREST)
    return _encode(picture, draw(st.sampled_from(("PNG", "JPEG"))))


def _plain_png(side: int = MIN_IMAGE_SIDE) -> bytes:
    return _encode(PILImage.new("L", (side, side), 128), "PNG")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def padded_png(total_bytes: int) -> bytes:
    """A valid PNG of exactly ``total_bytes`` bytes: a plain image plus one private ancillary
    chunk (``ovRs``, which decoders skip) of zeros, so size is its only fault.

    Hand-built because no imaging library pads to an exact size; the chunk layout is PNG's
    (length, type, data, CRC-32 of type and data).
    """
    base = _plain_png()
    iend = base.rindex(b"IEND") - 4
    overhead = len(base) + 12
    if total_bytes < overhead:
        raise ValueError(f"a padded PNG has at least {overhead} bytes")
    padding = _chunk(b"ovRs", bytes(total_bytes - overhead))
    return base[:iend] + padding + base[iend:]


def _mid_idat(png: bytes) -> int:
    """An offset halfway through the first IDAT chunk's data (decoders tolerate a missing
    IEND, so a cut after the pixel data would still be an image)."""
    at = png.index(b"IDAT")
    length = int.from_bytes(png[at - 4 : at], "big")
    return at + 4 + max(1, length // 2)


def not_images() -> st.SearchStrategy[bytes]:
    """Non-empty bytes that are not a PNG or JPEG: text, another image format (GIF, BMP), a
    PNG cut short, random bytes without an image signature."""
    png = _plain_png()
    other_formats = [_encode(PILImage.new("L", (96, 96), 60), fmt) for fmt in ("GIF", "BMP")]
    return st.one_of(
        st.sampled_from([b"not an image", b"%PDF-1.4\n", *other_formats]),
        st.integers(1, _mid_idat(png)).map(lambda n: png[:n]),  # cut inside the pixel data
        st.binary(min_size=1, max_size=64).filter(
            lambda b: not b.startswith((b"\x89PNG", b"\xff\xd8"))
        ),
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# -- valid requests ---------------------------------------------------------------------------


@cache
def request_schema() -> dict[str, Any]:
    return load(f"{OPERATION}.request")


def _node(path: Sequence[str]) -> Schema:
    root = request_schema()
    node: Schema = root
    for name in path:
        node = compiler.resolve(root, node["properties"][name])
    return node


def s3_objects() -> st.SearchStrategy[dict[str, Json]]:
    """Valid S3Object members (bucket pattern and lengths from the model; Version optional)."""
    return st.fixed_dictionaries(
        {
            "Bucket": compiler.strings(_node(("Image", "S3Object", "Bucket"))),
            "Name": compiler.strings(_node(("Image", "S3Object", "Name"))),
        },
        optional={"Version": compiler.strings(_node(("Image", "S3Object", "Version")))},
    )


def _image_member(
    pool: Sequence[bytes] | None, *, s3: bool, byte_images: bool = True
) -> st.SearchStrategy[dict[str, Json]]:
    payloads = compiler.with_pool(images().map(b64), [b64(i) for i in pool] if pool else None)
    choices: list[st.SearchStrategy[dict[str, Json]]] = []
    if byte_images:
        choices.append(st.fixed_dictionaries({"Bytes": payloads}))
    if s3:
        choices.append(st.fixed_dictionaries({"S3Object": s3_objects()}))
    return st.one_of(choices)


def search_users_by_image_requests(
    collection_ids: Sequence[str] | None = None,
    images_pool: Sequence[bytes] | None = None,
    *,
    s3: bool = True,
    byte_images: bool = True,
) -> st.SearchStrategy[dict[str, Json]]:
    """Valid requests: exactly one of Image.Bytes (a real PNG/JPEG) / Image.S3Object.

    ``images_pool`` mixes known images (scenes the target indexed) with fresh ones;
    ``s3=False`` keeps to Bytes (a target without S3 answers S3Object with
    InvalidS3ObjectException); ``byte_images=False`` keeps to S3Object. Threshold, MaxUsers and
    QualityFilter are sometimes omitted so the documented defaults (80, NONE) are exercised.
    Both Bytes and S3Object together is undocumented and never generated.
    """
    root = request_schema()
    collection = compiler.with_pool(compiler.strings(_node(("CollectionId",))), collection_ids)
    optional = st.fixed_dictionaries(
        {},
        optional={
            "UserMatchThreshold": compiler.numbers(
                _node(("UserMatchThreshold",)), extra_edges=(search_users.DEFAULT_THRESHOLD,)
            ),
            "MaxUsers": compiler.integers(_node(("MaxUsers",))),
            "QualityFilter": st.sampled_from(
                compiler.resolve(root, root["properties"]["QualityFilter"])["enum"]
            ),
        },
    )
    return st.builds(
        lambda cid, image, extra: {"CollectionId": cid, "Image": image, **extra},
        collection,
        _image_member(images_pool, s3=s3, byte_images=byte_images),
        optional,
    )


def boto3_params(request: Mapping[str, Json]) -> dict[str, Json]:
    """The wire request as ``client.search_users_by_image(**params)`` takes it: base64 Bytes
    decoded (boto3 encodes them again). Text that is not base64 cannot be sent through boto3
    at all; it is left as text (boto3 would encode it, which changes the request)."""
    params = dict(request)
    image = params.get("Image")
    if isinstance(image, dict) and isinstance(image.get("Bytes"), str):
        try:
            decoded = base64.b64decode(image["Bytes"], validate=True)
        except ValueError:
            return params
        params["Image"] = {**image, "Bytes": decoded}
    return params


# -- one-constraint-invalid requests ----------------------------------------------------------


@dataclass(frozen=True)
class Constraint:
    """One documented constraint of the request, and how to break it alone.

    ``path`` is where the offending value goes (empty for top-level ``additionalProperties``),
    ``keyword`` the JSON Schema keyword (or a contract-only name), ``in_schema`` whether the
    committed schema alone rejects every generated value, ``botocore`` whether botocore's
    client-side validation rejects it when sent through boto3, ``boto3`` whether boto3 (with
    validation off) can send it at all: it cannot send non-base64 Bytes, unknown members or
    members of the wrong type (its serializer re-encodes, drops or chokes on them); raw HTTP
    can.
    """

    name: str
    keyword: str
    path: tuple[str, ...]
    values: st.SearchStrategy[Json]
    in_schema: bool = True
    botocore: bool = False
    boto3: bool = True


def _oversize() -> st.SearchStrategy[str]:
    over = st.one_of(st.sampled_from([1, 2, 3]), st.integers(1, 64 * 1024))
    return over.map(lambda extra: b64(padded_png(MAX_IMAGE_BYTES + extra)))


def _not_base64() -> st.SearchStrategy[str]:
    valid = b64(_plain_png())
    accepts = compiler.pattern_checker(_node(("Image", "Bytes"))["pattern"])
    return st.sampled_from(
        ["not base64!", "abcde", valid + "\n", valid[:-1], "====", valid + "=", "data:image/png;"]
    ).filter(lambda text: not accepts(text))


def _bytes_constraints() -> Iterator[Constraint]:
    path = ("Image", "Bytes")
    yield Constraint(
        "Image.Bytes.type",
        "type",
        path,
        st.sampled_from((123, 1.5, True, ["x"], {"x": 1})),
        botocore=True,
        boto3=False,  # botocore's serializer base64-encodes whatever it is given, or fails
    )
    yield Constraint("Image.Bytes.minLength", "minLength", path, st.just(""))
    # One byte over is invisible to the base64 maxLength; from two bytes over it is not.
    yield Constraint(OVERSIZE, "maxLength", path, _oversize(), in_schema=False)
    yield Constraint(NOT_BASE64, "pattern", path, _not_base64(), boto3=False)
    yield Constraint(IMAGE_FORMAT, "imageFormat", path, not_images().map(b64), in_schema=False)


def _scalar_constraints(path: tuple[str, ...], node: Schema) -> Iterator[Constraint]:
    for keyword, values in compiler.keyword_violations(node).items():
        yield Constraint(
            ".".join((*path, keyword)),
            keyword,
            path,
            values,
            botocore=keyword in compiler.BOTOCORE_CHECKED,
            boto3=keyword != "type",  # botocore's serializer chokes on some wrong types
        )


def _walk(path: tuple[str, ...], node: Schema) -> Iterator[Constraint]:
    """Every constraint of the object ``node`` at ``path`` and below it."""
    root = request_schema()
    prefix = ".".join(path)
    for member in node.get("required", ()):
        name = f"{prefix}.{member}.required" if prefix else f"{member}.required"
        yield Constraint(name, "required", (*path, member), st.nothing(), botocore=True)
    if node.get("additionalProperties") is False:
        name = f"{prefix}.additionalProperties" if prefix else "additionalProperties"
        unknown = st.sampled_from(("Foo", "bytes", "ImageBytes", "MaxFaces", "FaceId"))
        # botocore refuses unknown members in validation, and its serializer cannot send them
        yield Constraint(name, "additionalProperties", path, unknown, botocore=True, boto3=False)
    for member, ref in node["properties"].items():
        child = compiler.resolve(root, ref)
        here = (*path, member)
        if here == ("Image", "Bytes"):
            yield from _bytes_constraints()
        elif child.get("type") == "object":
            yield Constraint(
                ".".join((*here, "type")),
                "type",
                here,
                st.sampled_from(_WRONG_OBJECT_TYPES),
                botocore=True,
                boto3=False,  # botocore's serializer needs a mapping here
            )
            yield from _walk(here, child)
        else:
            yield from _scalar_constraints(here, child)


@cache
def search_users_by_image_constraints() -> dict[str, Constraint]:
    """Constraint name -> how to break it; names are dotted paths plus the keyword
    (``QualityFilter.enum``, ``Image.S3Object.Bucket.pattern``, ``Image.Bytes.maxLength``...)."""
    table = {c.name: c for c in _walk((), request_schema())}
    table[IMAGE_ONE_REQUIRED] = Constraint(
        IMAGE_ONE_REQUIRED, "oneRequired", ("Image",), st.nothing(), in_schema=False
    )
    return table


def image_constraint_names() -> list[str]:
    return sorted(search_users_by_image_constraints())


def _set(request: dict[str, Json], path: tuple[str, ...], value: Json) -> None:
    node = request
    for name in path[:-1]:
        node[name] = dict(node[name])
        node = node[name]
    node[path[-1]] = value


def _drop(request: dict[str, Json], path: tuple[str, ...]) -> None:
    node = request
    for name in path[:-1]:
        node[name] = dict(node[name])
        node = node[name]
    node.pop(path[-1], None)


def invalid_search_users_by_image_requests(
    collection_ids: Sequence[str] | None = None,
    images_pool: Sequence[bytes] | None = None,
    *,
    constraints: Iterable[str] | None = None,
) -> st.SearchStrategy[tuple[dict[str, Json], str]]:
    """``(request, constraint)`` pairs, each request breaking exactly the named constraint.

    A constraint under ``Image.Bytes`` is broken in a Bytes request, one under
    ``Image.S3Object`` in an S3Object request; everything else in either.
    """
    table = search_users_by_image_constraints()
    chosen = sorted(table) if constraints is None else sorted(set(constraints))
    unknown = set(chosen) - set(table)
    if unknown:
        raise ValueError(f"unknown constraints {sorted(unknown)}; known: {sorted(table)}")
    by_bytes = search_users_by_image_requests(collection_ids, images_pool, s3=False)
    by_s3 = search_users_by_image_requests(collection_ids, s3=True, byte_images=False)
    either = search_users_by_image_requests(collection_ids, images_pool)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[dict[str, Json], str]:
        name = draw(st.sampled_from(chosen))
        constraint = table[name]
        path = constraint.path
        base = (
            by_bytes
            if path[:2] == ("Image", "Bytes")
            else by_s3
            if path[:2] == ("Image", "S3Object")
            else either
        )
        request = dict(draw(base))
        if constraint.keyword == "oneRequired":
            request["Image"] = {}
        elif constraint.keyword == "required":
            _drop(request, path)
        elif constraint.keyword == "additionalProperties":
            _set(request, (*path, draw(constraint.values)), draw(st.sampled_from(("x", 1))))
        else:
            _set(request, path, draw(constraint.values))
        return request, name

    return build()


def documented_errors(constraint: str) -> frozenset[str]:
    """Error types a conforming target may answer a request breaking ``constraint`` with.

    The model documents InvalidImageFormatException ("The provided image format is not
    supported") and ImageTooLargeException ("The input image size exceeds the allowed limit");
    every other constraint is InvalidParameterException ("Input parameter violated a
    constraint"), or SerializationException for a member of the wrong JSON type, which an AWS
    JSON front end refuses before validation runs.
    """
    table = search_users_by_image_constraints()
    if constraint not in table:
        raise ValueError(f"unknown constraint {constraint!r}")
    if constraint in DOCUMENTED_ERRORS:
        return DOCUMENTED_ERRORS[constraint]
    if table[constraint].keyword == "type":
        return frozenset({INVALID_PARAMETER, SERIALIZATION})
    return frozenset({INVALID_PARAMETER})


# -- responses --------------------------------------------------------------------------------


def _f32_floor(value: float) -> float:
    """Largest float32 <= value: hypothesis' 32-bit floats need float32 bounds."""
    rounded = np.float32(value)
    if float(rounded) > value:
        rounded = np.nextafter(rounded, np.float32(-np.inf))
    return float(rounded)


@st.composite
def bounding_boxes(
    draw: st.DrawFn, max_area: float = 1.0, at_edge: bool = True
) -> dict[str, float]:
    """A box as ratios of the image, of area at most ``max_area``. Width and Height are in
    (0, 1]; Left/Top usually keep the box inside the image, but the model's BoundingBox note
    lets a face cut by the image edge have a negative Left/Top (or one above 1), so
    ``at_edge`` sometimes draws one."""
    width = draw(st.floats(2.0**-6, 1.0, width=32))
    cap = _f32_floor(min(1.0, max_area / width * (1 - 1e-6)))
    height = draw(st.floats(min(2.0**-10, cap), cap, width=32).filter(lambda h: h > 0))
    left = draw(st.floats(0.0, _f32_floor(1.0 - width), width=32))
    top = draw(st.floats(0.0, _f32_floor(1.0 - height), width=32))
    if at_edge and draw(st.integers(0, 9)) == 0:
        left = _f32_floor(-width / 3)
    return {"Width": width, "Height": height, "Left": left, "Top": top}


def _area(box: Mapping[str, float]) -> float:
    return float(box["Width"]) * float(box["Height"])


def _detail(box: dict[str, float], confidence: float) -> dict[str, Json]:
    return {"BoundingBox": box, "Confidence": confidence}


def search_users_by_image_responses(
    request: Mapping[str, Json],
) -> st.SearchStrategy[dict[str, Json]]:
    """Answers a conforming service could give ``request``.

    With a face found: matches as for SearchUsers (ordered, within [threshold, 100], at most
    MaxUsers, unique), one SearchedFace, and UnsearchedFaces whose FACE_NOT_LARGEST entries
    are no larger than the searched face. With none: empty UserMatches and no SearchedFace (the
    model's words), possibly faces that were filtered out. Quality reasons appear only under a
    QualityFilter other than NONE (NONE, the default, filters nothing). Reasons come from the
    model's enum; detectors differ, so boxes and counts are free beyond that.
    """
    limits = {k: request[k] for k in ("UserMatchThreshold", "MaxUsers") if k in request}
    searched_part = search_users.search_users_responses(limits)
    filtering = request.get("QualityFilter", "NONE") != "NONE"
    reason_pool = (*OTHER_REASONS, *(QUALITY_REASONS if filtering else ()))
    confidence = st.floats(50.0, 100.0, width=32)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Json]:
        found = draw(st.booleans())
        response: dict[str, Json]
        unsearched: list[dict[str, Json]] = []
        if found:
            response = draw(searched_part)
            box = draw(bounding_boxes())
            response["SearchedFace"] = {"FaceDetail": _detail(box, draw(confidence))}
            for _ in range(draw(st.integers(0, 3))):
                reasons = draw(st.lists(st.sampled_from(reason_pool), max_size=2, unique=True))
                if draw(st.booleans()) or not reasons:
                    reasons = [NOT_LARGEST, *reasons]
                limit = _area(box) if NOT_LARGEST in reasons else 1.0
                face_box = draw(bounding_boxes(max_area=limit))
                unsearched.append(
                    {"FaceDetails": _detail(face_box, draw(confidence)), "Reasons": reasons}
                )
        else:
            version = draw(st.sampled_from(search_users.FACE_MODEL_VERSIONS))
            response = {"UserMatches": [], "FaceModelVersion": version}
            if filtering:
                for _ in range(draw(st.integers(0, 2))):
                    reasons = draw(
                        st.lists(st.sampled_from(reason_pool), min_size=1, max_size=2, unique=True)
                    )
                    unsearched.append(
                        {
                            "FaceDetails": _detail(draw(bounding_boxes()), draw(confidence)),
                            "Reasons": reasons,
                        }
                    )
        listed_when_empty = draw(st.booleans())
        if unsearched or listed_when_empty:
            response["UnsearchedFaces"] = unsearched
        return response

    return build()
