"""Re-send a recording to a target, in order, and collect the differences.

Recorded requests create and delete collections, users and faces, so a stateful target gives
the same answers only when replayed from a clean state, in order. Every collection the
recording creates is therefore mapped onto a fresh `su-conformance-*` id (same length when the
recorded id is long enough), which parity creates, seeds (by re-sending the recording's own
writes) and deletes at the end whatever happens; generated ids the target hands out are
substituted into the later requests that use them.

Parity never writes outside what it creates (see `conformance.recording.ownership`): reads go
out as recorded; a write is sent only to a collection this run has created on the target;
writes to anything else are never sent and make the comparison "not verified". A recording of
an existing collection (a `--read-only` run) can only be compared with a target holding the
same data.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.config import COLLECTION_PREFIX
from conformance.errors import EXIT_OK, EXIT_UNVERIFIED, EXIT_VIOLATIONS, BudgetExhausted
from conformance.exchange import Exchange
from conformance.parity.differences import Difference, diff
from conformance.parity.normal_form import References, snapshot
from conformance.recording.ownership import (
    ForeignWrite,
    absent_collections,
    foreign_write,
    is_read,
    writable_collections,
)
from conformance.transport import Client

DEFAULT_TOLERANCE = 0.01


@dataclass
class ParityResult:
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    unverified: list[Exchange] = field(default_factory=list)
    """Recorded exchanges the target only answered with throttling."""
    skipped: list[ForeignWrite] = field(default_factory=list)
    """Recorded writes never sent: they would have changed something parity did not create."""
    not_sent: int = 0
    """Recorded exchanges left unsent when the request budget ran out."""
    leftovers: list[str] = field(default_factory=list)
    """Collections parity created and could not delete (printed with a command that does)."""

    @property
    def exit_code(self) -> int:
        if self.differences:
            return EXIT_VIOLATIONS
        incomplete = self.unverified or self.skipped or self.not_sent or self.leftovers
        return EXIT_UNVERIFIED if incomplete else EXIT_OK


@dataclass(frozen=True)
class Plan:
    """What `compare` will send, announced before the first request."""

    requests: dict[str, int]
    skipped: list[ForeignWrite]

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def plan(recorded: list[Exchange]) -> Plan:
    """Requests per operation (teardown included) and the writes that will not be sent."""
    created = writable_collections(recorded)
    owned = created - absent_collections(recorded)
    requests: dict[str, int] = {}
    skipped: list[ForeignWrite] = []
    for exchange in recorded:
        refused = foreign_write(exchange, created)
        if refused is not None:
            skipped.append(refused)
            continue
        name = exchange.operation or "(raw)"
        requests[name] = requests.get(name, 0) + 1
    if owned:
        requests[TEARDOWN] = len(owned)
    return Plan(requests, skipped)


TEARDOWN = "DeleteCollection (teardown)"


class Renamer:
    """Fresh `su-conformance-*` ids for the collections a recording creates, so a target that
    already holds one (a rerun against a stateful emulator, or someone's collection of that
    name) is never touched, and `cleanup` recognises any leftover. Same length as the recorded
    id when that has room for the prefix and 8 random characters (length limits stay
    exercised), longer otherwise."""

    ALPHABET = string.ascii_lowercase + string.digits
    RANDOM = 8

    def __init__(self, exchanges: list[Exchange]) -> None:
        self.new: dict[str, str] = {}
        for exchange in exchanges:
            collection = exchange.collection_id
            if exchange.operation == "CreateCollection" and isinstance(collection, str):
                self.new.setdefault(collection, self._fresh(collection))
        for collection in sorted(absent_collections(exchanges)):
            self.new.setdefault(collection, self._fresh(collection))
        self.old = {v: k for k, v in self.new.items()}

    def _fresh(self, collection: str) -> str:
        size = max(self.RANDOM, len(collection) - len(COLLECTION_PREFIX))
        return COLLECTION_PREFIX + "".join(secrets.choice(self.ALPHABET) for _ in range(size))

    def back(self, text: str) -> str:
        for new, old in self.old.items():
            text = text.replace(new, old)
        return text


def _rewrite(value: Any, swap: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {k: _rewrite(v, swap) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, swap) for v in value]
    return swap(value) if isinstance(value, str) else value


def _request_body(exchange: Exchange, swap: Callable[[str], str]) -> bytes:
    """The recorded body with recorded ids swapped for the target's; untouched bytes (probes,
    broken JSON) go out exactly as recorded."""
    try:
        parsed = json.loads(exchange.request_body)
    except (ValueError, UnicodeDecodeError):
        return exchange.request_body
    rewritten = _rewrite(parsed, swap)
    return exchange.request_body if rewritten == parsed else json.dumps(rewritten).encode()


def _with_renamed_response(exchange: Exchange, renamer: Renamer) -> Exchange:
    if not renamer.old:
        return exchange
    text = exchange.response_body.decode("latin-1")
    restored = renamer.back(text)
    if restored == text:
        return exchange
    return dataclasses.replace(exchange, response_body=restored.encode("latin-1"))


def compare(
    recorded: list[Exchange],
    client: Client,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    rename: bool = True,
) -> ParityResult:
    """Re-send `recorded` through `client`, in order, and diff each normalised answer.

    Only reads and writes to collections this call created on the target are sent; what it
    created is deleted before it returns, on success, error and Ctrl-C alike, within the
    client's budget (a request per collection is kept back for that).
    """
    result = ParityResult()
    created = writable_collections(recorded)
    absent = absent_collections(recorded)
    renamer = Renamer(recorded if rename else [])
    ours, theirs = References(), References()
    live: list[str] = []  # target-side collections this call created and has not deleted

    def swap(value: str) -> str:
        label = ours.labels.get(value)
        if label is not None:
            return theirs.values.get(label, value)
        return renamer.new.get(value, value)

    try:
        for position, exchange in enumerate(recorded):
            refused = _refused(exchange, created, live, swap, absent)
            if refused is not None:
                result.skipped.append(refused)
                continue
            remaining = client.remaining()
            if remaining is not None and remaining <= len(live) + _creates(exchange):
                result.not_sent = len(recorded) - position
                break
            headers = exchange.request_headers
            try:
                answer = client.call_raw(
                    _request_body(exchange, swap),
                    target=headers.get("x-amz-target"),
                    content_type=headers.get("content-type"),
                    label=f"parity: recorded #{exchange.index}",
                )
            except BudgetExhausted:
                result.not_sent = len(recorded) - position
                break
            _track(exchange, answer, swap, live)
            result.compared += 1
            if answer.throttled and not exchange.throttled:
                result.unverified.append(exchange)
                continue
            expected = snapshot(exchange, ours, tolerance)
            actual = snapshot(_with_renamed_response(answer, renamer), theirs, tolerance)
            result.differences += [
                Difference(exchange, path, a, b) for path, a, b in diff(expected, actual, tolerance)
            ]
    finally:
        result.leftovers = _teardown(client, live)
    return result


def _creates(exchange: Exchange) -> int:
    return 1 if exchange.operation == "CreateCollection" and not is_read(exchange) else 0


def _refused(
    exchange: Exchange,
    created: set[str],
    live: list[str],
    swap: Callable[[str], str],
    absent: set[str],
) -> ForeignWrite | None:
    """Why this recorded request must not go out: a write outside what the recording created,
    or to a collection this run has not (yet, or any more) created on the target. A write to a
    collection the recording saw absent goes to a fresh random name that exists nowhere."""
    refused = foreign_write(exchange, created)
    if refused is not None or is_read(exchange) or exchange.operation == "CreateCollection":
        return refused
    if exchange.collection_id in absent and swap(exchange.collection_id) != exchange.collection_id:
        return None  # renamed: the fresh name exists nowhere (with --keep-collection-ids, refused)
    collection = swap(exchange.collection_id)
    if collection in live:
        return None
    return ForeignWrite(
        exchange,
        f"{exchange.operation} to collection {exchange.collection_id!r}, which this run did not "
        "create on the target (its CreateCollection was refused or not sent)",
    )


def _track(
    exchange: Exchange, answer: Exchange, swap: Callable[[str], str], live: list[str]
) -> None:
    """Follow which collections exist because of this run, by the target's own answers."""
    if not isinstance(exchange.collection_id, str) or not answer.ok:
        return
    collection = swap(exchange.collection_id)
    if exchange.operation == "CreateCollection" and collection not in live:
        live.append(collection)
    elif exchange.operation == "DeleteCollection" and collection in live:
        live.remove(collection)


def _teardown(client: Client, live: list[str]) -> list[str]:
    """Delete what this run created; the collections that could not be deleted."""
    left: list[str] = []
    for collection in list(live):
        try:
            answer = client.call(
                "DeleteCollection", {"CollectionId": collection}, label="parity: teardown"
            )
        except Exception:  # budget, network: say what is left rather than lose the result
            left.append(collection)
            continue
        if not (answer.ok or answer.error_type == "ResourceNotFoundException"):
            left.append(collection)
    return left
