"""A hypothesis state machine that writes to and reads from a collection through the public API.

Each example starts with a full ListFaces (so the checks know every face the collection holds),
then runs random steps, and finally deletes every user and face it created, so the next example
(and the engine's later phases) find the collection as it was. After every step the `stateful`
rule family judges the example's own exchanges; a violation fails the example and hypothesis
shrinks it to a minimal sequence of calls. The machine decides only what to send: what counts
as wrong is the rules' business, so a live run and its cassette get the same verdicts.
"""

from __future__ import annotations

import time
import unittest
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conformance.errors import ConformanceError
from conformance.evidence import Evidence, read_key
from conformance.evidence.listings import page_of
from conformance.evidence.reading import answer_of, strings
from conformance.evidence.writes import CollectionModel, RunModel, indexed_face_ids
from conformance.exchange import READ_OPERATIONS, Exchange
from conformance.rules import catalog, judge
from conformance.rules.base import Rule, RuleVerdict, Status
from conformance.rules.stateful import FAMILY
from conformance.settle import Settle, Waited
from conformance.stateful.images import PEOPLE, VARIANTS, ImageSource
from conformance.transport import Client

LISTINGS = frozenset({"ListUsers", "ListFaces"})
USER_SLOTS = 4
MAX_PAGES = 20
MAX_USERS = 100
PICK = st.integers(min_value=0, max_value=31)
PICKS = st.lists(PICK, min_size=1, max_size=3)


@dataclass
class Failure:
    """One failing example: its exchanges in order, and what the rules said about them."""

    exchanges: list[Exchange]
    violations: list[tuple[str, str]]
    """(rule id, message) per violation: kept apart so no reader parses "rule: message"."""


@dataclass
class PhaseContext:
    """What every example of one phase shares: where to send, what it may spend, what it found."""

    client: Client
    collection_id: str
    images: ImageSource
    limit: int
    """Requests the examples may send (teardown may go beyond it, up to the run's budget)."""
    settle: Settle = field(default_factory=lambda: Settle(0.0))
    """How long stale reads are sent again before a failure counts (0: never)."""
    sleep: Callable[[float], None] = time.sleep
    sent: int = 0
    examples: int = 0
    exchanges: list[Exchange] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    waits: list[Waited[list[RuleVerdict]]] = field(default_factory=list)
    """Every wait for stale reads to settle, for the phase's summary."""
    stopped: BaseException | None = None
    """Why sending stopped: BudgetExhausted, TargetUnavailable... (re-raised or reported)."""
    rules: tuple[Rule, ...] = field(
        default_factory=lambda: tuple(r for r in catalog() if r.family == FAMILY)
    )


class Stop(unittest.SkipTest):
    """Ends the hypothesis run at once: hypothesis re-raises skips without shrinking them."""


