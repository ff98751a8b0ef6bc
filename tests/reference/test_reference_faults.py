"""The faults hook: each example fault changes exactly what it claims to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.reference import faces
from conformance.reference.faults import (
    REGISTRY,
    Fault,
    RequestPlan,
    UnknownFaultError,
    register,
    resolve,
)
from conformance.reference.server import ReferenceServer

from .conftest import make_client


@contextmanager
def world(*fault_names: str) -> Iterator[tuple[Any, str]]:
    """A server with the faults on, three users above threshold, and a query face."""
    with ReferenceServer(faults=fault_names, quiet=True) as srv:
        client = make_client(srv.url)
        client.create_collection(CollectionId="f")
        for user_id, target in (("u1", 99.0), ("u2", 95.0), ("u3", 90.0)):
            image = faces.image_with_similarity(5, target)
            face = client.index_faces(CollectionId="f", Image={"Bytes": image})["FaceRecords"][0]
            client.create_user(CollectionId="f", UserId=user_id)
            client.associate_faces(
                CollectionId="f", UserId=user_id, FaceIds=[face["Face"]["FaceId"]]
            )
        query = client.index_faces(CollectionId="f", Image={"Bytes": faces.person_image(5)})
        yield client, query["FaceRecords"][0]["Face"]["FaceId"]


def _ids(result: dict[str, Any]) -> list[str]:
    return [m["User"]["UserId"] for m in result["UserMatches"]]


def test_no_fault_baseline() -> None:
    with world() as (client, query):
        assert _ids(client.search_users(CollectionId="f", FaceId=query)) == ["u1", "u2", "u3"]
        assert len(_ids(client.search_users(CollectionId="f", FaceId=query, MaxUsers=1))) == 1


def test_unordered_results() -> None:
    with world("unordered-results") as (client, query):
        assert _ids(client.search_users(CollectionId="f", FaceId=query)) == ["u3", "u2", "u1"]


def test_ignore_max_users() -> None:
    with world("ignore-max-users") as (client, query):
        assert len(_ids(client.search_users(CollectionId="f", FaceId=query, MaxUsers=1))) == 3


def test_wrong_content_type_and_missing_request_id() -> None:
    with world("wrong-content-type", "missing-request-id") as (client, _query):
        headers = client.list_collections()["ResponseMetadata"]["HTTPHeaders"]
        assert headers["content-type"] == "application/json"
        assert "x-amzn-requestid" not in headers


def test_resolve_rejects_unknown_names() -> None:
    with pytest.raises(UnknownFaultError):
        resolve(["unordered-results", "bogus"])
    with pytest.raises(UnknownFaultError):
        ReferenceServer(faults=["bogus"])
    assert resolve(["unordered-results", "unordered-results"]).names == ["unordered-results"]


def test_request_hook_can_skip_validation() -> None:
    def no_validation(plan: RequestPlan) -> None:
        plan.validate = False

    fault = Fault("test-skip-validation", "skip validation", on_request=no_validation)
    register(fault)
    try:
        with ReferenceServer(faults=[fault.name], quiet=True) as srv:
            client = make_client(srv.url, validate=False)
            client.create_collection(CollectionId="v")
            client.create_user(CollectionId="v", UserId="not valid but accepted")
            users = client.list_users(CollectionId="v")["Users"]
            assert users[0]["UserId"] == "not valid but accepted"
    finally:
        del REGISTRY[fault.name]
    with pytest.raises(ValueError):
        register(REGISTRY["unordered-results"])


def test_a_broken_fault_hook_is_a_json_500_not_a_dropped_connection() -> None:
    def broken(_plan: RequestPlan) -> None:
        raise RuntimeError("fault bug")

    fault = Fault("test-broken-hook", "raises", on_request=broken)
    register(fault)
    try:
        with ReferenceServer(faults=[fault.name], quiet=True) as srv:
            client = make_client(srv.url)
            with pytest.raises(ClientError) as exc:
                client.list_collections()
            assert exc.value.response["Error"]["Code"] == "InternalServerError"
            assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    finally:
        del REGISTRY[fault.name]
