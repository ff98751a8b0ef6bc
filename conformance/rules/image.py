"""SearchUsersByImage judged on its own: each answer against itself and its request.

Detectors differ: AWS finds real faces, an emulator may call a whole picture one face, the
reference cuts synthetic scenes into tiles. So no rule here knows where the faces of an image
are. They judge what holds for any detector: an answer without a searched face matches nobody,
a searched face has a box, boxes are ratios of the image, the searched face is not smaller than
one set aside as FACE_NOT_LARGEST, reasons come from the model, a picture of one colour holds no
face, and bad payloads get the errors the model documents. What the same target answers to
other requests about the same bytes is `conformance.rules.image_relations`'.

Order, threshold, MaxUsers, uniqueness, the similarity range, the FaceModelVersion echo, the
listings' consistency, determinism and the wire are the SearchUsers rules word for word:
`BOTH_SEARCHES` makes them judge these answers too.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.evidence import CollectionView, Evidence
from conformance.evidence.reading import describe_violations, outcome
from conformance.exchange import Exchange
from conformance.rules.base import Finding, Level, passed, rule, violated
from conformance.rules.image_requests import (
    IMAGE_SEARCH,
    MAX_IMAGE_BYTES,
    NOT_LARGEST,
    QUALITY_REASONS,
    answered,
    area,
    box_of,
    boxes,
    faces_found,
    image_request,
    image_searches,
    reasons_enum,
    reasons_of,
    searched_detail,
    unsearched,
)
from conformance.rules.per_exchange import BOTH_SEARCHES, JUDGES, SINGLE, judged, search_rule
from conformance.rules.sources import api, doc, model
from conformance.schemas import validate_search_users_by_image_response

FAMILY = "image"
IMAGE = frozenset({IMAGE_SEARCH})
AREA_TOLERANCE = 1e-6
"""Box members are float32 on AWS: areas equal to the last bits compare equal."""

BOTH_SEARCHES.update(
    {
        "response.json-body",
        "response.content-type",
        "response.content-type-exact",
        "response.request-id",
        "errors.error-type",
        "errors.status",
        "errors.body",
        "errors.unknown-collection",
        "results.order",
        "results.threshold",
        "results.range",
        "results.max-users",
        "results.unique",
        "echo.face-model-version",
        "consistency.matches-listed",
        "consistency.matches-have-faces",
        "consistency.status",
        "metamorphic.deterministic",
    }
)

INVALID_IMAGE = "InvalidImageFormatException"
TOO_LARGE = "ImageTooLargeException"
INVALID_PARAMETER = "InvalidParameterException"


def _schema_finding(exchange: Exchange, strict: bool) -> Finding | None:
    body = answered(exchange)
    if body is None:
        return None
    try:
        problems = validate_search_users_by_image_response(body, strict=strict)
    except Exception as exc:  # an unvalidatable body is an invalid one
        return violated(f"response could not be validated: {exc}", exchange)
    return judged([describe_violations(problems)] if problems else [], exchange)


@rule(
    "image.schema",
    "A 2xx SearchUsersByImage body is valid against its response schema (unknown members "
    "accepted unless --strict-schema).",
    source=model("SearchUsersByImageResponse"),
    family=FAMILY,
    leaves_open="Members AWS may add later; which FaceDetail attributes are returned.",
)
def schema(evidence: Evidence) -> Iterator[Finding]:
    """Not a `search_rule`: whether unknown members count is a run setting on the evidence."""
    for exchange in image_searches(evidence):
        finding = _schema_finding(exchange, evidence.strict_schema)
        if finding is not None:
            yield finding


SINGLE["image.schema"] = lambda exchange, view: _schema_finding(exchange, False)
JUDGES["image.schema"] = IMAGE


@search_rule(
    "image.no-face-no-matches",
    "An answer without a SearchedFace has an empty UserMatches: nothing was searched, so "
    "nobody matched.",
    source=api(
        "SearchUsersByImage",
        "If no valid face is detected in the image, the response will contain an empty UserMatches list and no SearchedFace object.",
    ),
    operations=IMAGE,
    family=FAMILY,
)
def no_face_no_matches(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = answered(exchange)
    if body is None:
        return None
    matches = body.get("UserMatches")
    if searched_detail(body) is not None or not isinstance(matches, list):
        return None
    problems = [f"{len(matches)} UserMatches but no SearchedFace"] if matches else []
    return judged(problems, exchange)


@search_rule(
    "image.box-valid",
    "A SearchedFace carries a BoundingBox, and every BoundingBox has Width and Height above 0 "
    "and overlaps the image (Left < 1, Top < 1, Left + Width > 0, Top + Height > 0): boxes "
    "are ratios of the image around a face found in it.",
    source=(
        model(
            "BoundingBox",
            "The width and height values represent the dimensions of the bounding box as a ratio of the overall image dimension.",
        ),
        model(
            "BoundingBox",
            "if Amazon Rekognition is able to detect a face that is at the image edge and is only partially visible, the service can return coordinates that are outside the image bounds",
        ),
        api(
            "SearchUsersByImage",
            "It also returns a bounding box for the face found in the input image.",
        ),
    ),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="Left/Top outside 0..1 for a face cut by the image edge; Width/Height above 1; "
    "whether unsearched faces carry a box.",
)
def box_valid(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = answered(exchange)
    if body is None:
        return None
    problems = []
    searched = searched_detail(body)
    if searched is not None and searched.get("BoundingBox") is None:
        problems.append("SearchedFace.FaceDetail has no BoundingBox")
    for where, detail in boxes(body):
        box = box_of(detail)
        if box is None:
            continue  # absent or malformed: the schema's (and the line above's) business
        if box["Width"] <= 0 or box["Height"] <= 0:
            problems.append(f"{where}.BoundingBox {box}: Width and Height must be above 0")
        elif not (
            box["Left"] < 1
            and box["Top"] < 1
            and box["Left"] + box["Width"] > 0
            and box["Top"] + box["Height"] > 0
        ):
            problems.append(
                f"{where}.BoundingBox {box} lies outside the image (pixels, not ratios?)"
            )
    if searched is None and not unsearched(body):
        return None
    return judged(problems, exchange)


@search_rule(
    "image.largest-searched",
    "No face set aside with FACE_NOT_LARGEST has a larger box (Width x Height) than the "
    "SearchedFace.",
    source=(
        api(
            "SearchUsersByImage",
            "It first detects the largest face in the image, and then searches a specified collection for matching UserIDs.",
        ),
        model("UnsearchedFaceReason", note="FACE_NOT_LARGEST"),
    ),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="Faces set aside for another reason (a quality filter may drop the largest "
    "face); FACE_NOT_LARGEST without a SearchedFace.",
)
def largest_searched(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = answered(exchange)
    searched = box_of(searched_detail(body))
    if body is None or searched is None:
        return None
    problems = []
    for i, face in unsearched(body):
        other = box_of(face.get("FaceDetails"))
        reasons = face.get("Reasons")
        if other is None or not isinstance(reasons, list) or NOT_LARGEST not in reasons:
            continue
        if area(other) > area(searched) * (1 + AREA_TOLERANCE):
            problems.append(
                f"UnsearchedFaces[{i}] (FACE_NOT_LARGEST) covers {area(other):.4g} of the image, "
                f"the SearchedFace only {area(searched):.4g}"
            )
    return judged(problems, exchange)


@search_rule(
    "image.reasons",
    "Every UnsearchedFaces[].Reasons value is one of the model's UnsearchedFaceReason values.",
    source=model("UnsearchedFaceReason", note="its enum"),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="Which reasons a detector gives, and how many per face.",
)
def reasons(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = answered(exchange)
    faces = unsearched(body)
    if not faces:
        return None
    known = reasons_enum()
    problems = [
        f"UnsearchedFaces[{i}].Reasons has {reason!r}, not in {sorted(known)}"
        for i, face in faces
        for reason in reasons_of(face)
        if reason not in known
    ]
    return judged(problems, exchange)


@search_rule(
    "image.quality-none",
    "Under QualityFilter NONE (the default) no face is set aside for a quality reason "
    "(LOW_BRIGHTNESS, LOW_SHARPNESS, LOW_CONFIDENCE, LOW_FACE_QUALITY).",
    source=(
        model("SearchUsersByImageRequest.QualityFilter", "The default value is NONE."),
        api("IndexFaces", "If you specify NONE, no filtering is performed."),
    ),
    operations=IMAGE,
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="EXTREME_POSE, SMALL_BOUNDING_BOX and EXCEEDS_MAX_FACES under NONE; what each "
    "other level filters.",
)
def quality_none(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = answered(exchange)
    request = image_request(exchange)
    if body is None or request is None or request.quality_filter != "NONE":
        return None
    problems = [
        f"UnsearchedFaces[{i}] set aside for {reason} under QualityFilter NONE"
        for i, face in unsearched(body)
        for reason in reasons_of(face)
        if reason in QUALITY_REASONS
    ]
    return judged(problems, exchange)


@search_rule(
    "image.blank-no-face",
    "An image of one uniform colour holds no face: its answer has no SearchedFace, no "
    "UnsearchedFaces and an empty UserMatches.",
    source=api(
        "SearchUsersByImage",
        "If no valid face is detected in the image, the response will contain an empty UserMatches list and no SearchedFace object.",
        note="a picture of one colour has nothing any detector could find",
    ),
    operations=IMAGE,
    family=FAMILY,
)
def blank_no_face(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    body = answered(exchange)
    request = image_request(exchange)
    picture = request.picture if request is not None else None
    if body is None or picture is None or not picture.uniform:
        return None
    problems = []
    if faces_found(body):
        problems.append(f"{faces_found(body)} face(s) reported in a picture of one colour")
    if body.get("UserMatches"):
        problems.append(f"{len(body['UserMatches'])} UserMatches for a picture of one colour")
    return judged(problems, exchange)


def _existing(view: CollectionView | None) -> bool:
    return view is not None and view.exists is True


@search_rule(
    "image.not-an-image",
    "Image.Bytes that are not a PNG or JPEG picture get a 4xx InvalidImageFormatException "
    "(InvalidParameterException accepted for a PNG or JPEG cut short).",
    source=(
        model("InvalidImageFormatException", "The provided image format is not supported."),
        doc("Rekognition image guidelines", note="Rekognition supports PNG and JPEG"),
    ),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="The message; which error a collection that does not exist gets first.",
)
def not_an_image(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = image_request(exchange)
    picture = request.picture if request is not None else None
    if (
        request is None
        or picture is None
        or picture.supported
        or not request.schema_valid
        or not _existing(view)
    ):
        return None
    allowed = {INVALID_IMAGE}
    if picture.format in {"PNG", "JPEG"} and not picture.complete:
        allowed.add(INVALID_PARAMETER)
    if exchange.client_error and exchange.error_type in allowed:
        return passed(exchange)
    what = picture.format or "unknown bytes"
    return violated(
        f"{outcome(exchange)} for a {picture.size}-byte payload that is no PNG/JPEG picture "
        f"({what}); expected {' or '.join(sorted(allowed))}",
        exchange,
    )


@search_rule(
    "image.too-large",
    "Image.Bytes of more than 5 MB (5242880 raw bytes) get a 4xx ImageTooLargeException or "
    "InvalidParameterException.",
    source=(
        model("Image.Bytes", "Blob of image bytes up to 5 MBs."),
        model("ImageBlob", note="max 5242880"),
        model("ImageTooLargeException", "The input image size exceeds the allowed limit."),
    ),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="Which of the two errors; the message; a bare HTTP 413 from a front end that "
    "refuses the body by size before the service sees it (`Exchange.cut_off`: not judged).",
)
def too_large(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = image_request(exchange)
    picture = request.picture if request is not None else None
    if picture is None or picture.size <= MAX_IMAGE_BYTES or not _existing(view):
        return None
    if exchange.client_error and exchange.error_type in {TOO_LARGE, INVALID_PARAMETER}:
        return passed(exchange)
    return violated(
        f"{outcome(exchange)} for {picture.size} bytes of image (limit {MAX_IMAGE_BYTES}); "
        f"expected {TOO_LARGE} or {INVALID_PARAMETER}",
        exchange,
    )


@search_rule(
    "image.rejects-invalid",
    "A SearchUsersByImage request violating a schema constraint (threshold, MaxUsers, "
    "QualityFilter, CollectionId, an Image with neither Bytes nor S3Object...) gets a 4xx, "
    "never a 2xx or a 5xx.",
    source=(
        model("SearchUsersByImageRequest", note="its member constraints"),
        model("InvalidParameterException", "Input parameter violated a constraint."),
    ),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="Requests with unknown members; an Image with both Bytes and S3Object; which "
    "client error.",
)
def rejects_invalid(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = image_request(exchange)
    if request is None or not request.constraint_violations:
        return None
    if exchange.client_error:
        return passed(exchange)
    broken = "; ".join(
        f"{v.pointer or '/'}: {_brief(v.message)}" for v in request.constraint_violations
    )
    return violated(f"{outcome(exchange)} for a request violating {broken}", exchange)


def _brief(message: str, limit: int = 160) -> str:
    """A violation message quotes the value: an image's base64 would fill a terminal."""
    return message if len(message) <= limit else f"{message[:limit]}... ({len(message)} chars)"


@search_rule(
    "image.accepts-valid",
    "A well-formed request (schema-valid, Image.Bytes a PNG or JPEG of at most 5 MB with sides "
    "of 80 to 4096 pixels) for a collection known to exist gets a 2xx, boundary values "
    "included.",
    source=(
        model("SearchUsersByImageRequest", note="its member constraints"),
        doc("Rekognition quotas", note="80 pixels a side at least; 5 MB of raw bytes at most"),
    ),
    operations=IMAGE,
    family=FAMILY,
    leaves_open="S3Object images (access to the bucket is the caller's); pictures above "
    "4096 pixels a side.",
)
def accepts_valid(exchange: Exchange, view: CollectionView | None) -> Finding | None:
    request = image_request(exchange)
    if request is None or not request.well_formed or not _existing(view):
        return None
    if exchange.ok:
        return passed(exchange)
    return violated(f"{outcome(exchange)} for a well-formed request", exchange)
