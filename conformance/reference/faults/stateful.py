"""State-dependent faults: bugs that only show after a sequence of writes.

A static collection never reveals a stale search index or a status that never leaves UPDATING;
these faults exist to prove the stateful phase does. Importing this module registers them.

Faults that remember writes are built per server (`Fault.factory`), so two servers in one
process never share a stale index; within a server, memory is keyed by CollectionId and wiped
when that collection is created again. They are invisible to a read-only run, which makes no
writes for them to go stale after.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from conformance.reference.api_errors import invalid_parameter
from conformance.reference.faults import Fault, Hooks, RequestPlan, Result, ResultHook
from conformance.reference.faults._kit import fault

FAMILY = "stateful"
NEEDS_WRITES = "only shows after writes, which a read-only run never makes"

GhostHook = Callable[[str, str, Result, dict[str, Any]], None]


def _params(plan: RequestPlan) -> dict[str, Any]:
    return plan.params if isinstance(plan.params, dict) else {}


class _Memory:
    """Per-collection memory of one fault on one server, wiped when the collection is created anew."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: defaultdict[str, dict[str, Any]] = defaultdict(dict)

    def of(self, plan: RequestPlan) -> dict[str, Any]:
        collection_id = _params(plan).get("CollectionId")
        if plan.operation == "CreateCollection":
            self.items.pop(str(collection_id), None)
        return self.items[collection_id if isinstance(collection_id, str) else ""]


def _register(
    name: str,
    description: str,
    trips: tuple[str, ...],
    operations: frozenset[str] = frozenset(),
    *,
    on_result: ResultHook | None = None,
    factory: Callable[[], Hooks] | None = None,
    strict: bool = False,
) -> Fault:
    """Registers one fault of this family: all of them need writes to show."""
    return fault(
        name,
        description,
        trips,
        FAMILY,
        operations,
        on_result=on_result,
        factory=factory,
        needs_writes=NEEDS_WRITES,
        strict=strict,
    )


def _stateful(
    name: str,
    description: str,
    trips: tuple[str, ...],
    on_result: Callable[[_Memory, RequestPlan, Result], Result],
    operations: frozenset[str] = frozenset(),
    strict: bool = False,
) -> Fault:
    """Registers a fault whose `on_result` gets its own server's memory."""

    def factory() -> Hooks:
        memory = _Memory()

        def hook(plan: RequestPlan, result: Result) -> Result:
            with memory.lock:
                return on_result(memory, plan, result)

        return Hooks(on_result=hook)

    return _register(name, description, trips, operations, factory=factory, strict=strict)


def _face_ids(result: Result, member: str) -> list[str]:
    items = result.get(member) or []
    return [i["FaceId"] if isinstance(i, dict) else i for i in items]


def _with_ghosts(result: Result, ghosts: dict[str, Any], params: dict[str, Any]) -> Result:
    """Append remembered users to UserMatches as a stale index would, keeping order and limits."""
    found = list(result.get("UserMatches") or [])
    present = {m["User"]["UserId"] for m in found} | {params.get("UserId")}
    threshold = float(params.get("UserMatchThreshold", 80.0))
    limit = int(params.get("MaxUsers", 500))
    for user_id in sorted(ghosts):
        if user_id in present or len(found) >= limit:
            continue
        similarity = found[-1]["Similarity"] if found else max(threshold, 50.0)
        found.append(
            {"Similarity": similarity, "User": {"UserId": user_id, "UserStatus": "ACTIVE"}}
        )
    return {**result, "UserMatches": found}


def _stale_search_fault(
    name: str, description: str, trips: tuple[str, ...], track: GhostHook
) -> Fault:
    """A fault whose search index keeps users that `track` remembers after a write."""

    def on_result(memory: _Memory, plan: RequestPlan, result: Result) -> Result:
        params = _params(plan)
        ghosts = memory.of(plan)
        if plan.operation == "SearchUsers" and ghosts:
            return _with_ghosts(result, ghosts, params)
        user_id = params.get("UserId")
        if isinstance(user_id, str):
            track(plan.operation, user_id, result, ghosts)
        return result

    return _stateful(name, description, trips, on_result)


