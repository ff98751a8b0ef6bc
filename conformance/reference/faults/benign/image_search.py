"""Detectors differ: SearchUsersByImage answers a correct implementation may give that the
reference's does not.

A detector that sees a whole picture as one face (an emulator without vision), one that reports
every FaceDetail attribute AWS has (and members AWS may add), one whose boxes run past the image
edge as AWS documents for partly visible faces, an answer that leaves out an empty
UnsearchedFaces, and a front end that refuses an oversized body with a bare HTTP 413 before the
service sees it. None of them may fail a MUST rule.
"""

from __future__ import annotations

from typing import Any

from conformance.reference import faces
from conformance.reference.faults import RequestPlan, Result, WireResponse
from conformance.reference.faults._kit import error_type, variation
from conformance.reference.faults.image_search import face_details

IMAGE = frozenset({"SearchUsersByImage"})
EDGE_OVERHANG = 0.01


def _whole_picture(_plan: RequestPlan, result: Result) -> Result:
    """Whatever the scene, one face: the whole picture, boxed as the reference boxes any
    picture that is no scene (and IndexFaces, unchanged, boxes the fixture's portraits)."""
    if "SearchedFace" not in result and not result.get("UnsearchedFaces"):
        return result
    searched = result.get("SearchedFace") or {}
    detail = dict(searched.get("FaceDetail") or {"Confidence": 90.0})
    detail["BoundingBox"] = dict(faces.BOUNDING_BOX)
    detail.pop("Quality", None)
    return {**result, "SearchedFace": {"FaceDetail": detail}, "UnsearchedFaces": []}


variation(
    "image-whole-picture-face",
    "SearchUsersByImage sees any picture with content as one face covering it (no scenes)",
    operations=IMAGE,
    on_result=_whole_picture,
)

EXTRA_DETAIL: dict[str, Any] = {
    "AgeRange": {"Low": 25, "High": 35},
    "Smile": {"Value": False, "Confidence": 97.5},
    "Pose": {"Roll": 1.5, "Yaw": -3.25, "Pitch": 0.5},
    "Landmarks": [{"Type": "eyeLeft", "X": 0.35, "Y": 0.4}, {"Type": "nose", "X": 0.5, "Y": 0.55}],
    "Emotions": [{"Type": "CALM", "Confidence": 88.0}],
    "DetectorRevision": "2026-11",
}


def _extra_detail(_plan: RequestPlan, result: Result) -> Result:
    for detail in face_details(result):
        detail.update(EXTRA_DETAIL)
    return result


variation(
    "image-extra-face-detail",
    "every FaceDetail carries AgeRange, Smile, Pose, Landmarks, Emotions and a member AWS may add",
    operations=IMAGE,
    on_result=_extra_detail,
)


def _past_the_edge(_plan: RequestPlan, result: Result) -> Result:
    for detail in face_details(result):
        box = detail.get("BoundingBox")
        if isinstance(box, dict) and box.get("Left") == 0:
            box["Left"] = -EDGE_OVERHANG
            box["Width"] = float(box["Width"]) + EDGE_OVERHANG
    return result


variation(
    "image-box-past-the-edge",
    "a face touching the left edge gets a slightly negative Left (the model allows it)",
    operations=IMAGE,
    on_result=_past_the_edge,
)


def _no_empty_list(_plan: RequestPlan, result: Result) -> Result:
    if result.get("UnsearchedFaces"):
        return result
    return {key: value for key, value in result.items() if key != "UnsearchedFaces"}


variation(
    "image-unsearched-omitted-when-empty",
    "UnsearchedFaces is left out when no face was set aside (no member is required)",
    operations=IMAGE,
    on_result=_no_empty_list,
)


def _bare_413(operation: str | None, response: WireResponse) -> WireResponse:
    if operation not in IMAGE or error_type(response) != "ImageTooLargeException":
        return response
    # the wording of the load balancers and API front ends that cut a body off by size
    return WireResponse(
        413, {"Content-Type": "text/plain"}, b"HTTP content length exceeded 5242880 bytes."
    )


variation(
    "image-too-large-bare-413",
    "an image over 5 MB is refused by a front end with a bare HTTP 413 Payload Too Large "
    "(text/plain) before the service sees it, instead of a typed ImageTooLargeException",
    on_response=_bare_413,
)
