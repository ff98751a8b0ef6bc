"""How a ListUsers or ListFaces answer reads: the one reading discovery, the evidence views,
the write model and the stateful rules share, so none of them can disagree about what a
listing said.

The reading is the strict-safe one, because it decides what the rules hold a target to:

- only a 2xx answer whose body is a JSON object is a page; an error page ends nothing and
  shows nothing (the chain may still go on if the same page is asked again and answered);
- a page is the last when `NextToken` is absent or empty, and a token that is no string
  leaves the listing incomplete: `exchange.next_page`, the rule the targets' page follower
  (`targets.base.iter_pages`) stops by too;
- an item counts only with a non-empty string id (an empty id names nothing anyone could
  search), and its value (UserStatus, a face's UserId) only when it is a non-empty string:
  an empty owner is no owner, and an empty status says nothing about settled work. The items
  as sent stay available (`Page.rows`) for the rules that judge the values themselves.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.evidence.reading import answer_of, param
from conformance.exchange import Exchange, next_page


@dataclass(frozen=True)
class ListingShape:
    """Where a listing operation keeps its items, and which CollectionView field it fills."""

    member: str
    id_field: str
    value_field: str
    attribute: str


SHAPES = {
    "ListUsers": ListingShape("Users", "UserId", "UserStatus", "users"),
    "ListFaces": ListingShape("Faces", "FaceId", "UserId", "faces"),
}


@dataclass(frozen=True)
class Page:
    """One readable listing page."""

    rows: tuple[Mapping[str, Any], ...]
    """Every object item, exactly as sent."""
    items: dict[str, str | None]
    """Id -> value (UserStatus, or a face's owner), None when the value is unusable."""
    next_token: str | None
    last: bool
    """No further page (`exchange.NextPage.last`). False with `next_token` None: unreadable."""


def page_of(exchange: Exchange) -> Page | None:
    """The page a listing answer holds; None when it is no listing or not a readable answer."""
    if exchange.operation not in SHAPES or not exchange.ok or exchange.output is None:
        return None
    return read_page(exchange.operation, answer_of(exchange))


def read_page(operation: str, body: Mapping[str, Any]) -> Page:
    """A ListUsers/ListFaces answer's members as a page, however they arrived (an exchange's
    body, or a boto3 paginator's page in the plugin's fixture)."""
    shape = SHAPES[operation]
    raw = body.get(shape.member)
    rows = tuple(item for item in raw if isinstance(item, dict)) if isinstance(raw, list) else ()
    items = {
        row[shape.id_field]: _text(row.get(shape.value_field))
        for row in rows
        if _text(row.get(shape.id_field))
    }
    token, last = next_page(body)
    return Page(rows, items, token, last)


def filtered(exchange: Exchange) -> bool:
    """A listing narrowed by UserId/FaceIds is not a listing of the whole collection."""
    return bool(param(exchange, "UserId") or param(exchange, "FaceIds"))


def single_page(exchange: Exchange) -> bool:
    """A listing answered whole on its first page: nothing was asked with a token, none came."""
    page = page_of(exchange)
    return page is not None and page.last and not param(exchange, "NextToken")


@dataclass
class Listing:
    """One NextToken chain, read from its first page on."""

    items: dict[str, str | None] = field(default_factory=dict)
    sources: list[Exchange] = field(default_factory=list)
    next_token: str | None = None
    complete: bool = False

    def accepts(self, exchange: Exchange) -> bool:
        """Whether `exchange` asked for this chain's next page."""
        token = param(exchange, "NextToken")
        return self.next_token is not None and token == self.next_token

    def add(self, exchange: Exchange, page: Page) -> None:
        self.sources.append(exchange)
        self.items.update(page.items)
        self.next_token = page.next_token
        self.complete = page.last


def follow(
    chains: dict[Hashable, Listing], key: Hashable, exchange: Exchange, page: Page
) -> Listing | None:
    """Add `page` to the NextToken chain it continues (a page asked without a token starts a
    new one under `key`); None for a page whose chain's start was not seen."""
    listing = chains.get(key)
    if param(exchange, "NextToken") is None:
        listing = chains[key] = Listing()
    elif listing is None or not listing.accepts(exchange):
        return None
    listing.add(exchange, page)
    return listing


@dataclass(frozen=True)
class Listed:
    """What the last whole-collection ListUsers and ListFaces listings of one collection
    showed, complete or not: an incomplete listing still names users and faces to ask about."""

    users: dict[str, str | None]
    """UserId -> UserStatus (None: no usable status)."""
    faces: dict[str, str | None]
    """FaceId -> owning UserId (None: associated with nobody)."""
    users_complete: bool
    faces_complete: bool


def listed(exchanges: Iterable[Exchange], collection_id: str) -> Listed:
    """The last listing of each kind among `exchanges`, read page by page as the views read
    them (`follow`), so what discovery saw is what the rules will see."""
    chains: dict[Hashable, Listing] = {}
    last: dict[str, Listing] = {}
    for exchange in exchanges:
        if exchange.collection_id != collection_id or filtered(exchange):
            continue
        page = page_of(exchange)
        operation = str(exchange.operation)
        if page is not None and (chain := follow(chains, operation, exchange, page)) is not None:
            last[operation] = chain
    users = last.get("ListUsers", Listing())
    faces = last.get("ListFaces", Listing())
    return Listed(users.items, faces.items, users.complete, faces.complete)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
