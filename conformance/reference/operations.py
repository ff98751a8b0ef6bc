"""One function per Rekognition operation: validated params in, response dict out.

Every function receives input already checked against the service model (see validation.py)
and raises `ApiError` for anything AWS would refuse. Choices where AWS documents nothing:

- SearchUsers/SearchUsersByImage: MaxUsers defaults to 500 (the model's maximum); a user
  matches when its similarity is >= UserMatchThreshold (inclusive); ties are broken by UserId
  ascending; a user's similarity is the max over its faces, and a UserId search takes the max
  over all (searched user's face, candidate face) pairs. The searched user is never returned.
- Exactly one of FaceId/UserId, else InvalidParameterException; an unknown well-formed
  FaceId or UserId is InvalidParameterException "Request has invalid parameters".
- ListFaces is ordered by FaceId, ListUsers by UserId, ListCollections by CollectionId.
  Default page sizes: ListFaces 1000, ListUsers 100, ListCollections 1000 (MaxResults 0 means
  the default, so a pagination loop can never stall on empty pages).
- Faces in an image come from scenes.detect (documented there): IndexFaces indexes the
  largest MaxFaces faces its QualityFilter (default AUTO) keeps; SearchUsersByImage searches the
  largest face its QualityFilter (default NONE) keeps and answers an image without one with
  empty UserMatches and no SearchedFace. S3Object: InvalidS3ObjectException (no S3 access).
- AssociateFaces compares each candidate with the user's faces, including faces accepted
  earlier in the same call; the first face of a user with none is always accepted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from conformance.reference import faces, pagination, scenes
from conformance.reference.api_errors import ApiError, invalid_parameter, not_found
from conformance.reference.records import FaceRecord, TokenRecord, UserRecord
from conformance.reference.search import SearchIndex
from conformance.reference.store import FACE_MODEL_VERSION, Collection, Readable, Store

Params = dict[str, Any]
Result = dict[str, Any]
Operation = Callable[[Store, Params], Result]
ReadOperation = Callable[[Readable, Params], Result]

DEFAULT_MAX_USERS = 500
DEFAULT_SEARCH_THRESHOLD = 80.0
DEFAULT_ASSOCIATE_THRESHOLD = 75.0
MAX_FACES_PER_USER = 100
DEFAULT_PAGE = {"ListFaces": 1000, "ListUsers": 100, "ListCollections": 1000}


# --- shared helpers ------------------------------------------------------------------------------


def _collection(store: Readable, collection_id: str) -> Collection:
    collection = store.collection(collection_id)
    if collection is None:
        raise not_found(f"The collection id: {collection_id} does not exist")
    return collection


def _user(collection: Collection, user_id: str) -> UserRecord:
    user = collection.users.get(user_id)
    if user is None:
        raise not_found(f"The user id: {user_id} does not exist")
    return user


def _page_size(operation: str, params: Params) -> int:
    return int(params.get("MaxResults") or DEFAULT_PAGE[operation])


def _idempotent(
    store: Store, collection: Collection, operation: str, params: Params, run: Callable[[], Result]
) -> Result:
    """Replay the first result for a repeated ClientRequestToken with the same parameters."""
    token = params.get("ClientRequestToken")
    if token is None:
        return run()
    fingerprint = json.dumps(
        {k: v for k, v in params.items() if k != "ClientRequestToken"}, sort_keys=True
    )
    previous = collection.tokens.get((operation, token))
    if previous is not None:
        if previous.fingerprint != fingerprint:
            raise ApiError(
                "IdempotentParameterMismatchException",
                "ClientRequestToken was already used with different parameters",
            )
        replay: Result = json.loads(previous.response)
        return replay
    result = run()
    store.remember_token(collection, operation, token, TokenRecord(fingerprint, json.dumps(result)))
    return result


UserFacesWrite = Callable[[Store, Collection, UserRecord, Params], Result]


def _user_faces_write(
    store: Store, params: Params, operation: str, write: UserFacesWrite
) -> Result:
    """(Dis)associations need an existing user first, and replay like any idempotent write."""
    with store.transaction():
        collection = _collection(store, params["CollectionId"])
        user = _user(collection, params["UserId"])
        return _idempotent(
            store, collection, operation, params, lambda: write(store, collection, user, params)
        )


def _image_bytes(params: Params) -> bytes:
    image = params["Image"]
    if "Bytes" in image and "S3Object" in image:
        raise invalid_parameter("Provide either Image.Bytes or Image.S3Object, not both")
    if "S3Object" in image:
        raise ApiError(
            "InvalidS3ObjectException",
            "This reference service has no S3 access: send the image as Image.Bytes",
        )
    if "Bytes" not in image:
        raise invalid_parameter("Image.Bytes is required")
    data: bytes = image["Bytes"]
    return data


def _detect(params: Params) -> list[scenes.DetectedFace]:
    """The faces of the request's image, largest first (scenes.py says what a face is)."""
    try:
        return scenes.detect(_image_bytes(params))
    except faces.ImageFormatError as exc:
        raise ApiError("InvalidImageFormatException", "Request has invalid image format") from exc