def _after_delete_user(
    operation: str, user_id: str, _result: Result, ghosts: dict[str, Any]
) -> None:
    if operation == "DeleteUser":
        ghosts[user_id] = True
    elif operation == "CreateUser":
        ghosts.pop(user_id, None)


def _after_disassociate(
    operation: str, user_id: str, result: Result, ghosts: dict[str, Any]
) -> None:
    if operation == "DisassociateFaces" and result.get("UserStatus") == "CREATED":
        ghosts[user_id] = True  # the user has no face left, yet the index keeps its vector
    elif operation == "DeleteUser" or (
        operation == "AssociateFaces" and result.get("AssociatedFaces")
    ):
        ghosts.pop(user_id, None)


_stale_search_fault(
    "stale-match-after-delete-user",
    "SearchUsers keeps matching users after DeleteUser removed them (stale index)",
    ("stateful.deleted-user-gone",),
    _after_delete_user,
)
_stale_search_fault(
    "stale-match-after-disassociate",
    "SearchUsers keeps matching a user after DisassociateFaces removed its last face",
    ("stateful.faceless-user-never-matches",),
    _after_disassociate,
)


STATUS_ANSWERS = frozenset({"ListUsers", "SearchUsers", "AssociateFaces", "DisassociateFaces"})
"""The operations whose answers report a UserStatus: where a status fault shows."""


def _statuses_rewritten(result: Result, fix: Callable[[Any], Any]) -> Result:
    """`result` with every UserStatus it reports (answer, listing, matches) passed to `fix`."""
    out = dict(result)
    if "UserStatus" in out:
        out["UserStatus"] = fix(out["UserStatus"])
    if "Users" in out:
        out["Users"] = [{**u, "UserStatus": fix(u.get("UserStatus"))} for u in out["Users"]]
    if "UserMatches" in out:
        out["UserMatches"] = [
            {**m, "User": {**m["User"], "UserStatus": fix(m["User"].get("UserStatus"))}}
            for m in out["UserMatches"]
        ]
    return out


def _stuck(_plan: RequestPlan, result: Result) -> Result:
    return _statuses_rewritten(result, lambda s: "UPDATING" if s == "ACTIVE" else s)


_register(
    "status-stuck-updating",
    "users with faces are reported UPDATING forever, never ACTIVE",
    ("stateful.status-reaches-active",),
    STATUS_ANSWERS,
    on_result=_stuck,
    strict=True,
)


def _count_kept_after(
    delete: str, member: str, deleted: Callable[[Result], int]
) -> Callable[[_Memory, RequestPlan, Result], Result]:
    """A DescribeCollection count (`member`) that still includes what `delete` removed."""

    def on_result(memory: _Memory, plan: RequestPlan, result: Result) -> Result:
        counts = memory.of(plan)
        if plan.operation == delete:
            counts["deleted"] = counts.get("deleted", 0) + deleted(result)
        elif plan.operation == "DescribeCollection" and counts.get("deleted"):
            return {**result, member: result.get(member, 0) + counts["deleted"]}
        return result

    return on_result


_stateful(
    "face-count-after-delete",
    "DescribeCollection's FaceCount never goes down after DeleteFaces",
    ("stateful.face-count",),
    _count_kept_after("DeleteFaces", "FaceCount", lambda r: len(r.get("DeletedFaces") or [])),
    frozenset({"CreateCollection", "DeleteFaces", "DescribeCollection"}),
    strict=True,
)


def _claim_deleted(_plan: RequestPlan, result: Result) -> Result:
    refused = result.get("UnsuccessfulFaceDeletions") or []
    kept = [r for r in refused if "ASSOCIATED_TO_AN_EXISTING_USER" not in r.get("Reasons", [])]
    claimed = [r["FaceId"] for r in refused if r not in kept]
    deleted = list(result.get("DeletedFaces") or []) + claimed
    return {**result, "DeletedFaces": deleted, "UnsuccessfulFaceDeletions": kept}


_register(
    "delete-faces-ignores-association",
    "DeleteFaces reports associated faces as deleted (they stay, still associated)",
    ("stateful.unsuccessful-reasons", "stateful.deleted-face-gone"),
    frozenset({"DeleteFaces"}),
    on_result=_claim_deleted,
)


