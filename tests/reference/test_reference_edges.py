"""Smaller documented choices and concurrency under mixed load."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from conformance.reference import faces
from conformance.reference.server import ReferenceServer

from .conftest import make_client


def test_search_by_user_without_faces_matches_nothing(
    client: Any, collection: str, user_with: Callable[..., str]
) -> None:
    user_with("has-faces", faces.person_image(1))
    client.create_user(CollectionId=collection, UserId="bare")
    result = client.search_users(CollectionId=collection, UserId="bare", UserMatchThreshold=0)
    assert result["UserMatches"] == []
    assert result["SearchedUser"] == {"UserId": "bare"}


def test_list_faces_for_unknown_user_is_empty(
    client: Any, collection: str, index: Callable[[bytes], str]
) -> None:
    index(faces.person_image(2))
    assert client.list_faces(CollectionId=collection, UserId="nobody")["Faces"] == []


def test_delete_collection_forgets_everything(client: Any) -> None:
    client.create_collection(CollectionId="recycled")
    client.create_user(CollectionId="recycled", UserId="u", ClientRequestToken="same-token")
    client.delete_collection(CollectionId="recycled")
    client.create_collection(CollectionId="recycled")
    described = client.describe_collection(CollectionId="recycled")
    assert described["UserCount"] == 0 and described["FaceCount"] == 0
    # the token died with the old collection: this creates the user again
    client.create_user(CollectionId="recycled", UserId="u", ClientRequestToken="same-token")
    assert client.describe_collection(CollectionId="recycled")["UserCount"] == 1


def test_user_count_and_zero_max_results(client: Any, collection: str) -> None:
    for name in ("a", "b", "c"):
        client.create_user(CollectionId=collection, UserId=name)
    assert client.describe_collection(CollectionId=collection)["UserCount"] == 3
    page = client.list_collections(MaxResults=0)
    assert collection in page["CollectionIds"]


def test_searches_during_mutations_never_fail() -> None:
    with ReferenceServer(quiet=True) as srv:
        client = make_client(srv.url)
        client.create_collection(CollectionId="busy")
        face_ids = [
            client.index_faces(
                CollectionId="busy", Image={"Bytes": faces.person_image(1, 0.02 * i, salt=i)}
            )["FaceRecords"][0]["Face"]["FaceId"]
            for i in range(6)
        ]
        for n in range(3):
            client.create_user(CollectionId="busy", UserId=f"u{n}")
        failures: list[BaseException] = []
        stop = threading.Event()

        def churn() -> None:
            local = make_client(srv.url)
            try:
                while not stop.is_set():
                    for n in range(3):
                        local.associate_faces(
                            CollectionId="busy", UserId=f"u{n}", FaceIds=[face_ids[n]]
                        )
                    for n in range(3):
                        local.disassociate_faces(
                            CollectionId="busy", UserId=f"u{n}", FaceIds=[face_ids[n]]
                        )
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        def search() -> None:
            local = make_client(srv.url)
            try:
                for _ in range(40):
                    result = local.search_users(
                        CollectionId="busy", FaceId=face_ids[5], UserMatchThreshold=0
                    )
                    ids = [m["User"]["UserId"] for m in result["UserMatches"]]
                    assert ids == sorted(set(ids), key=ids.index)  # no duplicates
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        writer = threading.Thread(target=churn)
        readers = [threading.Thread(target=search) for _ in range(3)]
        writer.start()
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        stop.set()
        writer.join()
        assert failures == []