def _no_face_detail() -> Result:
    return {"BoundingBox": dict(faces.BOUNDING_BOX), "Confidence": 12.5}


def _face_json(face: FaceRecord) -> Result:
    out: Result = {
        "FaceId": face.face_id,
        "BoundingBox": dict(face.bounding_box or faces.BOUNDING_BOX),
        "ImageId": face.image_id,
        "Confidence": face.confidence,
        "IndexFacesModelVersion": FACE_MODEL_VERSION,
    }
    if face.external_image_id is not None:
        out["ExternalImageId"] = face.external_image_id
    if face.user_id is not None:
        out["UserId"] = face.user_id
    return out


def _unsuccessful(
    face_id: str, reason: str, user_id: str | None = None, confidence: float | None = None
) -> Result:
    """One entry of an Unsuccessful* list: AWS omits the members it has nothing to say in."""
    entry: Result = {"FaceId": face_id}
    if user_id is not None:
        entry["UserId"] = user_id
    if confidence is not None:
        entry["Confidence"] = confidence
    entry["Reasons"] = [reason]
    return entry


def _unique(face_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(face_ids))


# --- collections ---------------------------------------------------------------------------------


def create_collection(store: Store, params: Params) -> Result:
    collection_id = params["CollectionId"]
    with store.transaction():
        if store.collection(collection_id) is not None:
            raise ApiError(
                "ResourceAlreadyExistsException",
                f"The collection id: {collection_id} already exists",
            )
        collection = store.create_collection(collection_id)
    return {
        "StatusCode": 200,
        "CollectionArn": collection.arn,
        "FaceModelVersion": FACE_MODEL_VERSION,
    }


def delete_collection(store: Store, params: Params) -> Result:
    with store.transaction():
        _collection(store, params["CollectionId"])
        store.delete_collection(params["CollectionId"])
    return {"StatusCode": 200}


def describe_collection(store: Readable, params: Params) -> Result:
    with store.lock:
        collection = _collection(store, params["CollectionId"])
        return {
            "FaceCount": len(collection.faces),
            "FaceModelVersion": FACE_MODEL_VERSION,
            "CollectionARN": collection.arn,
            "CreationTimestamp": collection.created,
            "UserCount": len(collection.users),
        }


def list_collections(store: Readable, params: Params) -> Result:
    with store.lock:
        ids, token = pagination.page(
            store.collection_ids(),
            "ListCollections",
            params.get("NextToken"),
            _page_size("ListCollections", params),
        )
    result: Result = {"CollectionIds": ids, "FaceModelVersions": [FACE_MODEL_VERSION] * len(ids)}
    if token:
        result["NextToken"] = token
    return result


