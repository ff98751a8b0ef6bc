"""SearchUsersByImage bugs: the wrong face searched, boxes on the wrong scale, faces that
vanish, limits not enforced, errors of the wrong kind, and the search's own result bugs.

Each is a mistake a home-grown image search makes (a detector glued to SearchUsers' code, a
decoder that only knows JPEG, a size check forgotten behind a proxy that allows larger bodies),
and each names the rule that catches it without knowing where the faces really are.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable
from typing import Any

from PIL import Image

from conformance.reference.faults import Fault, Hooks, RequestPlan, Result, WireResponse
from conformance.reference.faults._kit import (
    asked,
    error,
    error_type,
    fault,
    json_response,
    response_fault,
)

FAMILY = "image"
IMAGE = frozenset({"SearchUsersByImage"})
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def image_fault(name: str, description: str, trips: tuple[str, ...], **hooks: Any) -> Fault:
    """A SearchUsersByImage fault of this family, through the kit's one door."""
    return fault(name, description, trips, FAMILY, IMAGE, **hooks)


def face_details(result: Result) -> list[dict[str, Any]]:
    """Every FaceDetail of the answer (searched first), to rewrite in place."""
    found = []
    searched = result.get("SearchedFace")
    if isinstance(searched, dict) and isinstance(searched.get("FaceDetail"), dict):
        found.append(searched["FaceDetail"])
    for face in result.get("UnsearchedFaces") or []:
        if isinstance(face, dict) and isinstance(face.get("FaceDetails"), dict):
            found.append(face["FaceDetails"])
    return found


def _image_size(plan: RequestPlan) -> tuple[int, int] | None:
    image = asked(plan, "Image")
    text = image.get("Bytes") if isinstance(image, dict) else None
    if not isinstance(text, str):
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(text))) as picture:
            width, height = picture.size
            return int(width), int(height)
    except Exception:  # the reference already answered it: a picture; guard anyway
        return None


# -- the wrong face, the wrong boxes ------------------------------------------------------------


def _smaller_face_searched(_plan: RequestPlan, result: Result) -> Result:
    """Searches the second face in the detector's order: an off-by-one in 'pick the largest'."""
    searched = result.get("SearchedFace")
    others = result.get("UnsearchedFaces") or []
    first = next(
        (f for f in others if "FACE_NOT_LARGEST" in (f.get("Reasons") or [])),
        None,
    )
    if not isinstance(searched, dict) or first is None:
        return result
    searched_detail, first["FaceDetails"] = first["FaceDetails"], searched["FaceDetail"]
    return {**result, "SearchedFace": {"FaceDetail": searched_detail}}


image_fault(
    "image-smaller-face-searched",
    "the second-largest face is searched and the largest listed as FACE_NOT_LARGEST",
    ("image.largest-searched",),
    on_result=_smaller_face_searched,
)


def _pixel_boxes(plan: RequestPlan, result: Result) -> Result:
    size = _image_size(plan)
    if size is None:
        return result
    width, height = size
    for detail in face_details(result):
        box = detail.get("BoundingBox") or {}
        for member, scale in (
            ("Width", width),
            ("Left", width),
            ("Height", height),
            ("Top", height),
        ):
            if member in box:
                box[member] = round(box[member] * scale)
    return result


image_fault(
    "image-boxes-in-pixels",
    "bounding boxes are reported in pixels, not as ratios of the image",
    ("image.box-valid",),
    on_result=_pixel_boxes,
)


def _point_boxes(_plan: RequestPlan, result: Result) -> Result:
    for detail in face_details(result):
        box = detail.get("BoundingBox") or {}
        if "Width" in box:
            box["Width"] = 0.0
    return result


image_fault(
    "image-zero-width-boxes",
    "boxes have Width 0 (a detector reporting face centres, not extents)",
    ("image.box-valid",),
    on_result=_point_boxes,
)


def _searched_box_dropped(_plan: RequestPlan, result: Result) -> Result:
    searched = result.get("SearchedFace")
    if isinstance(searched, dict) and isinstance(searched.get("FaceDetail"), dict):
        searched["FaceDetail"].pop("BoundingBox", None)
    return result


image_fault(
    "image-searched-box-missing",
    "the SearchedFace comes without its BoundingBox",
    ("image.box-valid",),
    on_result=_searched_box_dropped,
)


