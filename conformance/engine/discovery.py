"""Reading the collection under test the way the rules will: through the public API only.

Rules derive the collection's content from these very exchanges (see `conformance.evidence`),
so discovery sends exactly what they need: DescribeCollection, every page of ListUsers and
ListFaces, and DescribeCollection of two collections that certainly do not exist (a short name
and one of the maximum 255 characters), which lets the rules tell "unknown collection" answers
from "invalid id" ones. The engine only uses the result to choose what to ask, and reads it
from those exchanges with the evidence floor's reading (`Discovery` is a view), so discovery and
the rules cannot disagree about what a listing said.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property

from conformance.config import MISSING_PREFIX
from conformance.evidence.listings import Listed, listed
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


@dataclass(frozen=True)
class Discovery:
    """The collection under test as discovery's own exchanges show it: a view computed by the
    evidence floor (`evidence.listings.listed`), never a second reading of the pages."""

    collection_id: str
    exchanges: tuple[Exchange, ...] = ()
    missing: tuple[str, ...] = ()
    """The two collection ids probed as missing (empty until `probe_missing_collections`)."""

    @cached_property
    def listed(self) -> Listed:
        return listed(self.exchanges, self.collection_id)

    @property
    def users(self) -> dict[str, str | None]:
        """UserId -> UserStatus, as far as the listing went."""
        return self.listed.users

    @property
    def faces(self) -> dict[str, str | None]:
        """FaceId -> owning UserId (None: associated with nobody)."""
        return self.listed.faces

    @property
    def users_complete(self) -> bool:
        return self.listed.users_complete

    @property
    def faces_complete(self) -> bool:
        return self.listed.faces_complete

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
    exchanges = [
        client.call("DescribeCollection", {"CollectionId": collection_id}, label="discovery")
    ]
    for operation, page_size in (("ListUsers", LIST_USERS_PAGE), ("ListFaces", LIST_FACES_PAGE)):
        exchanges += iter_pages(
            client,
            operation,
            {"CollectionId": collection_id, "MaxResults": page_size},
            label="discovery",
            max_pages=MAX_PAGES,
        )
    found = Discovery(collection_id, tuple(exchanges))
    return probe_missing_collections(client, found) if probe_missing else found


def probe_missing_collections(client: Client, found: Discovery) -> Discovery:
    """`found` with the two missing-collection probes sent (they change no listing)."""
    missing = missing_collection_ids()
    probes = tuple(
        client.call("DescribeCollection", {"CollectionId": name}, label="discovery")
        for name in missing
    )
    return Discovery(found.collection_id, found.exchanges + probes, missing)
