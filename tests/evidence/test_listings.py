"""One reading of a listing: discovery, the evidence views and the write model agree on what
every page said, including the awkward pages an independent implementation may send."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

import pytest

from conformance.engine.discovery import discover
from conformance.evidence import Evidence
from conformance.evidence.listings import page_of, single_page
from conformance.evidence.writes import RunModel
from conformance.exchange import Exchange

C = "people"
_ids = itertools.count(1)


def answer(operation: str, params: Mapping[str, Any], body: Any, status: int = 200) -> Exchange:
    request = {"CollectionId": C, **params}
    return Exchange(
        index=next(_ids),
        operation=operation,
        params=request,
        request_headers={},
        request_body=json.dumps(request).encode(),
        status=status,
        response_headers={"content-type": "application/x-amz-json-1.1"},
        response_body=json.dumps(body).encode(),
    )


class PagedTarget:
    """An in-process stand-in answering each listing page from a script (unit test only)."""

    def __init__(self, users: list[tuple[Any, int]], faces: list[tuple[Any, int]]) -> None:
        self.pages = {"ListUsers": users, "ListFaces": faces}

    def call(self, operation: str, params: Mapping[str, Any], *, label: str = "") -> Exchange:
        request = {k: v for k, v in params.items() if k != "CollectionId"}
        if operation not in self.pages:
            return answer(operation, request, {"FaceModelVersion": "7.0"})
        body, status = self.pages[operation].pop(0)
        return answer(operation, request, body, status)


def users(*rows: dict[str, Any], token: Any = None) -> tuple[Any, int]:
    return {"Users": list(rows), **({} if token is None else {"NextToken": token})}, 200


def faces(*rows: dict[str, Any], token: Any = None) -> tuple[Any, int]:
    return {"Faces": list(rows), **({} if token is None else {"NextToken": token})}, 200


ANN = {"UserId": "ann", "UserStatus": "ACTIVE"}
BOB = {"UserId": "bob", "UserStatus": "CREATED"}
FACE = {"FaceId": "f1", "UserId": "ann"}
LOOSE = {"FaceId": "f2"}
BROKEN = ({"__type": "InternalServerError"}, 500)

CASES = {
    # an empty NextToken ends a listing, as botocore's paginator reads it
    "empty token ends": ([users(ANN, token="t"), users(BOB, token="")], [faces(FACE, LOOSE)]),
    # a token that is not a string can neither be followed nor taken as the end
    "unreadable token": ([users(ANN, token=7)], [faces(FACE, token={"page": 2})]),
    # an error page leaves the listing incomplete
    "error page": ([users(ANN, token="t"), BROKEN], [BROKEN]),
    # empty ids name nothing; an empty owner or status is no value
    "empty strings": (
        [users(ANN, {"UserId": "", "UserStatus": "ACTIVE"}, {"UserId": "bob", "UserStatus": ""})],
        [faces(FACE, {"FaceId": "f2", "UserId": ""}, {"FaceId": ""})],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_discovery_and_evidence_read_a_listing_alike(name: str) -> None:
    listed_users, listed_faces = CASES[name]
    found = discover(PagedTarget(list(listed_users), list(listed_faces)), C, probe_missing=False)
    view = Evidence(found.exchanges).view(found.exchanges[-1])
    assert view is not None
    assert (view.users is not None) == found.users_complete
    assert (view.faces is not None) == found.faces_complete
    if view.users is not None:
        assert view.users == found.users
    if view.faces is not None:
        assert view.faces == found.faces


def test_the_reading_itself() -> None:
    found = discover(PagedTarget(*CASES["empty strings"]), C, probe_missing=False)
    assert found.users == {"ann": "ACTIVE", "bob": None}
    assert found.faces == {"f1": "ann", "f2": None}
    assert found.users_complete and found.faces_complete
    unreadable = discover(PagedTarget(*CASES["unreadable token"]), C, probe_missing=False)
    assert not unreadable.users_complete and not unreadable.faces_complete
    assert unreadable.users == {"ann": "ACTIVE"}  # what it showed still guides the engine


def test_error_and_unreadable_pages_are_no_pages() -> None:
    assert page_of(answer("ListUsers", {}, *BROKEN)) is None
    assert page_of(answer("ListUsers", {}, ["not", "an", "object"])) is None
    assert page_of(answer("DescribeCollection", {}, {"Users": []})) is None
    page = page_of(answer("ListFaces", {}, {"Faces": [FACE, "junk", {"UserId": "x"}]}))
    assert page is not None and page.items == {"f1": "ann"} and len(page.rows) == 2


def test_single_page_needs_a_readable_last_page() -> None:
    assert single_page(answer("ListUsers", {}, {"Users": [ANN]}))
    assert single_page(answer("ListUsers", {}, {"Users": [ANN], "NextToken": ""}))
    assert not single_page(answer("ListUsers", {}, {"Users": [ANN], "NextToken": 3}))
    assert not single_page(answer("ListUsers", {"NextToken": "t"}, {"Users": [ANN]}))


def test_an_empty_status_does_not_settle_a_user() -> None:
    """The write model reads statuses through the same page reader: "" says nothing."""
    model = RunModel()
    for exchange in (
        answer("CreateUser", {"UserId": "ann"}, {}),
        answer("IndexFaces", {}, {"FaceRecords": [{"Face": {"FaceId": "f1"}}]}),
        answer(
            "AssociateFaces",
            {"UserId": "ann", "FaceIds": ["f1"]},
            {"AssociatedFaces": [{"FaceId": "f1"}], "UserStatus": "UPDATING"},
        ),
        answer("ListUsers", {}, {"Users": [{"UserId": "ann", "UserStatus": ""}]}),
    ):
        model.apply(exchange)
    state = model.get(C)
    assert state is not None and not state.users["ann"].settled
    model.apply(answer("ListUsers", {}, {"Users": [ANN]}))
    assert state.users["ann"].settled


class Paginated:
    """A stand-in boto3 client whose paginators yield scripted pages (unit test only)."""

    def __init__(self, pages: dict[str, list[dict[str, Any]]]) -> None:
        self.pages = pages

    def get_paginator(self, name: str) -> Any:
        pages = self.pages[name]
        return type("Paginator", (), {"paginate": lambda _self, **_: iter(pages)})()


def test_the_plugin_fixture_reads_listings_as_the_gate_does() -> None:
    """searchusers_collection reads boto3's pages with the same page reader: an empty or
    missing id names nobody, an empty owner is no owner."""
    from conformance.plugin.fixtures import describe_collection

    client = Paginated(
        {
            "list_users": [{"Users": [ANN, {"UserId": ""}, {"UserStatus": "ACTIVE"}]}],
            "list_faces": [
                {"Faces": [FACE, LOOSE, {"FaceId": "f3", "UserId": ""}, {"UserId": "ann"}]}
            ],
        }
    )
    found = describe_collection(client, C)
    assert found.users == {"ann": ("f1",)}
    assert found.unassociated_faces == ("f2", "f3")