# --- faces ---------------------------------------------------------------------------------------


def index_faces(store: Store, params: Params) -> Result:
    """Indexes the largest ``MaxFaces`` faces that pass ``QualityFilter`` (default AUTO, as the
    model says); the others are UnindexedFaces with their reasons (EXCEEDS_MAX_FACES past the
    limit). An image with no face reports one LOW_CONFIDENCE detection, indexing nothing."""
    with store.lock:
        _collection(store, params["CollectionId"])
    detected = _detect(params)  # outside the lock: decoding is the slow part
    result: Result = {
        "FaceRecords": [],
        "FaceModelVersion": FACE_MODEL_VERSION,
        "UnindexedFaces": [],
    }
    if not detected:
        result["UnindexedFaces"].append(
            {"Reasons": ["LOW_CONFIDENCE"], "FaceDetail": _no_face_detail()}
        )
        return result
    quality = params.get("QualityFilter", "AUTO")
    room = int(params.get("MaxFaces", len(detected)))
    records: list[FaceRecord] = []
    for found in detected:
        reasons = found.reasons(quality) or ([] if len(records) < room else ["EXCEEDS_MAX_FACES"])
        if reasons:
            result["UnindexedFaces"].append({"Reasons": reasons, "FaceDetail": found.detail()})
            continue
        face = FaceRecord(
            face_id=str(uuid.uuid4()),
            image_id=str(uuid.uuid4()),
            external_image_id=params.get("ExternalImageId"),
            confidence=faces.face_confidence(found.embedding),
            embedding=found.embedding,
            bounding_box=None if found.whole_image else dict(found.box),
        )
        records.append(face)
        result["FaceRecords"].append({"Face": _face_json(face), "FaceDetail": found.detail()})
    if records:
        with store.transaction():
            store.add_faces(_collection(store, params["CollectionId"]), records)
    return result


def list_faces(store: Readable, params: Params) -> Result:
    with store.lock:
        collection = _collection(store, params["CollectionId"])
        if "UserId" in params:
            user = collection.users.get(params["UserId"])
            candidates = set(user.face_ids) if user else set()
        else:
            candidates = set(collection.faces)
        if "FaceIds" in params:
            candidates &= set(params["FaceIds"])
        ids, token = pagination.page(
            sorted(candidates),
            f"ListFaces:{collection.collection_id}",
            params.get("NextToken"),
            _page_size("ListFaces", params),
        )
        result: Result = {
            "Faces": [_face_json(collection.faces[face_id]) for face_id in ids],
            "FaceModelVersion": FACE_MODEL_VERSION,
        }
    if token:
        result["NextToken"] = token
    return result


def delete_faces(store: Store, params: Params) -> Result:
    deleted: list[str] = []
    unsuccessful: list[Result] = []
    with store.transaction():
        collection = _collection(store, params["CollectionId"])
        for face_id in _unique(params["FaceIds"]):
            face = collection.faces.get(face_id)
            if face is None:
                unsuccessful.append(_unsuccessful(face_id, "FACE_NOT_FOUND"))
            elif face.user_id is not None:
                unsuccessful.append(
                    _unsuccessful(face_id, "ASSOCIATED_TO_AN_EXISTING_USER", face.user_id)
                )
            else:
                store.delete_face(collection, face_id)
                deleted.append(face_id)
    return {"DeletedFaces": deleted, "UnsuccessfulFaceDeletions": unsuccessful}


# --- users ---------------------------------------------------------------------------------------


def create_user(store: Store, params: Params) -> Result:
    with store.transaction():
        collection = _collection(store, params["CollectionId"])

        def run() -> Result:
            if params["UserId"] in collection.users:
                raise ApiError(
                    "ConflictException", f"The user id: {params['UserId']} already exists"
                )
            store.create_user(collection, params["UserId"])
            return {}

        return _idempotent(store, collection, "CreateUser", params, run)


