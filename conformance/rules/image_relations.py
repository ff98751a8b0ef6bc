"""SearchUsersByImage judged against the same target's other answers about the same bytes.

No rule knows where the faces of an image are (detectors differ); what a target must not do is
contradict itself. IndexFaces and SearchUsersByImage run the collection's one face model: on
identical bytes they see the same faces. A face indexed from an image is that image's face, so
the image finds the face's user as a search by the FaceId would, with the same thresholding
and the same MaxUsers behaviour. Everything is read from the log (the IndexFaces request holds
the bytes), so a cassette is judged exactly as the live run was.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from conformance.evidence import Evidence
from conformance.evidence.reading import (
    TRANSITIONAL,
    Match,
    body_of,
    matches_of,
    request_of,
    search_request,
)
from conformance.exchange import Exchange
from conformance.rules.base import Finding, Level, passed, rule, violated
from conformance.rules.image_requests import (
    answered,
    box_of,
    boxes,
    faces_found,
    image_request,
    image_searches,
    indexed_bytes,
    searched_detail,
)
from conformance.rules.per_exchange import judged
from conformance.rules.sources import SEARCHABLE_ONCE_ASSOCIATED, api, model

FAMILY = "image"
BOX_TOLERANCE = 0.02
"""How far two readings of one face's box may differ (a fiftieth of the image)."""
SCORE_TOLERANCE = 1.0
"""Percentage points two searches of one face may differ by (image vs stored vector)."""


@dataclass(frozen=True)
class Indexed:
    """What one IndexFaces answer said about one image."""

    exchange: Exchange
    face_ids: tuple[str, ...]
    unindexed: int
    box: dict[str, float] | None
    filtered: bool
    """Sent with a QualityFilter other than NONE: faces may have been dropped unseen."""

    @property
    def detected(self) -> int:
        return len(self.face_ids) + self.unindexed

    @property
    def only_face(self) -> str | None:
        """The FaceId when the target saw exactly one face in the image and indexed it."""
        return self.face_ids[0] if len(self.face_ids) == 1 and not self.unindexed else None


def _indexed(exchange: Exchange) -> Indexed | None:
    body = body_of(exchange)
    members = request_of(exchange) or {}
    if not exchange.ok or body is None:
        return None
    records = body.get("FaceRecords")
    unindexed = body.get("UnindexedFaces")
    records = records if isinstance(records, list) else []
    face_ids: list[str] = []
    first_box = None
    for record in records:
        face = record.get("Face") if isinstance(record, Mapping) else None
        face_id = face.get("FaceId") if isinstance(face, Mapping) else None
        if isinstance(face_id, str):
            face_ids.append(face_id)
            first_box = first_box or box_of(face)
    filtered = members.get("QualityFilter", "AUTO") != "NONE"
    count = len(unindexed) if isinstance(unindexed, list) else 0
    return Indexed(exchange, tuple(face_ids), count, first_box, filtered)


def indexing(evidence: Evidence) -> dict[tuple[str, str], Indexed]:
    """(CollectionId, base64 bytes) -> the last IndexFaces answer for them."""

    def build() -> dict[tuple[str, str], Indexed]:
        found: dict[tuple[str, str], Indexed] = {}
        for exchange in evidence.of("IndexFaces"):
            data = indexed_bytes(exchange)
            collection = exchange.collection_id
            seen = _indexed(exchange) if data is not None else None
            if seen is not None and isinstance(collection, str) and data is not None:
                found[(collection, data)] = seen
        return found

    cached: dict[tuple[str, str], Indexed] = evidence.cache.setdefault("image:indexed", build())
    return cached


def _image_answers(evidence: Evidence) -> Iterator[tuple[Exchange, Indexed]]:
    """Answered searches by bytes (schema-valid) that an IndexFaces of the same collection
    saw, each with that IndexFaces answer."""
    known = indexing(evidence)
    for exchange in image_searches(evidence):
        request = image_request(exchange)
        body = answered(exchange)
        if body is None or request is None or not request.schema_valid or not request.by_bytes:
            continue
        key = (str(request.collection_id), str(request.image_key))
        if key in known:
            yield exchange, known[key]


def _owner(evidence: Evidence, exchange: Exchange, face_id: str) -> str | None:
    """The settled owner of `face_id` in the epoch of `exchange` (None: unknown or nobody)."""
    view = evidence.comparable_view(exchange)
    if view is None or view.faces is None:
        return None
    owner = view.faces.get(face_id)
    if owner is None or (view.users or {}).get(owner) in TRANSITIONAL:
        return None
    return owner