def _not_found_for_foreign(_plan: RequestPlan, result: Result) -> Result:
    def relabel(entry: dict[str, Any]) -> dict[str, Any]:
        reasons = entry.get("Reasons", [])
        if "ASSOCIATED_TO_A_DIFFERENT_USER" in reasons:
            return {**entry, "Reasons": ["FACE_NOT_FOUND"]}
        return entry

    key = "UnsuccessfulFaceAssociations"
    return {**result, key: [relabel(e) for e in result.get(key) or []]}


_register(
    "foreign-face-not-found",
    "AssociateFaces reports another user's faces as FACE_NOT_FOUND",
    ("stateful.unsuccessful-reasons",),
    frozenset({"AssociateFaces"}),
    on_result=_not_found_for_foreign,
)


def _stale_owner(memory: _Memory, plan: RequestPlan, result: Result) -> Result:
    owners = memory.of(plan)
    if plan.operation == "DisassociateFaces":
        for face_id in _face_ids(result, "DisassociatedFaces"):
            owners[face_id] = _params(plan).get("UserId")
    elif plan.operation == "AssociateFaces":
        for face_id in _face_ids(result, "AssociatedFaces"):
            owners.pop(face_id, None)
    elif plan.operation == "ListFaces" and owners:
        faces = [
            {**f, "UserId": owners[f["FaceId"]]}
            if f.get("FaceId") in owners and "UserId" not in f
            else f
            for f in result.get("Faces") or []
        ]
        return {**result, "Faces": faces}
    return result


_stateful(
    "stale-owner-after-disassociate",
    "ListFaces keeps showing the former UserId of faces after DisassociateFaces",
    ("stateful.disassociation-reflected",),
    _stale_owner,
)


def _created_after_associate(_plan: RequestPlan, result: Result) -> Result:
    """UserStatus stays CREATED whatever faces the user holds (a status never updated)."""
    return _statuses_rewritten(result, lambda s: "CREATED" if s in ("ACTIVE", "UPDATING") else s)


_register(
    "status-created-after-associate",
    "users whose faces were associated are still reported CREATED (status never updated)",
    ("stateful.associated-user-not-created",),
    STATUS_ANSWERS,
    on_result=_created_after_associate,
)


_stateful(
    "user-count-after-delete",
    "DescribeCollection's UserCount never goes down after DeleteUser",
    ("stateful.user-count",),
    _count_kept_after("DeleteUser", "UserCount", lambda _r: 1),
    frozenset({"CreateCollection", "DeleteUser", "DescribeCollection"}),
    strict=True,
)


def _associated_only(plan: RequestPlan, result: Result) -> Result:
    if _params(plan).get("UserId") or _params(plan).get("FaceIds"):
        return result
    return {**result, "Faces": [f for f in result.get("Faces") or [] if f.get("UserId")]}


_register(
    "list-faces-associated-only",
    "ListFaces lists only faces associated with a user (a listing joined through users)",
    ("stateful.created-listed", "errors.unknown-face"),
    frozenset({"ListFaces"}),
    on_result=_associated_only,
)


def _loose_faces_unsearchable(memory: _Memory, plan: RequestPlan, result: Result) -> Result:
    """The search index is fed by associations only: a face nobody owns is unknown to it."""
    loose = memory.of(plan)
    if plan.operation == "IndexFaces":
        for record in result.get("FaceRecords") or []:
            loose[record["Face"]["FaceId"]] = True
    elif plan.operation == "AssociateFaces":
        for face_id in _face_ids(result, "AssociatedFaces"):
            loose.pop(face_id, None)
    elif plan.operation == "SearchUsers" and _params(plan).get("FaceId") in loose:
        raise invalid_parameter()
    return result


_stateful(
    "loose-face-unsearchable",
    "SearchUsers refuses a FaceId that was indexed but never associated with a user",
    ("stateful.indexed-face-searchable", "validation.accepts-valid"),
    _loose_faces_unsearchable,
    frozenset({"CreateCollection", "IndexFaces", "AssociateFaces", "SearchUsers"}),
)