def delete_user(store: Store, params: Params) -> Result:
    with store.transaction():
        collection = _collection(store, params["CollectionId"])

        def run() -> Result:
            _user(collection, params["UserId"])
            store.delete_user(collection, params["UserId"])  # disassociates its faces first
            return {}

        return _idempotent(store, collection, "DeleteUser", params, run)


def list_users(store: Readable, params: Params) -> Result:
    with store.lock:
        collection = _collection(store, params["CollectionId"])
        ids, token = pagination.page(
            sorted(collection.users),
            f"ListUsers:{collection.collection_id}",
            params.get("NextToken"),
            _page_size("ListUsers", params),
        )
        result: Result = {
            "Users": [{"UserId": i, "UserStatus": collection.users[i].status} for i in ids]
        }
    if token:
        result["NextToken"] = token
    return result


def associate_faces(store: Store, params: Params) -> Result:
    return _user_faces_write(store, params, "AssociateFaces", _associate)


def _associate(store: Store, collection: Collection, user: UserRecord, params: Params) -> Result:
    threshold = float(params.get("UserMatchThreshold", DEFAULT_ASSOCIATE_THRESHOLD))
    anchors = [collection.faces[face_id].embedding for face_id in user.face_ids]
    accepted: list[str] = []
    unsuccessful: list[Result] = []
    for face_id in _unique(params["FaceIds"]):
        face = collection.faces.get(face_id)
        if face is None:
            unsuccessful.append(_unsuccessful(face_id, "FACE_NOT_FOUND", user.user_id))
        elif face.user_id == user.user_id:
            continue  # already this user's: AWS ignores it and does not report it
        elif face.user_id is not None:
            unsuccessful.append(
                _unsuccessful(face_id, "ASSOCIATED_TO_A_DIFFERENT_USER", face.user_id)
            )
        else:
            confidence = max((faces.similarity(face.embedding, a) for a in anchors), default=None)
            if confidence is not None and confidence < threshold:
                unsuccessful.append(
                    _unsuccessful(face_id, "LOW_MATCH_CONFIDENCE", user.user_id, confidence)
                )
                continue
            accepted.append(face_id)
            anchors.append(face.embedding)
    if len(user.face_ids) + len(accepted) > MAX_FACES_PER_USER:
        raise ApiError(
            "ServiceQuotaExceededException",
            f"A user can have at most {MAX_FACES_PER_USER} associated faces",
        )
    for face_id in accepted:
        store.associate(collection, user.user_id, face_id)
    return {
        "AssociatedFaces": [{"FaceId": face_id} for face_id in accepted],
        "UnsuccessfulFaceAssociations": unsuccessful,
        "UserStatus": user.status,
    }


def disassociate_faces(store: Store, params: Params) -> Result:
    return _user_faces_write(store, params, "DisassociateFaces", _disassociate)


def _disassociate(store: Store, collection: Collection, user: UserRecord, params: Params) -> Result:
    done: list[Result] = []
    unsuccessful: list[Result] = []
    for face_id in _unique(params["FaceIds"]):
        face = collection.faces.get(face_id)
        if face is None:
            unsuccessful.append(_unsuccessful(face_id, "FACE_NOT_FOUND", user.user_id))
        elif face.user_id != user.user_id:
            unsuccessful.append(
                _unsuccessful(face_id, "ASSOCIATED_TO_A_DIFFERENT_USER", face.user_id)
            )
        else:
            store.disassociate(collection, user.user_id, face_id)
            done.append({"FaceId": face_id})
    return {
        "DisassociatedFaces": done,
        "UnsuccessfulFaceDisassociations": unsuccessful,
        "UserStatus": user.status,
    }


# --- search --------------------------------------------------------------------------------------


