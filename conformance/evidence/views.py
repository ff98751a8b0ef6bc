"""What a run's exchanges reveal, indexed for the rules.

Rules must not trust the engine's intentions (a cassette has none), so everything they need is
derived from the exchange log itself: which collection existed, its FaceModelVersion, and -- when
a ListUsers or ListFaces listing was read to its last page -- the complete set of users and
faces. Knowledge is kept per *epoch*: every request that may change a collection (anything but a
read operation) starts a new epoch, and a view only combines exchanges of one epoch, so a
stateful run that deletes a user never has a stale listing held against a later search.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.evidence.listings import SHAPES, Listing, filtered, follow, page_of
from conformance.exchange import READ_OPERATIONS, Exchange
from conformance.settle import describe


@dataclass
class CollectionView:
    """One collection as seen during one epoch. None means "not observed"."""

    collection_id: str
    epoch: int
    exists: bool | None = None
    face_model_version: str | None = None
    users: dict[str, str | None] | None = None
    """UserId -> UserStatus, only when a ListUsers listing completed in this epoch."""
    faces: dict[str, str | None] | None = None
    """FaceId -> UserId (None if unassociated), only when a ListFaces listing completed."""
    face_model_sources: list[Exchange] = field(default_factory=list)
    listing_sources: list[Exchange] = field(default_factory=list)
    """The pages of the last complete listing of each kind (the ones `users`/`faces` hold)."""
    completed: dict[str, list[list[Exchange]]] = field(default_factory=dict)
    """Every complete listing of the epoch, per kind, in order (each as its pages)."""

    def users_with_faces(self) -> set[str] | None:
        if self.faces is None:
            return None
        return {user for user in self.faces.values() if user}


class Evidence:
    """The exchange log of a run, with per-collection, per-epoch views."""

    def __init__(self, exchanges: Iterable[Exchange], *, strict_schema: bool = False) -> None:
        self.strict_schema = strict_schema
        """Unknown response members are violations (--strict-schema); AWS adds members over
        time, so by default they are accepted."""
        self.exchanges: list[Exchange] = sorted(exchanges, key=lambda e: e.index)
        self._epoch_of: dict[int, int] = {}
        self._views: dict[tuple[str, int], CollectionView] = {}
        self._superseded: set[int] = set()
        self._changed: set[int] = set()
        self.judge_polls = False
        """Make `superseded` answer False: to ask the rules how they would judge the polls."""
        self.cache: dict[str, Any] = {}
        """Derived views rules share (computed once per log)."""
        self._polled: dict[int, list[Exchange]] = {}
        self._build()
        self._find_polls()

    # -- queries used by rules --------------------------------------------------------------

    def of(self, operation: str) -> Iterator[Exchange]:
        return (e for e in self.exchanges if e.operation == operation)

    def searches(self) -> Iterator[Exchange]:
        """Every SearchUsers exchange the target answered (throttled ones excluded)."""
        return (e for e in self.of("SearchUsers") if not e.throttled)

    def epoch(self, exchange: Exchange) -> int:
        return self._epoch_of[exchange.index]

    def view(self, exchange: Exchange) -> CollectionView | None:
        """The collection `exchange` addressed, as known in the epoch it was sent."""
        collection = exchange.collection_id
        if not isinstance(collection, str):
            return None
        return self._views.get((collection, self.epoch(exchange)))

    def comparable_view(self, exchange: Exchange) -> CollectionView | None:
        """The view a read may be compared with (None: with nothing), see `settled_read`."""
        return self.view(exchange) if self.settled_read(exchange) else None

    def settled_read(self, exchange: Exchange) -> bool:
        """Whether rules may compare this read with the epoch's listings and other reads.

        Not a read whose answer changed when the run sent it again while it waited (its last
        sending is compared), nor one
        sent before the epoch's last complete listings began: after its own writes the run
        reads the listings until they show them, and an earlier read may have seen older state.
        (An epoch without listings offers nothing such a read could be compared with wrongly.)
        """
        view = self.view(exchange)
        if view is None or (exchange.index in self._changed and not self.judge_polls):
            return False
        return self.listed_before(view, exchange)

    def listed_before(self, view: CollectionView, exchange: Exchange) -> bool:
        """Whether, before `exchange`, the epoch's listings were read with the answer they
        settled on (True when the epoch has no complete listing: nothing to compare with)."""
        starts = []
        for listings in view.completed.values():
            unchanged = [
                pages for pages in listings if not self._changed & {e.index for e in pages}
            ]
            if not unchanged:
                return False
            starts.append(unchanged[0][0].index)
        return all(exchange.index > start for start in starts)

    def views(self) -> Sequence[CollectionView]:
        return list(self._views.values())

    def superseded(self, exchange: Exchange) -> bool:
        """Whether the same read was sent again later in the same epoch (a poll of a wait)."""
        return exchange.index in self._superseded and not self.judge_polls

    def polls(self, exchange: Exchange) -> list[Exchange]:
        """The first page of every read this last one of a wait superseded, then its own;
        [] when it was read once."""
        return self._polled.get(exchange.index, [])

    def settling(self, exchange: Exchange, *, settled: bool = True) -> str:
        """'settled after 1.2 s, 3 polls' for the last read of a wait whose answer changed;
        with `settled` False, 'still stale after ...' for any read sent more than once."""
        reads = self.polls(exchange)
        if not reads or (settled and len({r.response_body for r in reads}) == 1):
            return ""  # read once, or read again with the same answer: nothing settled
        first, last = reads[0].sent_at, reads[-1].sent_at
        seconds = last - first if first is not None and last is not None else None
        return describe(len(reads) - 1, seconds, settled=settled)

    @property
    def answered(self) -> list[Exchange]:
        """Exchanges with a definitive answer: neither throttled nor a server error."""
        return [e for e in self.exchanges if not e.throttled and not e.server_error]

    # -- derivation ---------------------------------------------------------------------------

    def _build(self) -> None:
        epoch = 0
        pending: dict[Hashable, Listing] = {}
        for exchange in self.exchanges:
            if exchange.mutating:
                epoch += 1
            self._epoch_of[exchange.index] = epoch
            collection = exchange.collection_id
            if not isinstance(collection, str) or exchange.throttled:
                continue
            key = (collection, epoch)
            view = self._views.setdefault(key, CollectionView(collection, epoch))
            body = exchange.json if isinstance(exchange.json, dict) else {}
            if exchange.operation == "DescribeCollection":
                _describe(view, exchange, body)
            elif (page := page_of(exchange)) is not None:
                shape = SHAPES[str(exchange.operation)]
                done = follow(pending, (shape.member, collection, epoch), exchange, page)
                if done is not None and done.complete and not filtered(exchange):
                    setattr(view, shape.attribute, done.items)
                    view.completed.setdefault(shape.attribute, []).append(list(done.sources))
                    view.listing_sources = [e for kind in view.completed.values() for e in kind[-1]]
                    view.exists = True
            if exchange.operation == "ListFaces":
                version = body.get("FaceModelVersion")
                if exchange.ok and isinstance(version, str) and view.face_model_version is None:
                    view.face_model_version = version
                    view.face_model_sources.append(exchange)
            if exchange.error_type == "ResourceNotFoundException" and exchange.operation in (
                "DescribeCollection",
                "ListUsers",
                "ListFaces",
            ):
                view.exists = False

    def _find_polls(self) -> None:
        """Group identical reads per epoch; every read but the last of a group is superseded,
        and *changed* when its answer differs from the last one's (it saw other state)."""
        chains: dict[tuple[int, str], list[list[Exchange]]] = {}
        for exchange in self.exchanges:
            key = read_key(exchange)
            if key is None:
                continue
            slot = (self.epoch(exchange), key)
            if (exchange.params or {}).get("NextToken"):
                if slot in chains:  # a later page of the group's latest listing
                    chains[slot][-1].append(exchange)
                continue
            chains.setdefault(slot, []).append([exchange])
        for group in chains.values():
            if len(group) < 2:
                continue
            final = group[-1]
            answer = [e.response_body for e in final]
            for chain in group[:-1]:
                self._superseded.update(e.index for e in chain)
                if [e.response_body for e in chain] != answer:
                    self._changed.update(e.index for e in chain)
            starts = [chain[0] for chain in group]
            for member in final:
                self._polled[member.index] = starts


def read_key(exchange: Exchange) -> str | None:
    """What makes two reads "the same read": operation and request, bar the page token."""
    if exchange.operation not in READ_OPERATIONS or exchange.params is None or exchange.throttled:
        return None
    request = {k: v for k, v in exchange.params.items() if k != "NextToken"}
    return f"{exchange.operation} {json.dumps(request, sort_keys=True, default=str)}"


def _describe(view: CollectionView, exchange: Exchange, body: dict[str, Any]) -> None:
    if exchange.ok:
        view.exists = True
        version = body.get("FaceModelVersion")
        if isinstance(version, str):
            view.face_model_version = version
            view.face_model_sources.insert(0, exchange)
