"""What a collection must contain, rebuilt from the successful writes of an exchange log.

The model never trusts intentions: a write counts only through its answer (AssociateFaces'
`AssociatedFaces`, DeleteFaces' `DeletedFaces`...), so it judges a cassette exactly like a live
run. It is also deliberately forgetful: whenever an answer leaves the state ambiguous (a server
error on a write, a face neither associated nor reported, a replayed idempotency token) the
affected knowledge is dropped instead of guessed, because a guess would become a false alarm.

Reads (listings, searches) are what the rules judge, so they never overwrite what writes taught
the model. They only fill gaps: a complete ListFaces listing reveals faces the log never indexed,
and a reported UserStatus tells whether a user's pending association work has settled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conformance.evidence.listings import filtered, page_of
from conformance.evidence.reading import TRANSITIONAL, answer_of, matched_users, param, strings
from conformance.exchange import Exchange

if TYPE_CHECKING:
    from conformance.evidence.views import CollectionView, Evidence

USER_STATUSES = frozenset({"ACTIVE", "UPDATING", "CREATING", "CREATED"})
"""DOC: the service model's UserStatus enum."""


@dataclass
class UserModel:
    """A user whose whole history is in the log (created there), so its face set is exact."""

    user_id: str
    faces: set[str] = field(default_factory=set)
    ever_associated: bool = False
    settled: bool = True
    """False between a write touching the user and the first answer reporting it not in progress."""


@dataclass
class CollectionModel:
    collection_id: str
    users: dict[str, UserModel] = field(default_factory=dict)
    gone_users: dict[str, Exchange] = field(default_factory=dict)
    """UserId -> the DeleteUser that removed it, until a CreateUser brings the id back."""
    faces: dict[str, str | None] = field(default_factory=dict)
    """Existing faces whose owner is known: FaceId -> UserId, None when unassociated."""
    deleted_faces: dict[str, Exchange] = field(default_factory=dict)
    released: dict[str, tuple[str, Exchange]] = field(default_factory=dict)
    """Faces taken off a user (DisassociateFaces, DeleteUser): FaceId -> (former owner, write)."""
    population_known: bool = False
    """Every face in the collection is in `faces` (it was created in the log or fully listed)."""
    tokens: set[tuple[str, str]] = field(default_factory=set)

    def owner_settled(self, user_id: str) -> bool:
        """Whether ownership involving `user_id` may be judged: its writes have completed."""
        user = self.users.get(user_id)
        if user is not None:
            return user.settled
        return user_id in self.gone_users  # DeleteUser disassociates before it answers (DOC)

    def face_exists(self, face_id: str) -> bool | None:
        """True/False when the model knows, None when it cannot tell."""
        if face_id in self.faces:
            return True
        if face_id in self.deleted_faces or self.population_known:
            return False
        return None

    def faceless_users(self) -> dict[str, UserModel]:
        return {uid: user for uid, user in self.users.items() if not user.faces}

    def forget_face(self, face_id: str) -> None:
        self.faces.pop(face_id, None)
        if face_id not in self.deleted_faces:
            self.population_known = False  # it may still exist, now unaccounted for
        self.released.pop(face_id, None)

    def forget_user(self, user_id: str) -> None:
        user = self.users.pop(user_id, None)
        for face_id in user.faces if user else ():
            self.forget_face(face_id)


