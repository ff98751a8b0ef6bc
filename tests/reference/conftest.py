"""Fixtures: a real reference server on an ephemeral port and plain boto3 clients for it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from conformance.reference import faces
from conformance.reference.server import ReferenceServer

_names = itertools.count()


def make_client(url: str, validate: bool = True, attempts: int = 1) -> Any:
    """`attempts` > 1: boto3's standard retries, as an application would have them."""
    retries: Any = {"total_max_attempts": attempts}
    if attempts > 1:
        retries["mode"] = "standard"
    return boto3.client(
        "rekognition",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries=retries, parameter_validation=validate),
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(quiet=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server: ReferenceServer) -> Any:
    return make_client(server.url)


@pytest.fixture(scope="module")
def raw_client(server: ReferenceServer) -> Any:
    """A client with botocore's own parameter validation off, to reach the server's."""
    return make_client(server.url, validate=False)


@pytest.fixture
def collection(client: Any) -> str:
    name = f"col-{next(_names)}"
    client.create_collection(CollectionId=name)
    return name


@pytest.fixture
def index(client: Any, collection: str) -> Callable[[bytes], str]:
    """Index one image into the test's collection and return its FaceId."""

    def run(image: bytes) -> str:
        records = client.index_faces(CollectionId=collection, Image={"Bytes": image})["FaceRecords"]
        assert len(records) == 1
        face_id: str = records[0]["Face"]["FaceId"]
        return face_id

    return run


@pytest.fixture
def user_with(client: Any, collection: str, index: Callable[[bytes], str]) -> Callable[..., str]:
    """Create a user whose faces are the given images; returns the UserId."""

    def run(user_id: str, *images: bytes) -> str:
        client.create_user(CollectionId=collection, UserId=user_id)
        if images:
            face_ids = [index(image) for image in images]
            result = client.associate_faces(
                CollectionId=collection, UserId=user_id, FaceIds=face_ids, UserMatchThreshold=0
            )
            assert len(result["AssociatedFaces"]) == len(face_ids)
        return user_id

    return run


def error_code(excinfo: pytest.ExceptionInfo[Any]) -> str:
    code: str = excinfo.value.response["Error"]["Code"]
    return code


PERSON = faces.person_image
