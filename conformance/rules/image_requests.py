"""What a SearchUsersByImage exchange asked for and what it got, read defensively.

As for SearchUsers (`conformance.evidence.reading`), the request is read from the wire body, and
every accessor returns None or skips an item rather than raise on a malformed answer (the
schema rule reports those). What is new is the payload: the image is decoded here, once per
exchange, so rules can tell a picture from bytes that are none, a blank picture from one a
detector could find something in, and the raw size the 5 MB limit is about. The image is
opened by Pillow (already a dependency of the reference), never trusted: a picture larger than
`MAX_PIXELS` is not decoded at all.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from conformance.contract import model
from conformance.evidence.reading import SearchRequest, body_of, is_number, request_of
from conformance.exchange import Exchange
from conformance.schemas import Violation, validate_search_users_by_image_request

if TYPE_CHECKING:
    from conformance.evidence import Evidence

IMAGE_SEARCH = "SearchUsersByImage"
MAX_IMAGE_BYTES: int = int(model.raw_model()["shapes"]["ImageBlob"]["max"])
"""model: ImageBlob max, "Blob of image bytes up to 5 MBs" (raw bytes, before base64)."""
MIN_IMAGE_SIDE = 80
"""doc: Rekognition's minimum image dimensions, 80 pixels for height and width."""
MAX_JUDGED_SIDE = 4096
"""Pictures up to this side are certainly within every documented resolution limit."""
MAX_PIXELS = 40_000_000
"""Larger pictures are not decoded by the rules (a cassette may hold a decompression bomb)."""
SUPPORTED_FORMATS = frozenset({"PNG", "JPEG"})
"""doc: 'Amazon Rekognition supports the PNG and JPEG image formats'."""
NOT_LARGEST = "FACE_NOT_LARGEST"
QUALITY_REASONS = frozenset(
    {"LOW_BRIGHTNESS", "LOW_SHARPNESS", "LOW_CONFIDENCE", "LOW_FACE_QUALITY"}
)
"""Reasons that only a quality bar gives (QualityFilter NONE applies none)."""


@cache
def reasons_enum() -> frozenset[str]:
    """The model's UnsearchedFaceReason values."""
    return frozenset(model.raw_model()["shapes"]["UnsearchedFaceReason"]["enum"])


@dataclass(frozen=True)
class Picture:
    """What the request's image bytes are, as far as a rule needs to know."""

    size: int
    """Raw bytes (the 5 MB limit counts these)."""
    format: str | None
    """'PNG', 'JPEG', another format Pillow knows, or None when the bytes decode as nothing."""
    width: int = 0
    height: int = 0
    uniform: bool = False
    """Every pixel the same colour: a picture no detector can find a face in."""
    complete: bool = False
    """The pixel data decoded to the end (a cut-off PNG has a signature but is no image)."""

    @property
    def supported(self) -> bool:
        return self.complete and self.format in SUPPORTED_FORMATS

    @property
    def within_limits(self) -> bool:
        """A picture every documented limit admits: PNG/JPEG, <= 5 MB, 80..4096 per side."""
        sides = (self.width, self.height)
        return (
            self.supported
            and self.size <= MAX_IMAGE_BYTES
            and all(MIN_IMAGE_SIDE <= side <= MAX_JUDGED_SIDE for side in sides)
        )


def picture_of(data: bytes) -> Picture:
    # Deferred: a replay of SearchUsers cassettes never decodes a picture, and importing
    # Pillow costs ~40 ms of every such replay (python -X importtime).
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we bound it ourselves
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_PIXELS:
                # not decoded: taken for a complete picture (no rule calls it "no image"),
                # and beyond every side the rules judge
                return Picture(len(data), opened.format, opened.width, opened.height, False, True)
            opened.load()
            extrema = opened.getextrema()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        fmt = _signature(data)
        return Picture(len(data), fmt)
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    uniform = all(low == high for low, high in bands)
    return Picture(len(data), opened.format, opened.width, opened.height, uniform, True)


def _signature(data: bytes) -> str | None:
    """The format a cut-off or corrupt file claims by its first bytes."""
    if data.startswith(b"\x89PNG"):
        return "PNG"
    if data.startswith(b"\xff\xd8"):
        return "JPEG"
    return None


