"""`serve --seed-demo`: a small collection to poke at by hand or from the docs' examples.

Built through the operations themselves, so the demo state is exactly what a client making
the same calls would get. Idempotent: an existing "demo" collection (from `--state`) is kept.
"""

from __future__ import annotations

from conformance.reference import faces, operations
from conformance.reference.store import Store

DEMO_COLLECTION = "demo"
# user id -> (person seed, number of faces); "dave" stays CREATED with no faces.
DEMO_USERS = {"alice": (1, 2), "bob": (2, 2), "carol": (3, 1), "dave": (4, 0)}


def seed_demo(store: Store) -> bool:
    """Create the demo collection; False if it already existed."""
    if store.collection(DEMO_COLLECTION) is not None:
        return False
    operations.create_collection(store, {"CollectionId": DEMO_COLLECTION})
    for user_id, (seed, count) in DEMO_USERS.items():
        operations.create_user(store, {"CollectionId": DEMO_COLLECTION, "UserId": user_id})
        face_ids = [
            _index(store, faces.person_image(seed, variant=0.05 * n, salt=n), f"{user_id}-{n}")
            for n in range(count)
        ]
        if face_ids:
            operations.associate_faces(
                store, {"CollectionId": DEMO_COLLECTION, "UserId": user_id, "FaceIds": face_ids}
            )
    _index(store, faces.person_image(1, variant=0.1, salt=99), "alice-unassociated")
    return True


def _index(store: Store, image: bytes, external_id: str) -> str:
    result = operations.index_faces(
        store,
        {
            "CollectionId": DEMO_COLLECTION,
            "Image": {"Bytes": image},
            "ExternalImageId": external_id,
        },
    )
    face_id: str = result["FaceRecords"][0]["Face"]["FaceId"]
    return face_id