# -- faces that appear or vanish ----------------------------------------------------------------

WHOLE_IMAGE = {"Width": 1.0, "Height": 1.0, "Left": 0.0, "Top": 0.0}


def _always_a_face(_plan: RequestPlan, result: Result) -> Result:
    if "SearchedFace" in result:
        return result
    return {**result, "SearchedFace": {"FaceDetail": {"BoundingBox": dict(WHOLE_IMAGE)}}}


image_fault(
    "image-face-in-blank-picture",
    "a SearchedFace covering the whole picture is reported even when no face was found",
    ("image.blank-no-face",),
    on_result=_always_a_face,
)


def _without(member: str) -> Callable[[RequestPlan, Result], Result]:
    def on_result(_plan: RequestPlan, result: Result) -> Result:
        return {key: value for key, value in result.items() if key != member}

    return on_result


image_fault(
    "image-unsearched-faces-missing",
    "faces that were detected but not searched are never reported (UnsearchedFaces left out)",
    ("image.filter-keeps-faces",),
    on_result=_without("UnsearchedFaces"),
)


def _matches_without_face(_plan: RequestPlan, result: Result) -> Result:
    if "SearchedFace" in result or result.get("UserMatches"):
        return result
    stranger = {"Similarity": 81.0, "User": {"UserId": "nobody.matched", "UserStatus": "ACTIVE"}}
    return {**result, "UserMatches": [stranger]}


image_fault(
    "image-matches-without-face",
    "an image without a face still answers a match (a default embedding was searched)",
    ("image.no-face-no-matches", "image.blank-no-face"),
    on_result=_matches_without_face,
)


image_fault(
    "image-searched-face-missing",
    "matches are returned without the SearchedFace they were found with",
    ("image.no-face-no-matches",),
    on_result=_without("SearchedFace"),
)


def _reason_renamed(_plan: RequestPlan, result: Result) -> Result:
    for face in result.get("UnsearchedFaces") or []:
        face["Reasons"] = [
            "NOT_LARGEST" if reason == "FACE_NOT_LARGEST" else reason
            for reason in face.get("Reasons") or []
        ]
    return result


image_fault(
    "image-reason-outside-enum",
    "an unsearched face's reason is NOT_LARGEST, a value the model's enum does not have",
    ("image.reasons", "image.schema"),
    on_result=_reason_renamed,
)


def _default_filter_high(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict) and "QualityFilter" not in plan.params:
        plan.params["QualityFilter"] = "HIGH"


image_fault(
    "image-default-quality-high",
    "an omitted QualityFilter filters as HIGH instead of NONE, the documented default",
    ("image.quality-none",),
    on_request=_default_filter_high,
    strict=True,
)


# -- the search itself --------------------------------------------------------------------------


def _threshold_ignored(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict):
        plan.params["UserMatchThreshold"] = 0


image_fault(
    "image-threshold-ignored",
    "UserMatchThreshold is ignored: every user is returned",
    ("results.threshold",),
    on_request=_threshold_ignored,
)


def _max_users_ignored(plan: RequestPlan) -> None:
    if isinstance(plan.params, dict):
        plan.params.pop("MaxUsers", None)


image_fault(
    "image-max-users-ignored",
    "MaxUsers is ignored: up to 500 users are returned",
    ("results.max-users",),
    on_request=_max_users_ignored,
)


def _reversed(_plan: RequestPlan, result: Result) -> Result:
    return {**result, "UserMatches": list(reversed(result.get("UserMatches") or []))}


image_fault(
    "image-order-reversed",
    "UserMatches come lowest similarity first",
    ("results.order",),
    on_result=_reversed,
)


def _best_dropped(_plan: RequestPlan, result: Result) -> Result:
    """SearchUsers' self-exclusion copied over: the closest user (the face's own) is left out."""
    return {**result, "UserMatches": list(result.get("UserMatches") or [])[1:]}


image_fault(
    "image-best-match-dropped",
    "the best match is left out, as a search by UserId leaves out the searched user",
    ("image.finds-indexed-owner",),
    on_result=_best_dropped,
    needs_writes="only an image the run indexed has a known owner to find",
)