@rule(
    "image.finds-indexed-owner",
    "Searched with UserMatchThreshold 0, QualityFilter NONE and an explicit MaxUsers, the image "
    "a face was indexed from (IndexFaces saw that one face in it) finds the user the face is "
    "associated to (ListFaces, same epoch), unless the result is full.",
    source=(
        api(
            "SearchUsersByImage",
            "It first detects the largest face in the image, and then searches a specified collection for matching UserIDs.",
        ),
        SEARCHABLE_ONCE_ASSOCIATED,
    ),
    family=FAMILY,
    leaves_open="The user's similarity and rank; images IndexFaces saw several faces in.",
)
def finds_indexed_owner(evidence: Evidence) -> Iterator[Finding]:
    for exchange, seen in _image_answers(evidence):
        request = image_request(exchange)
        matches = matches_of(answered(exchange))
        face = seen.only_face
        if (
            request is None
            or matches is None
            or face is None
            or request.members.get("UserMatchThreshold") != 0
            or request.quality_filter != "NONE"
            or request.max_users is None
            or len(matches) >= request.max_users
        ):
            continue
        owner = _owner(evidence, exchange, face)
        if owner is None:
            continue
        view = evidence.comparable_view(exchange)
        sources = view.listing_sources if view is not None else []
        if any(m.user_id == owner for m in matches):
            yield passed(exchange, seen.exchange, *sources)
        else:
            yield violated(
                f"the image face {face!r} was indexed from (owned by {owner!r}) matched "
                f"{[m.user_id for m in matches]}",
                exchange,
                seen.exchange,
                *sources,
            )


def _limits(members: Mapping[str, Any]) -> tuple[Any, Any]:
    return members.get("UserMatchThreshold"), members.get("MaxUsers")


def _face_searches(evidence: Evidence) -> dict[tuple[int, str, str, str], Exchange]:
    """(epoch, collection, FaceId, limits) -> the last settled, answered search by that face."""
    found: dict[tuple[int, str, str, str], Exchange] = {}
    for exchange in evidence.searches():
        request = search_request(exchange)
        if (
            not exchange.ok
            or request is None
            or not request.well_formed
            or request.kind != "FaceId"
            or not evidence.settled_read(exchange)
        ):
            continue
        key = (
            evidence.epoch(exchange),
            str(request.collection_id),
            str(request.query_id),
            repr(_limits(request.members)),
        )
        found[key] = exchange
    return found


def _agreement(image: list[Match], face: list[Match], threshold: float, room: int) -> list[str]:
    """Where a search by an image and one by the face indexed from it part, allowing for
    scores within SCORE_TOLERANCE of each other or of the threshold."""
    problems = []
    clear = threshold + SCORE_TOLERANCE
    for mine, theirs, name in ((image, face, "by image"), (face, image, "by FaceId")):
        if len(theirs) >= room:
            continue
        missing = [
            m.user_id for m in mine if m.similarity >= clear and m.user_id not in _ids(theirs)
        ]
        if missing:
            other = "by FaceId" if name == "by image" else "by image"
            problems.append(f"{missing} matched {name} (clear of the threshold) but not {other}")
    clear_top = face and (len(face) == 1 or face[0].similarity - face[1].similarity > 1.0)
    if clear_top and image and image[0].user_id != face[0].user_id:
        problems.append(
            f"top user by image {image[0].user_id!r}, by FaceId {face[0].user_id!r} "
            f"({face[0].similarity} clear of the next)"
        )
    return problems


def _ids(matches: list[Match]) -> set[str]:
    return {m.user_id for m in matches}


@rule(
    "image.agrees-with-face-search",
    "A search by the image a face was indexed from and a search by that FaceId, in the same "
    "epoch with the same UserMatchThreshold and MaxUsers, agree: the same clear top user, and "
    "every user scoring clearly above the threshold in one is in the other unless it is full.",
    source=(
        api(
            "SearchUsersByImage",
            "It first detects the largest face in the image, and then searches a specified collection for matching UserIDs.",
        ),
        api(
            "SearchUsers",
            note="a search by FaceId searches with the stored face IndexFaces detected in the same bytes",
        ),
    ),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="Scores within 1 point of each other or of the threshold (an image and its "
    "stored vector may differ in the last digits); the order of close scores.",
)
def agrees_with_face_search(evidence: Evidence) -> Iterator[Finding]:
    by_face = _face_searches(evidence)
    for exchange, seen in _image_answers(evidence):
        request = image_request(exchange)
        face = seen.only_face
        if request is None or face is None or not evidence.settled_read(exchange):
            continue
        if request.quality_filter != "NONE" or searched_detail(answered(exchange)) is None:
            continue
        key = (
            evidence.epoch(exchange),
            str(request.collection_id),
            face,
            repr(_limits(request.members)),
        )
        other = by_face.get(key)
        mine, theirs = matches_of(answered(exchange)), matches_of(body_of(other) if other else None)
        if other is None or mine is None or theirs is None or request.threshold is None:
            continue
        room = request.max_users or 500
        problems = _agreement(mine, theirs, request.threshold, room)
        yield judged(problems, exchange, other, seen.exchange)