def _matches(
    index: SearchIndex, queries: list[faces.Embedding], params: Params, exclude: str | None
) -> list[Result]:
    """Search a snapshot without holding the store lock, so searches run in parallel.

    The index is immutable and only holds users that had faces when it was taken, so every
    match is ACTIVE as of that snapshot: results are consistent with one moment in time.
    """
    found = index.search(
        queries,
        threshold=float(params.get("UserMatchThreshold", DEFAULT_SEARCH_THRESHOLD)),
        limit=int(params.get("MaxUsers", DEFAULT_MAX_USERS)),
        exclude=exclude,
    )
    return [
        {"Similarity": m.similarity, "User": {"UserId": m.user_id, "UserStatus": "ACTIVE"}}
        for m in found
    ]


def search_users(store: Readable, params: Params) -> Result:
    if ("UserId" in params) == ("FaceId" in params):
        raise invalid_parameter("Exactly one of FaceId or UserId must be provided")
    with store.lock:
        collection = _collection(store, params["CollectionId"])
        index = collection.index()
        exclude: str | None = None
        if "FaceId" in params:
            face = collection.faces.get(params["FaceId"])
            if face is None:
                raise invalid_parameter()
            queries = [face.embedding]
            searched: Result = {"SearchedFace": {"FaceId": face.face_id}}
        else:
            user = collection.users.get(params["UserId"])
            if user is None:
                raise invalid_parameter()
            queries = [collection.faces[face_id].embedding for face_id in user.face_ids]
            exclude = user.user_id
            searched = {"SearchedUser": {"UserId": user.user_id}}
    return {
        "UserMatches": _matches(index, queries, params, exclude),
        "FaceModelVersion": FACE_MODEL_VERSION,
        **searched,
    }


def search_users_by_image(store: Readable, params: Params) -> Result:
    """Searches with the largest face that passes ``QualityFilter`` (default NONE: all pass).

    Every other detected face is an UnsearchedFace: with the filter's reasons if it dropped
    the face, else FACE_NOT_LARGEST. With no face left to search the answer is, as the model
    says, an empty UserMatches and no SearchedFace.
    """
    with store.lock:
        _collection(store, params["CollectionId"])
    detected = _detect(params)
    quality = params.get("QualityFilter", "NONE")
    searched = next((f for f in detected if not f.reasons(quality)), None)
    unsearched = [
        {"FaceDetails": f.detail(), "Reasons": f.reasons(quality) or ["FACE_NOT_LARGEST"]}
        for f in detected
        if f is not searched
    ]
    result: Result = {"UserMatches": [], "FaceModelVersion": FACE_MODEL_VERSION}
    if searched is not None:
        with store.lock:
            index = _collection(store, params["CollectionId"]).index()
        result["UserMatches"] = _matches(index, [searched.embedding], params, None)
        result["SearchedFace"] = {"FaceDetail": searched.detail()}
    result["UnsearchedFaces"] = unsearched
    return result


OPERATIONS: dict[str, Operation] = {
    "CreateCollection": create_collection,
    "DeleteCollection": delete_collection,
    "DescribeCollection": describe_collection,
    "ListCollections": list_collections,
    "IndexFaces": index_faces,
    "ListFaces": list_faces,
    "DeleteFaces": delete_faces,
    "CreateUser": create_user,
    "DeleteUser": delete_user,
    "ListUsers": list_users,
    "AssociateFaces": associate_faces,
    "DisassociateFaces": disassociate_faces,
    "SearchUsers": search_users,
    "SearchUsersByImage": search_users_by_image,
}

READS: dict[str, ReadOperation] = {
    name: operation
    for name, operation in (
        ("DescribeCollection", describe_collection),
        ("ListCollections", list_collections),
        ("ListFaces", list_faces),
        ("ListUsers", list_users),
        ("SearchUsers", search_users),
        ("SearchUsersByImage", search_users_by_image),
    )
}
"""The operations that only read: what a lagging store (`lag.py`) may serve from its history."""
