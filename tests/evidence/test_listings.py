"""One reading of a listing: discovery, the evidence views and the write model agree on what
every page said, including the awkward pages an independent implementation may send."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

import pytest

from conformance.engine.discovery import Discovery, discover
from conformance.evidence import Evidence
from conformance.evidence.listings import listed, page_of, single_page
from conformance.evidence.writes import RunModel
from conformance.exchange import Exchange, NextPage, next_page
from conformance.targets.base import iter_pages

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
FACE_MAP = {"f1": "ann"}
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


def fresh(name: str) -> PagedTarget:
    """A target answering one case's pages (each target pops its own copy)."""
    listed_users, listed_faces = CASES[name]
    return PagedTarget(list(listed_users), list(listed_faces))


@pytest.mark.parametrize("name", sorted(CASES))
def test_discovery_and_evidence_read_a_listing_alike(name: str) -> None:
    found = discover(fresh(name), C, probe_missing=False)
    view = Evidence(found.exchanges).view(found.exchanges[-1])
    assert view is not None
    assert (view.users is not None) == found.users_complete
    assert (view.faces is not None) == found.faces_complete
    if view.users is not None:
        assert view.users == found.users
    if view.faces is not None:
        assert view.faces == found.faces


def test_the_reading_itself() -> None:
    found = discover(fresh("empty strings"), C, probe_missing=False)
    assert found.users == {"ann": "ACTIVE", "bob": None}
    assert found.faces == {"f1": "ann", "f2": None}
    assert found.users_complete and found.faces_complete
    unreadable = discover(fresh("unreadable token"), C, probe_missing=False)
    assert not unreadable.users_complete and not unreadable.faces_complete
    assert unreadable.users == {"ann": "ACTIVE"}  # what it showed still guides the engine


@pytest.mark.parametrize(
    ("body", "link"),
    [
        ({}, NextPage(None, last=True)),
        ({"NextToken": None}, NextPage(None, last=True)),
        ({"NextToken": ""}, NextPage(None, last=True)),  # botocore's paginator: no token
        ({"NextToken": "t2"}, NextPage("t2", last=False)),
        ({"NextToken": 7}, NextPage(None, last=False)),  # unreadable: neither on nor done
        ({"NextToken": {"page": 2}}, NextPage(None, last=False)),
    ],
)
def test_one_stopping_rule_for_every_listing(body: dict[str, Any], link: NextPage) -> None:
    assert next_page(body) == link
    page = page_of(answer("ListUsers", {}, {"Users": [ANN], **body}))
    assert page is not None and (page.next_token, page.last) == link
    # the targets' page follower asks for a next page exactly when the reading names one
    target = PagedTarget([({"Users": [ANN], **body}, 200), users(BOB)], [])
    sent = list(iter_pages(target, "ListUsers", {"CollectionId": C}, label="test"))
    assert len(sent) == (2 if link.token else 1)


def test_discovery_is_the_view_its_exchanges_give() -> None:
    """Discovery holds no reading of its own: the same exchanges give the same collection,
    and a second listing (a wait's re-read) replaces what the first showed."""
    found = discover(fresh("unreadable token"), C, probe_missing=False)
    again = Discovery(C, found.exchanges)
    assert (again.users, again.faces) == (found.users, found.faces) == ({"ann": "ACTIVE"}, FACE_MAP)
    assert listed(found.exchanges, C) == found.listed
    later = discover(fresh("empty token ends"), C, probe_missing=False)
    both = listed(found.exchanges + later.exchanges, C)
    assert both.users == {"ann": "ACTIVE", "bob": "CREATED"} and both.users_complete
    assert listed(found.exchanges, "another collection").users == {}


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