@dataclass(frozen=True)
class ImageRequest:
    """A SearchUsersByImage request classified the way the rules need it."""

    members: Mapping[str, Any]
    violations: tuple[Violation, ...]
    picture: Picture | None
    """The decoded Image.Bytes; None for an S3Object request or bytes that are not base64."""

    @property
    def constraint_violations(self) -> tuple[Violation, ...]:
        """Schema violations bar unknown members (whether AWS refuses them is undocumented),
        plus an Image with neither Bytes nor S3Object."""
        found = tuple(v for v in self.violations if v.keyword != "additionalProperties")
        image = self.members.get("Image")
        if isinstance(image, Mapping) and not ({"Bytes", "S3Object"} & set(image)):
            found += (Violation("/Image", "oneRequired", "neither Bytes nor S3Object"),)
        return found

    @property
    def schema_valid(self) -> bool:
        return not self.violations and not self.constraint_violations

    @property
    def by_bytes(self) -> bool:
        image = self.members.get("Image")
        return isinstance(image, Mapping) and set(image) == {"Bytes"}

    @property
    def well_formed(self) -> bool:
        """Schema-valid, by Bytes, and the bytes a picture within every documented limit: a
        request AWS must process."""
        return (
            self.schema_valid
            and self.by_bytes
            and self.picture is not None
            and self.picture.within_limits
        )

    @property
    def collection_id(self) -> Any:
        return self.members.get("CollectionId")

    @property
    def threshold(self) -> float | None:
        """The effective UserMatchThreshold, read as SearchUsers' is (80 when omitted)."""
        return SearchRequest(self.members, ()).threshold

    @property
    def max_users(self) -> int | None:
        """The explicit, in-range MaxUsers, read as SearchUsers' is."""
        return SearchRequest(self.members, ()).max_users

    @property
    def quality_filter(self) -> Any:
        """The effective QualityFilter: NONE when omitted (model: 'The default value is NONE')."""
        return self.members.get("QualityFilter", "NONE")

    @property
    def image_key(self) -> str | None:
        """The base64 payload as sent: identical bytes, identical key."""
        image = self.members.get("Image")
        data = image.get("Bytes") if isinstance(image, Mapping) else None
        return data if isinstance(data, str) else None


def image_searches(evidence: Evidence) -> Iterator[Exchange]:
    """Every SearchUsersByImage exchange the target answered (throttled ones excluded)."""
    return (e for e in evidence.of(IMAGE_SEARCH) if not e.throttled)


def image_request(exchange: Exchange) -> ImageRequest | None:
    return exchange.memo("image_request", lambda: _classify(exchange))


def _classify(exchange: Exchange) -> ImageRequest | None:
    members = request_of(exchange)
    if members is None:
        return None
    try:
        violations = tuple(validate_search_users_by_image_request(dict(members)))
    except Exception as exc:  # an unvalidatable request is an invalid one
        violations = (Violation("", "type", f"request could not be validated: {exc}"),)
    return ImageRequest(members, violations, _picture(members))


def _picture(members: Mapping[str, Any]) -> Picture | None:
    image = members.get("Image")
    text = image.get("Bytes") if isinstance(image, Mapping) else None
    if not isinstance(text, str) or not text:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return picture_of(data)


def indexed_bytes(exchange: Exchange) -> str | None:
    """The base64 image an IndexFaces request sent (the key `image_key` compares with)."""
    members = request_of(exchange)
    image = members.get("Image") if members is not None else None
    data = image.get("Bytes") if isinstance(image, Mapping) else None
    return data if isinstance(data, str) else None


# -- the answer ---------------------------------------------------------------------------------


Box = dict[str, float]


def searched_detail(body: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """SearchedFace.FaceDetail, {} for a SearchedFace without one, None with no SearchedFace."""
    searched = body.get("SearchedFace") if body is not None else None
    if not isinstance(searched, Mapping):
        return None
    detail = searched.get("FaceDetail")
    return detail if isinstance(detail, Mapping) else {}


def unsearched(body: Mapping[str, Any] | None) -> list[tuple[int, Mapping[str, Any]]]:
    """(position, UnsearchedFace) for every entry that is an object."""
    raw = body.get("UnsearchedFaces") if body is not None else None
    if not isinstance(raw, list):
        return []
    return [(i, face) for i, face in enumerate(raw) if isinstance(face, Mapping)]


def reasons_of(face: Mapping[str, Any]) -> list[Any]:
    raw = face.get("Reasons")
    return list(raw) if isinstance(raw, list) else []


def box_of(detail: Mapping[str, Any] | None) -> Box | None:
    """A BoundingBox whose four members are numbers; None otherwise."""
    box = detail.get("BoundingBox") if isinstance(detail, Mapping) else None
    if not isinstance(box, Mapping):
        return None
    members = ("Width", "Height", "Left", "Top")
    if not all(is_number(box.get(m)) for m in members):
        return None
    return {m: float(box[m]) for m in members}


def boxes(body: Mapping[str, Any] | None) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(where, FaceDetail) for the searched face and every unsearched one."""
    searched = searched_detail(body)
    if searched is not None:
        yield "SearchedFace.FaceDetail", searched
    for i, face in unsearched(body):
        detail = face.get("FaceDetails")
        if isinstance(detail, Mapping):
            yield f"UnsearchedFaces[{i}].FaceDetails", detail


def area(box: Box) -> float:
    return box["Width"] * box["Height"]


def faces_found(body: Mapping[str, Any] | None) -> int:
    """How many faces the answer says the image holds (searched or not)."""
    return (searched_detail(body) is not None) + len(unsearched(body))


def answered(exchange: Exchange) -> dict[str, Any] | None:
    """The body of a 2xx SearchUsersByImage answer, None for anything else."""
    if exchange.operation != IMAGE_SEARCH or not exchange.ok:
        return None
    return body_of(exchange)