def _jittering() -> Hooks:
    calls = 0
    lock = threading.Lock()

    def on_result(_plan: RequestPlan, result: Result) -> Result:
        nonlocal calls
        with lock:
            calls += 1
            odd = calls % 2
        found = [
            {**m, "Similarity": max(0.0, float(m["Similarity"]) - 0.5 * odd)}
            for m in result.get("UserMatches") or []
        ]
        return {**result, "UserMatches": found}

    return Hooks(on_result=on_result)


image_fault(
    "image-nondeterministic-scores",
    "identical image searches score the same users differently (sampling in the detector)",
    ("metamorphic.deterministic",),
    factory=_jittering,
)


# -- limits and errors ---------------------------------------------------------------------------


def _size_unchecked(plan: RequestPlan) -> None:
    image = plan.params.get("Image") if isinstance(plan.params, dict) else None
    text = image.get("Bytes") if isinstance(image, dict) else None
    if isinstance(image, dict) and isinstance(text, str) and len(text) * 3 // 4 > MAX_IMAGE_BYTES:
        # a server that decodes whatever it gets: the picture inside is processed
        out = io.BytesIO()
        Image.new("L", (96, 96), 128).save(out, format="PNG")
        image["Bytes"] = base64.b64encode(out.getvalue()).decode()


image_fault(
    "image-size-limit-not-enforced",
    "images over 5 MB are processed instead of refused",
    ("image.too-large",),
    on_request=_size_unchecked,
)


def _retyped(kind: str, status: int, into: str) -> Callable[..., WireResponse | None]:
    def rewrite(_plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
        if error_type(response) != kind:
            return None
        return error(status, into, "Request has invalid image format")

    return rewrite


response_fault(
    "image-not-an-image-500",
    "bytes that are no image crash the decoder: 500 InternalServerError",
    ("image.not-an-image",),
    _retyped("InvalidImageFormatException", 500, "InternalServerError"),
    FAMILY,
    operations=IMAGE,
)
response_fault(
    "image-not-an-image-invalid-parameter",
    "bytes that are no image are InvalidParameterException, not InvalidImageFormatException",
    ("image.not-an-image",),
    _retyped("InvalidImageFormatException", 400, "InvalidParameterException"),
    FAMILY,
    operations=IMAGE,
)
response_fault(
    "image-too-large-500",
    "an image over 5 MB crashes the server: 500 InternalServerError",
    ("image.too-large",),
    _retyped("ImageTooLargeException", 500, "InternalServerError"),
    FAMILY,
    operations=IMAGE,
)


def _png_refused(plan: RequestPlan | None, response: WireResponse) -> WireResponse | None:
    image = asked(plan, "Image")
    text = image.get("Bytes") if isinstance(image, dict) else None
    if response.status != 200 or not isinstance(text, str) or not text.startswith("iVBOR"):
        return None
    return error(400, "InvalidImageFormatException", "Request has invalid image format")


response_fault(
    "image-png-refused",
    "only JPEG is decoded: every PNG is InvalidImageFormatException",
    ("image.accepts-valid",),
    _png_refused,
    FAMILY,
    operations=IMAGE,
)


def _missing_collection_empty(
    _plan: RequestPlan | None, response: WireResponse
) -> WireResponse | None:
    if error_type(response) != "ResourceNotFoundException":
        return None
    return json_response(200, {"UserMatches": [], "FaceModelVersion": "7.0"})


response_fault(
    "image-unknown-collection-empty-200",
    "an image search of a collection that does not exist answers 200 with no matches",
    ("errors.unknown-collection",),
    _missing_collection_empty,
    FAMILY,
    operations=IMAGE,
)


def _lenient(plan: RequestPlan) -> None:
    """No validation: an unknown QualityFilter filters nothing, MaxUsers 0 means the default."""
    if not isinstance(plan.params, dict):
        return
    if plan.params.get("QualityFilter") not in (None, "NONE", "AUTO", "LOW", "MEDIUM", "HIGH"):
        plan.params["QualityFilter"] = "NONE"
    if plan.params.get("MaxUsers") == 0:
        plan.params.pop("MaxUsers")


image_fault(
    "image-accepts-invalid-members",
    "out-of-range MaxUsers and unknown QualityFilter values are accepted",
    ("image.rejects-invalid",),
    on_request=_lenient,
)