class RunModel:
    """Every collection a log wrote to; feed it exchanges in order with `apply`."""

    def __init__(self) -> None:
        self.collections: dict[str, CollectionModel] = {}

    def get(self, collection_id: Any) -> CollectionModel | None:
        return self.collections.get(collection_id) if isinstance(collection_id, str) else None

    def apply(self, exchange: Exchange, view: CollectionView | None = None) -> None:
        collection_id = exchange.collection_id
        if exchange.throttled or not isinstance(collection_id, str):
            return  # a throttled request was not processed
        if exchange.operation == "CreateCollection":
            if exchange.ok:
                self.collections[collection_id] = CollectionModel(
                    collection_id, population_known=True
                )
            return
        state = self.collections.get(collection_id)
        if exchange.operation == "DeleteCollection" and exchange.ok:
            self.collections.pop(collection_id, None)
            return
        if state is None and (exchange.mutating or exchange.operation == "ListFaces"):
            state = self.collections[collection_id] = CollectionModel(collection_id)
        if state is None:
            return
        if exchange.mutating and not _trustworthy(state, exchange):
            self.collections.pop(collection_id, None)
            return
        if not exchange.ok:
            return  # a refused write changed nothing
        handler = _HANDLERS.get(exchange.operation or "")
        if handler is not None:
            handler(state, exchange)
        if exchange.operation == "ListFaces":
            _learn_population(state, exchange, view)


def _trustworthy(state: CollectionModel, exchange: Exchange) -> bool:
    """A write whose effect the answer pins down: not a 5xx, not a replayed idempotency token."""
    if exchange.server_error or (exchange.ok and exchange.output is None):
        return False
    token = param(exchange, "ClientRequestToken")
    if isinstance(token, str) and exchange.operation:
        key = (exchange.operation, token)
        if key in state.tokens:
            return False
        state.tokens.add(key)
    return True


def _touch(state: CollectionModel, user_id: str, status: Any) -> UserModel | None:
    user = state.users.get(user_id)
    if user is not None:
        user.settled = False
        observe_status(state, user_id, status)
    return user


def observe_status(state: CollectionModel, user_id: Any, status: Any) -> None:
    """A reported UserStatus outside TRANSITIONAL says the user's pending work has completed."""
    user = state.users.get(user_id) if isinstance(user_id, str) else None
    if user is not None and isinstance(status, str) and status not in TRANSITIONAL:
        user.settled = True


def _create_user(state: CollectionModel, exchange: Exchange) -> None:
    user_id = param(exchange, "UserId")
    if not isinstance(user_id, str):
        return
    state.gone_users.pop(user_id, None)
    if user_id in state.users:  # should have been a ConflictException: what it did is unknown
        state.forget_user(user_id)
        return
    state.users[user_id] = UserModel(user_id)


def _delete_user(state: CollectionModel, exchange: Exchange) -> None:
    user_id = param(exchange, "UserId")
    if not isinstance(user_id, str):
        return
    for face_id, owner in list(state.faces.items()):
        if owner == user_id:
            state.faces[face_id] = None
            state.released[face_id] = (user_id, exchange)
    state.users.pop(user_id, None)
    state.gone_users[user_id] = exchange


def indexed_face_ids(exchange: Exchange) -> list[str]:
    """The FaceIds an IndexFaces answer created."""
    ids = []
    for record in answer_of(exchange).get("FaceRecords") or []:
        face = record.get("Face") if isinstance(record, dict) else None
        if isinstance(face, dict) and isinstance(face.get("FaceId"), str):
            ids.append(face["FaceId"])
    return ids


def _index_faces(state: CollectionModel, exchange: Exchange) -> None:
    for face_id in indexed_face_ids(exchange):
        state.faces[face_id] = None
        state.deleted_faces.pop(face_id, None)


def _delete_faces(state: CollectionModel, exchange: Exchange) -> None:
    for face_id in strings(answer_of(exchange).get("DeletedFaces")):
        owner = state.faces.pop(face_id, None)
        if owner is not None and owner in state.users:
            state.users[owner].faces.discard(face_id)
        state.released.pop(face_id, None)
        state.deleted_faces[face_id] = exchange


@dataclass
class _Pairing:
    """What an AssociateFaces/DisassociateFaces answer says it did to one user's faces."""

    exchange: Exchange
    user_id: str
    user: UserModel | None
    done: list[str]
    unaccounted: list[str]
    """Requested faces the answer neither reports done nor refused."""

    def forget_unaccounted(self, state: CollectionModel, *, held: bool) -> None:
        """Drop the knowledge an unreported face leaves ambiguous: AWS may silently skip only
        faces already on the user when associating (`held` False: the others are ambiguous)
        and only faces not on it when disassociating (`held` True)."""
        for face_id in self.unaccounted:
            if (state.faces.get(face_id) == self.user_id) == held:
                state.forget_face(face_id)
                state.forget_user(self.user_id)