@rule(
    "image.detection-agrees",
    "IndexFaces with QualityFilter NONE and SearchUsersByImage with QualityFilter NONE, on the "
    "same bytes and collection, agree on whether the image holds a face, and on the box of a "
    "face each saw alone (within 0.02).",
    source=model(
        "SearchUsersByImageResponse.FaceModelVersion",
        "Version number of the face detection model associated with the input collection CollectionId.",
        note="IndexFaces detects with the same model",
    ),
    family=FAMILY,
    level=Level.SHOULD,
    leaves_open="How many faces each reports beyond the first; boxes of images holding several "
    "faces; answers under a quality filter.",
)
def detection_agrees(evidence: Evidence) -> Iterator[Finding]:
    for exchange, seen in _image_answers(evidence):
        request = image_request(exchange)
        body = answered(exchange)
        if request is None or request.quality_filter != "NONE" or seen.filtered:
            continue
        problems = []
        found = faces_found(body)
        if (found > 0) != (seen.detected > 0):
            problems.append(
                f"SearchUsersByImage reports {found} face(s), IndexFaces on the same bytes "
                f"{seen.detected}"
            )
        box = box_of(searched_detail(body))
        if found == 1 and seen.detected == 1 and box is not None and seen.box is not None:
            apart = max(abs(box[m] - seen.box[m]) for m in box)
            if apart > BOX_TOLERANCE:
                problems.append(f"searched box {box}, indexed box {seen.box}")
        yield judged(problems, exchange, seen.exchange)


def _reported_boxes(body: Mapping[str, Any] | None) -> list[dict[str, float]] | None:
    """Every face box the answer reports; None when one is missing or malformed (the box and
    schema rules say so: nothing to compare here)."""
    found = []
    for _where, detail in boxes(body):
        box = box_of(detail)
        if box is None:
            return None
        found.append(box)
    return found


def _unmatched(mine: list[dict[str, float]], theirs: list[dict[str, float]]) -> list[str]:
    left = list(theirs)
    missing = []
    for box in mine:
        twin = next(
            (b for b in left if max(abs(b[m] - box[m]) for m in box) <= BOX_TOLERANCE), None
        )
        if twin is None:
            missing.append(str(box))
        else:
            left.remove(twin)
    return missing


@rule(
    "image.filter-keeps-faces",
    "Answers to identical image bytes in one collection report the same faces (the boxes of "
    "SearchedFace and UnsearchedFaces, within 0.02) whatever their QualityFilter, threshold "
    "and MaxUsers: a filter decides which face is searched, never whether a detected face is "
    "reported.",
    source=(
        api(
            "SearchUsersByImage",
            "Information about faces detected in the supplied image, but not used for the search, is returned in an array of UnsearchedFace objects.",
        ),
        model(
            "SearchUsersByImageRequest.QualityFilter",
            "Filtered faces aren't searched for in the collection.",
        ),
    ),
    family=FAMILY,
    leaves_open="Which face each filter searches; the reasons given; FaceDetail attributes "
    "other than the box.",
)
def filter_keeps_faces(evidence: Evidence) -> Iterator[Finding]:
    anchors: dict[tuple[str, str], tuple[Exchange, list[dict[str, float]]]] = {}
    for exchange in image_searches(evidence):
        request = image_request(exchange)
        body = answered(exchange)
        if body is None or request is None or not request.schema_valid or not request.by_bytes:
            continue
        reported = _reported_boxes(body)
        if reported is None:
            continue
        key = (str(request.collection_id), str(request.image_key))
        if key not in anchors:
            anchors[key] = (exchange, reported)
            continue
        first, seen = anchors[key]
        problems = [
            f"{box} reported only by the first answer" for box in _unmatched(seen, reported)
        ]
        problems += [f"{box} reported only by the second" for box in _unmatched(reported, seen)]
        yield judged(problems, first, exchange)
