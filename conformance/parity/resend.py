"""Re-send a recording to a target, in order, and collect the differences.

Recorded requests create and delete collections, users and faces, so a stateful target gives
the same answers only when replayed from a clean state, in order. Every collection the
recording creates is therefore renamed to a fresh id of the same length (unless the caller
asks to keep them), and generated ids the target hands out are substituted into the later
requests that use them. A recording of someone's existing collection (a `--read-only` run)
can only be compared with a target holding the same data.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.errors import EXIT_OK, EXIT_UNVERIFIED, EXIT_VIOLATIONS
from conformance.exchange import Exchange
from conformance.parity.differences import Difference, diff
from conformance.parity.normal_form import References, snapshot
from conformance.targets.base import Client

DEFAULT_TOLERANCE = 0.01


@dataclass
class ParityResult:
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    unverified: list[Exchange] = field(default_factory=list)
    """Recorded exchanges the target only answered with throttling."""

    @property
    def exit_code(self) -> int:
        if self.differences:
            return EXIT_VIOLATIONS
        return EXIT_UNVERIFIED if self.unverified else EXIT_OK


class Renamer:
    """Fresh, same-length ids for the collections a recording creates (so a target that
    already holds one -- a rerun against a stateful emulator -- still starts clean)."""

    ALPHABET = string.ascii_lowercase + string.digits

    def __init__(self, exchanges: list[Exchange]) -> None:
        self.new: dict[str, str] = {}
        for exchange in exchanges:
            collection = exchange.collection_id
            if exchange.operation == "CreateCollection" and isinstance(collection, str):
                self.new.setdefault(collection, self._fresh(collection))
        self.old = {v: k for k, v in self.new.items()}

    def _fresh(self, collection: str) -> str:
        keep = max(0, len(collection) - 8)
        suffix = "".join(secrets.choice(self.ALPHABET) for _ in range(len(collection) - keep))
        return collection[:keep] + suffix

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
    """Re-send `recorded` through `client`, in order, and diff each normalised answer."""
    result = ParityResult()
    renamer = Renamer(recorded if rename else [])
    ours, theirs = References(), References()

    def swap(value: str) -> str:
        label = ours.labels.get(value)
        if label is not None:
            return theirs.values.get(label, value)
        return renamer.new.get(value, value)

    for exchange in recorded:
        headers = exchange.request_headers
        answer = client.call_raw(
            _request_body(exchange, swap),
            target=headers.get("x-amz-target"),
            content_type=headers.get("content-type"),
            label=f"parity: recorded #{exchange.index}",
        )
        result.compared += 1
        if answer.throttled and not exchange.throttled:
            result.unverified.append(exchange)
            continue
        expected = snapshot(exchange, ours, tolerance)
        actual = snapshot(_with_renamed_response(answer, renamer), theirs, tolerance)
        result.differences += [
            Difference(exchange, path, a, b) for path, a, b in diff(expected, actual, tolerance)
        ]
    return result