def pairing_members(verb: str) -> tuple[str, str]:
    """The answer members listing faces done and refused, for `verb` Association or
    Disassociation (AssociatedFaces/UnsuccessfulFaceAssociations...)."""
    return f"{verb.replace('ion', 'ed')}Faces", f"UnsuccessfulFace{verb}s"


def _paired(
    verb: str, apply: Callable[[CollectionModel, _Pairing], None]
) -> Callable[[CollectionModel, Exchange], None]:
    """A handler that reads a pairing answer, marks the user busy, then lets `apply` act."""

    def handler(state: CollectionModel, exchange: Exchange) -> None:
        user_id = param(exchange, "UserId")
        if not isinstance(user_id, str):
            return
        answer = answer_of(exchange)
        done_member, refused_member = pairing_members(verb)
        done = strings(answer.get(done_member), "FaceId")
        reported = set(done) | set(strings(answer.get(refused_member), "FaceId"))
        unaccounted = [f for f in strings(param(exchange, "FaceIds")) if f not in reported]
        user = _touch(state, user_id, answer.get("UserStatus"))
        apply(state, _Pairing(exchange, user_id, user, done, unaccounted))

    return handler


def _associate(state: CollectionModel, pairing: _Pairing) -> None:
    for face_id in pairing.done:
        previous = state.faces.get(face_id)
        if previous is not None and previous != pairing.user_id and previous in state.users:
            state.users[previous].faces.discard(face_id)
        state.faces[face_id] = pairing.user_id
        state.released.pop(face_id, None)
        if pairing.user is not None:
            pairing.user.faces.add(face_id)
            pairing.user.ever_associated = True
    pairing.forget_unaccounted(state, held=False)


def _disassociate(state: CollectionModel, pairing: _Pairing) -> None:
    for face_id in pairing.done:
        if state.faces.get(face_id) == pairing.user_id:
            state.faces[face_id] = None
        state.released[face_id] = (pairing.user_id, pairing.exchange)
        if pairing.user is not None:
            pairing.user.faces.discard(face_id)
    pairing.forget_unaccounted(state, held=True)


def _list_users(state: CollectionModel, exchange: Exchange) -> None:
    page = page_of(exchange)
    for user_id, status in page.items.items() if page is not None else ():
        observe_status(state, user_id, status)


def _search_users(state: CollectionModel, exchange: Exchange) -> None:
    for _, user in matched_users(answer_of(exchange)):
        observe_status(state, user["UserId"], user.get("UserStatus"))


def _learn_population(
    state: CollectionModel, exchange: Exchange, view: CollectionView | None
) -> None:
    """A complete, unfiltered listing in this epoch reveals every face the log never indexed."""
    if state.population_known or view is None or view.faces is None:
        return
    page = page_of(exchange)
    if page is None or not page.last or filtered(exchange):
        return
    for face_id, owner in view.faces.items():
        if face_id not in state.faces and face_id not in state.deleted_faces:
            state.faces[face_id] = owner
    state.population_known = True


_HANDLERS = {
    "CreateUser": _create_user,
    "DeleteUser": _delete_user,
    "IndexFaces": _index_faces,
    "DeleteFaces": _delete_faces,
    "AssociateFaces": _paired("Association", _associate),
    "DisassociateFaces": _paired("Disassociation", _disassociate),
    "ListUsers": _list_users,
    "SearchUsers": _search_users,
}


def replay(evidence: Evidence) -> Iterator[tuple[Exchange, CollectionModel | None]]:
    """Each exchange with the model of its collection as it stood *before* that exchange.

    The yielded model is live: read it before advancing the iterator.
    """
    model = RunModel()
    for exchange in evidence.exchanges:
        yield exchange, model.get(exchange.collection_id)
        model.apply(exchange, evidence.view(exchange))
