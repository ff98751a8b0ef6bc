"""Reading the collection under test the way the rules will: through the public API only.

Rules derive the collection's content from these very exchanges (see `conformance.evidence`),
so discovery sends exactly what they need: DescribeCollection, every page of ListUsers and
ListFaces, and DescribeCollection of two collections that certainly do not exist (a short name
and one of the maximum 255 characters), which lets the rules tell "unknown collection" answers
from "invalid id" ones. The engine only uses the result to choose what to ask.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from conformance.config import MISSING_PREFIX
from conformance.evidence.listings import Listing, page_of
from conformance.exchange import Exchange
from conformance.targets.base import iter_pages
from conformance.transport import Client

MAX_COLLECTION_ID = 255
MAX_PAGES = 5
"""Per listing: 2,500 users and 20,480 faces. Beyond that the listing stays incomplete and the
rules that need a complete one are not verified, rather than the budget going to listings."""
LIST_USERS_PAGE = 500
LIST_FACES_PAGE = 4096


def missing_collection_ids() -> tuple[str, str]:
    """Two fresh names no one has created: a short one, and one of the maximum length."""
    token = uuid.uuid4().hex
    short = MISSING_PREFIX + token[:12]
    filler = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-" * 4
    long = (MISSING_PREFIX + token + "." + filler)[:MAX_COLLECTION_ID]
    return short, long


@dataclass
class Discovery:
    collection_id: str
    users: dict[str, str | None] = field(default_factory=dict)
    faces: dict[str, str | None] = field(default_factory=dict)
    """FaceId -> owning UserId (None: associated with nobody)."""
    users_complete: bool = False
    faces_complete: bool = False
    missing: tuple[str, ...] = ()
    exchanges: list[Exchange] = field(default_factory=list)

    def faces_of(self) -> dict[str, list[str]]:
        owned: dict[str, list[str]] = {}
        for face, user in sorted(self.faces.items()):
            if user is not None:
                owned.setdefault(user, []).append(face)
        return owned

    def searchable_users(self) -> list[str]:
        """Users with at least one face, most faces first (then by id, for reproducibility)."""
        owned = self.faces_of()
        return sorted(owned, key=lambda user: (-len(owned[user]), user))

    def associated_faces(self) -> list[str]:
        return sorted(face for face, user in self.faces.items() if user is not None)

    def unassociated_faces(self) -> list[str]:
        return sorted(face for face, user in self.faces.items() if user is None)


def discover(client: Client, collection_id: str, *, probe_missing: bool = True) -> Discovery:
    """Read the collection; `probe_missing` False skips the two missing-collection probes (a
    wait re-reads the collection, the probes need sending once)."""
    found = Discovery(collection_id)
    found.exchanges.append(
        client.call("DescribeCollection", {"CollectionId": collection_id}, label="discovery")
    )
    found.users_complete = _list(client, found, "ListUsers", LIST_USERS_PAGE)
    found.faces_complete = _list(client, found, "ListFaces", LIST_FACES_PAGE)
    if probe_missing:
        probe_missing_collections(client, found)
    return found


def probe_missing_collections(client: Client, found: Discovery) -> None:
    found.missing = missing_collection_ids()
    for missing in found.missing:
        found.exchanges.append(
            client.call("DescribeCollection", {"CollectionId": missing}, label="discovery")
        )


def _list(client: Client, found: Discovery, operation: str, page_size: int) -> bool:
    """Read a listing into `found` as the rules will read it (`conformance.evidence.listings`);
    True when its last page was reached. What an incomplete listing showed is kept too: it
    still tells the engine what to ask about."""
    listing = Listing()
    pages = iter_pages(
        client,
        operation,
        {"CollectionId": found.collection_id, "MaxResults": page_size},
        label="discovery",
        max_pages=MAX_PAGES,
    )
    for exchange in pages:
        found.exchanges.append(exchange)
        page = page_of(exchange)
        if page is not None:
            listing.add(exchange, page)
    (found.users if operation == "ListUsers" else found.faces).update(listing.items)
    return listing.complete