class StatefulMachine(RuleBasedStateMachine):
    phase: PhaseContext
    """Set on the per-phase subclass `bind` makes: hypothesis builds machines without arguments."""

    def __init__(self) -> None:
        super().__init__()
        phase = self.phase
        self.model = RunModel()
        self.exchanges: list[Exchange] = []
        self.created_users: set[str] = set()
        self.indexed_faces: list[str] = []
        self.unsettled = False
        """Reads were sent since the last `settle`."""
        phase.examples += 1

    # -- sending ----------------------------------------------------------------------------

    def send(
        self,
        operation: str,
        params: Mapping[str, Any],
        *,
        teardown: bool = False,
        waiting: bool = False,
    ) -> Exchange:
        """Send one request; `teardown` and `waiting` (a poll of a bounded wait) may go beyond
        the phase's allowance: cutting a wait short would leave a stale read to be judged."""
        phase = self.phase
        within = teardown or waiting or phase.sent < phase.limit
        if phase.stopped is None and not within:
            self.settle()  # the phase ends here: its last reads must not stay stale
        if phase.stopped is not None or not within:
            raise Stop("stateful request budget spent")
        if operation in READ_OPERATIONS:
            self.unsettled = True
        elif not teardown:
            self.settle()  # a write starts a new epoch: the reads before it can no longer settle
        try:
            exchange = phase.client.call(
                operation,
                {"CollectionId": phase.collection_id, **params},
                label=f"stateful{' teardown' if teardown else ' poll' if waiting else ''} {operation}",
            )
        except ConformanceError as exc:
            phase.stopped = exc
            raise Stop(str(exc)) from None
        phase.sent += 1
        phase.exchanges.append(exchange)
        self.exchanges.append(exchange)
        self.model.apply(exchange)
        return exchange

    def pages(
        self, operation: str, params: Mapping[str, Any], *, waiting: bool = False
    ) -> list[Exchange]:
        """Every page of a listing (bounded), following NextToken."""
        answers = [self.send(operation, params, waiting=waiting)]
        while len(answers) < MAX_PAGES:
            page = page_of(answers[-1])
            if page is None or page.next_token is None:
                break
            answers.append(
                self.send(operation, {**params, "NextToken": page.next_token}, waiting=waiting)
            )
        return answers

    @property
    def state(self) -> CollectionModel:
        found = self.model.get(self.phase.collection_id)
        return found if found is not None else CollectionModel(self.phase.collection_id)

    def users(self) -> list[str]:
        return sorted(self.state.users)

    def pick_user(self, pick: int) -> str | None:
        """A user the model knows, or None: the baseline calls steps past their preconditions,
        and a model that stopped trusting the collection knows no user."""
        users = self.users()
        return users[pick % len(users)] if users else None

    def face_pool(self) -> list[str]:
        """Faces this example created (live, then deleted) and one id no collection holds."""
        live = [f for f in self.indexed_faces if f in self.state.faces]
        gone = [f for f in self.indexed_faces if f not in self.state.faces]
        return [*live, *gone, str(uuid.UUID(int=len(self.indexed_faces) + 1, version=4))]

    def pick_faces(self, picks: list[int]) -> list[str]:
        pool = self.face_pool()
        return list(dict.fromkeys(pool[p % len(pool)] for p in picks))

    # -- steps ------------------------------------------------------------------------------

    @initialize()
    def baseline(self) -> None:
        """The transitions every example must cover, whatever hypothesis draws next: three users,
        three faces, a refused association, an association undone, a refused face deletion, a
        user deleted while holding a face, and that face reused. Random steps may never draw a
        DeleteUser, so without this a stale index after DeleteUser could go unseen."""
        self.pages("ListFaces", {})
        for slot in (0, 1, 2):  # user 2 stays faceless unless a step says otherwise
            self.create_user(slot)
        for person, variant in ((0, 0), (1, 0), (0, 1)):
            self.index_face(person, variant)
        for slot in (0, 1):
            self.associate_faces(slot, [slot])
        self.associate_faces(1, [0])  # user 0's face: must be refused as another user's
        self.disassociate_faces(1, [1])  # user 1 is faceless again: must stop matching
        self.delete_faces([0])  # user 0's face: must be refused
        self.remove_user("stateful-user-0")  # its face must stop finding it at once
        self.associate_faces(0, [0, 2])  # user 1 takes the freed face: the final probe finds it

    @rule(slot=st.integers(min_value=0, max_value=USER_SLOTS - 1))
    def create_user(self, slot: int) -> None:
        user_id = f"stateful-user-{slot}"
        if self.send("CreateUser", {"UserId": user_id}).ok:
            self.created_users.add(user_id)

    @precondition(lambda self: bool(self.state.users))
    @rule(pick=PICK)
    def delete_user(self, pick: int) -> None:
        user_id = self.pick_user(pick)
        if user_id is not None:
            self.remove_user(user_id)

    def remove_user(self, user_id: str) -> None:
        """Delete a user, then read at once what a stale index would still show: a search by
        a face it held (by its UserId when it held none) and the user listing. Probing in the
        same step keeps the write and its evidence together when hypothesis shrinks."""
        user = self.state.users.get(user_id)
        former = sorted(user.faces) if user is not None else []
        if not self.send("DeleteUser", {"UserId": user_id}).ok:
            return
        self.search({"FaceId": former[0]} if former else {"UserId": user_id})
        self.pages("ListUsers", {})

    def search_released(self, answer: Exchange, member: str, key: str | None = None) -> None:
        """After a write took faces off a user or out of the collection, search by one of them
        at once, so what went stale is seen before a later step can mask it."""
        released = strings(answer_of(answer).get(member), key)
        if released:
            self.search({"FaceId": released[0]})

    def search(self, by: Mapping[str, str], threshold: float = 0.0) -> None:
        """SearchUsers with an explicit MaxUsers: at threshold 0 every rule can judge it."""
        self.send("SearchUsers", {**by, "UserMatchThreshold": threshold, "MaxUsers": MAX_USERS})

    @rule(
        person=st.integers(min_value=0, max_value=PEOPLE - 1),
        variant=st.integers(min_value=0, max_value=VARIANTS - 1),
    )
    def index_face(self, person: int, variant: int) -> None:
        image = self.phase.images.image(person, variant)
        answer = self.send("IndexFaces", {"Image": {"Bytes": image}, "MaxFaces": 1})
        self.indexed_faces.extend(indexed_face_ids(answer))

    @precondition(lambda self: bool(self.indexed_faces))
    @rule(picks=PICKS)
    def delete_faces(self, picks: list[int]) -> None:
        answer = self.send("DeleteFaces", {"FaceIds": self.pick_faces(picks)})
        self.search_released(answer, "DeletedFaces")

    @precondition(lambda self: bool(self.state.users and self.indexed_faces))
    @rule(pick=PICK, picks=PICKS)
    def associate_faces(self, pick: int, picks: list[int]) -> None:
        user_id = self.pick_user(pick)
        if user_id is not None:
            params = {"UserId": user_id, "FaceIds": self.pick_faces(picks)}
            self.send("AssociateFaces", {**params, "UserMatchThreshold": 0.0})

    @precondition(lambda self: bool(self.state.users and self.indexed_faces))
    @rule(pick=PICK, picks=PICKS)
    def disassociate_faces(self, pick: int, picks: list[int]) -> None:
        user_id = self.pick_user(pick)
        if user_id is not None:
            params = {"UserId": user_id, "FaceIds": self.pick_faces(picks)}
            answer = self.send("DisassociateFaces", params)
            self.search_released(answer, "DisassociatedFaces", "FaceId")

    @precondition(lambda self: bool(self.indexed_faces))
    @rule(pick=PICK, threshold=st.sampled_from([0.0, 0.0, 80.0]))
    def search_by_face(self, pick: int, threshold: float) -> None:
        pool = self.face_pool()
        self.search({"FaceId": pool[pick % len(pool)]}, threshold)

    @precondition(lambda self: bool(self.created_users))
    @rule(pick=PICK)
    def search_by_user(self, pick: int) -> None:
        users = sorted(self.created_users)
        self.search({"UserId": users[pick % len(users)]})

    @rule()
    def list_users(self) -> None:
        self.pages("ListUsers", {})

    @rule(pick=st.integers(min_value=0, max_value=USER_SLOTS))
    def list_faces(self, pick: int) -> None:
        users = self.users()
        if pick >= len(users):
            self.pages("ListFaces", {})
        else:
            self.pages("ListFaces", {"UserId": users[pick]})

    @rule()
    def describe_collection(self) -> None:
        self.send("DescribeCollection", {})

    # -- judging ----------------------------------------------------------------------------

    def failing(self) -> list[RuleVerdict]:
        verdicts = judge(Evidence(self.exchanges), self.phase.rules)
        return [v for v in verdicts if v.status is Status.FAIL]

    def stale_reads(self, failed: list[RuleVerdict]) -> list[Exchange]:
        """The reads since the last write that failing rules cite: sending them again may
        show the settled state. (Older reads cannot settle: a write came after them.)"""
        last_write = max((e.index for e in self.exchanges if e.mutating), default=-1)
        cited = {
            e.index: e
            for verdict in failed
            for finding in verdict.violations
            for e in finding.exchanges
            if e.index > last_write and e.operation in READ_OPERATIONS
        }
        first_pages = [e for _, e in sorted(cited.items()) if not (e.params or {}).get("NextToken")]
        return list({read_key(e): e for e in first_pages}.values())

    def settle(self) -> list[RuleVerdict] | None:
        """While rules fail on reads since the last write, send those reads again with backoff,
        until they pass or the run's bounded wait runs out; the rules then judge the last.
        Returns the failing verdicts it ended with (None: nothing needed judging)."""
        if self.phase.settle.seconds <= 0 or not self.unsettled:
            return None
        self.unsettled = False
        polled = False
        last: list[RuleVerdict] = []

        def read() -> list[RuleVerdict]:
            nonlocal polled, last
            if polled:
                for stale in self.stale_reads(last):
                    params = {k: v for k, v in (stale.params or {}).items() if k != "NextToken"}
                    if stale.operation in LISTINGS:
                        self.pages(str(stale.operation), params, waiting=True)
                    else:
                        self.send(str(stale.operation), params, waiting=True)
            polled = True
            last = self.failing()
            return last

        def missing(failed: list[RuleVerdict]) -> str:
            if not self.stale_reads(failed):
                return ""  # nothing a re-read could change
            return ", ".join(v.rule.id for v in failed)

        waited = self.phase.settle.wait(read, missing, sleep=self.phase.sleep)
        if waited.polls:
            self.phase.waits.append(waited)
            self.unsettled = False  # the polls themselves were judged by the last read()
        return waited.value

    @invariant()
    def stateful_rules_hold(self) -> None:
        settled = self.settle()
        failed = self.failing() if settled is None else settled
        if not failed:
            return
        violations = [(v.rule.id, f.message) for v in failed for f in v.violations]
        self.phase.failures.append(Failure(list(self.exchanges), violations))
        raise AssertionError("; ".join(f"{rule}: {message}" for rule, message in violations))

    def probe(self) -> None:
        """Read the final state every way the rules can judge it."""
        self.list_users()
        self.pages("ListFaces", {})
        for user_id in self.users():
            self.pages("ListFaces", {"UserId": user_id})
        for pick in range(len(self.face_pool())):
            self.search_by_face(pick, 0.0)
        for pick in range(len(self.created_users)):
            self.search_by_user(pick)
        self.describe_collection()

    def teardown(self) -> None:
        """Probe and judge the final state, then leave the collection as the example found it."""
        problem: AssertionError | None = None
        try:
            self.probe()
            self.stateful_rules_hold()
        except AssertionError as exc:
            problem = exc
        except Stop:
            pass
        self.clean_up()
        if problem is not None:
            raise problem

    def clean_up(self) -> None:
        try:
            for user_id in sorted(self.created_users):
                if user_id not in self.state.gone_users:
                    self.send("DeleteUser", {"UserId": user_id}, teardown=True)
            leftovers = [f for f in dict.fromkeys(self.indexed_faces) if f not in self.deleted()]
            for start in range(0, len(leftovers), 100):
                self.send("DeleteFaces", {"FaceIds": leftovers[start : start + 100]}, teardown=True)
            if self.phase.settle.seconds > 0 and (self.created_users or leftovers):
                # the next example's first listing must not show this one's leftovers
                self.pages("ListFaces", {}, waiting=True)
                self.pages("ListUsers", {}, waiting=True)
                self.settle()
        except Stop:
            pass

    def deleted(self) -> set[str]:
        return set(self.state.deleted_faces) | {
            f for e in self.exchanges for f in strings(answer_of(e).get("DeletedFaces"))
        }


def bind(phase: PhaseContext) -> type[StatefulMachine]:
    """A machine class for one phase (hypothesis instantiates machines itself, once per example)."""
    return type("StatefulMachine", (StatefulMachine,), {"phase": phase})
