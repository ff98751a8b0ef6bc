"""`searchusers-conformance parity --cassette PATH`: does a target answer as the recording did?

A snapshot test across implementations: the recorded requests are re-sent, in order, and each
answer is compared with the recorded one after normalising away what legitimately differs
between two correct services -- request ids and Logrefs, ids the service generates (FaceId,
ImageId, NextToken: replaced by numbered references, so "the same face" still has to be the
same face), FaceModelVersion, timestamps, error messages (AWS documents none), Similarity and
other floats within a tolerance, and the order of results that tie or of listings whose order
is not part of the contract. Every remaining difference is printed with its JSON path.

Recorded requests create and delete collections, users and faces, so a stateful target gives
the same answers only when replayed from a clean state, in order. Parity therefore renames every
collection the recording creates to a fresh id of the same length (`--keep-collection-ids` to
send them unchanged), and generated ids the target hands out are substituted into the later
requests that use them. A recording of someone's existing collection (a `--read-only` run)
can only be compared with a target holding the same data.

Exit 0: no differences; 1: differences; 2: could not verify (unreachable, throttled, bad
cassette).
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import string
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.config import DEFAULT_REGION
from conformance.errors import EXIT_OK, EXIT_UNVERIFIED, EXIT_VIOLATIONS, UsageError
from conformance.exchange import Exchange
from conformance.recording import load_exchanges, scrub_text
from conformance.targets.base import Client
from conformance.transport import (
    LOOPBACK_CREDENTIALS,
    Transport,
    TransportSettings,
    credentials_from_chain,
    default_endpoint,
)

DEFAULT_TOLERANCE = 0.01
GENERATED = frozenset({"FaceId", "ImageId", "NextToken", "DeletedFaces", "FaceIds"})
"""Members whose values the service invents: compared as numbered references."""
VOLATILE = frozenset({"FaceModelVersion", "IndexFacesModelVersion", "FaceModelVersions"})
"""Members whose value says which model or build answered, not what it answered."""
DROPPED = frozenset({"Logref", "CreationTimestamp"})
UNORDERED = frozenset(
    {
        "Faces",
        "Users",
        "FaceRecords",
        "UnindexedFaces",
        "DeletedFaces",
        "AssociatedFaces",
        "DisassociatedFaces",
        "UnsuccessfulFaceAssociations",
        "UnsuccessfulFaceDisassociations",
        "UnsuccessfulFaceDeletions",
    }
)
"""Lists whose order the documentation leaves to the implementation."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parity",
        help="re-send a cassette's requests to a target and diff the normalised answers",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--cassette", type=Path, required=True, metavar="PATH")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint-url", metavar="URL", help="the target (default: the embedded reference)"
    )
    where.add_argument("--aws", action="store_true", help="AWS itself (boto3 credential chain)")
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--profile", help="AWS profile for the credential chain")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"how far Similarity and other floats may differ (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--keep-collection-ids",
        action="store_true",
        help="send recorded CollectionIds unchanged instead of fresh same-length ones",
    )
    parser.add_argument(
        "--max-shown", type=int, default=50, metavar="N", help="differences to print (default 50)"
    )
    parser.set_defaults(handler=_handle)


# -- normalisation --------------------------------------------------------------------------


class References:
    """Numbers each generated value by first appearance, per member name, on one side."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def label(self, kind: str, value: str) -> str:
        found = self.labels.get(value)
        if found is None:
            kind = "FaceId" if kind in ("FaceIds", "DeletedFaces") else kind
            self._counts[kind] = self._counts.get(kind, 0) + 1
            found = f"<{kind}#{self._counts[kind]}>"
            self.labels[value] = found
            self.values[found] = value
        return found


def normalise(value: Any, refs: References, tolerance: float, key: str = "") -> Any:
    """A comparable form of a response body (see the module docstring for what is dropped)."""
    if isinstance(value, dict):
        return {
            k: normalise(v, refs, tolerance, k)
            for k, v in sorted(value.items())
            if k not in DROPPED
        }
    if isinstance(value, list):
        items = [normalise(v, refs, tolerance, key) for v in value]
        if key in UNORDERED:
            return sorted(items, key=_canonical)
        return _untie(items, tolerance)
    if isinstance(value, str):
        if key in GENERATED:
            return refs.label(key, value)
        if key in VOLATILE:
            return f"<{key.rstrip('s')}>"
        return scrub_text(value)
    return value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _similarity(item: Any) -> float | None:
    found = item.get("Similarity") if isinstance(item, dict) else None
    return float(found) if isinstance(found, int | float) else None


def _untie(items: list[Any], tolerance: float) -> list[Any]:
    """Order within a run of equal Similarity is undocumented: sort each run canonically."""
    out: list[Any] = []
    run: list[Any] = []
    for item in items:
        score = _similarity(item)
        last = _similarity(run[-1]) if run else None
        if run and (score is None or last is None or abs(score - last) > tolerance / 2):
            out += sorted(run, key=_without_similarity) if last is not None else run
            run = []
        run.append(item)
    last = _similarity(run[-1]) if run else None
    return out + (sorted(run, key=_without_similarity) if last is not None else run)


def _without_similarity(item: Any) -> str:
    return _canonical({k: v for k, v in item.items() if k != "Similarity"})


def snapshot(exchange: Exchange, refs: References, tolerance: float) -> dict[str, Any]:
    """What parity compares of one answer: status, content type, and the body (an error is
    reduced to its type: messages are undocumented and differ between correct services)."""
    content_type = exchange.content_type.split(";", 1)[0].strip().lower()
    shot: dict[str, Any] = {"status": exchange.status, "content-type": content_type}
    if exchange.ok:
        body = exchange.json
        shot["body"] = (
            normalise(body, refs, tolerance)
            if body is not None
            else exchange.response_body.decode("utf-8", "replace")
        )
    else:
        shot["error"] = exchange.error_type
    return shot


# -- comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    exchange: Exchange
    path: str
    recorded: Any
    actual: Any

    def __str__(self) -> str:
        where = f"#{self.exchange.index} {self.exchange.operation or '(raw)'}"
        return f"{where} {self.path}: recorded {_show(self.recorded)}, target {_show(self.actual)}"


_MISSING = object()


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, default=str)
    return scrub_text(text if len(text) <= 120 else text[:117] + "...")


def diff(
    recorded: Any, actual: Any, tolerance: float, path: str = "$"
) -> Iterator[tuple[str, Any, Any]]:
    """(path, recorded, actual) for every place the two normalised documents disagree."""
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key in sorted(set(recorded) | set(actual)):
            yield from diff(
                recorded.get(key, _MISSING), actual.get(key, _MISSING), tolerance, f"{path}.{key}"
            )
    elif isinstance(recorded, list) and isinstance(actual, list):
        for i in range(max(len(recorded), len(actual))):
            yield from diff(
                recorded[i] if i < len(recorded) else _MISSING,
                actual[i] if i < len(actual) else _MISSING,
                tolerance,
                f"{path}[{i}]",
            )
    elif _numbers(recorded, actual):
        if not math.isclose(recorded, actual, rel_tol=0.0, abs_tol=tolerance):
            yield path, recorded, actual
    elif type(recorded) is not type(actual) or recorded != actual:
        yield path, recorded, actual


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b)) and (
        isinstance(a, float) or isinstance(b, float)
    )


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
    return Exchange(
        exchange.index,
        exchange.operation,
        exchange.params,
        exchange.request_headers,
        exchange.request_body,
        exchange.status,
        exchange.response_headers,
        restored.encode("latin-1"),
    )


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


# -- the command ----------------------------------------------------------------------------


def _handle(args: argparse.Namespace) -> int:
    if args.tolerance < 0:
        raise UsageError("--tolerance must not be negative")
    recorded = load_exchanges(args.cassette)
    with ExitStack() as stack:
        url, description, credentials = _target(args, stack)
        transport = Transport(
            TransportSettings(endpoint_url=url, region=args.region, max_requests=None),
            credentials,
        )
        stack.callback(transport.close)
        print(f"parity: re-sending {len(recorded)} recorded request(s) to {description}")
        result = compare(
            recorded, transport, tolerance=args.tolerance, rename=not args.keep_collection_ids
        )
    for difference in result.differences[: args.max_shown]:
        print(difference)
    hidden = len(result.differences) - args.max_shown
    if hidden > 0:
        print(f"... and {hidden} more")
    changed = len({d.exchange.index for d in result.differences})
    print(
        f"{len(result.differences)} difference(s) in {changed} of {result.compared} exchange(s)"
        + (f"; {len(result.unverified)} answered only with throttling" if result.unverified else "")
    )
    return result.exit_code


def _target(args: argparse.Namespace, stack: ExitStack) -> tuple[str, str, Any]:
    if args.endpoint_url:
        found = credentials_from_chain(args.profile)
        return args.endpoint_url, args.endpoint_url, found or LOOPBACK_CREDENTIALS
    if args.aws:
        url = default_endpoint(args.region)
        return url, f"AWS ({url})", credentials_from_chain(args.profile)
    from conformance.reference.protocol import ReferenceServer

    server = stack.enter_context(ReferenceServer(quiet=True))
    return server.url, f"the embedded reference ({server.url})", LOOPBACK_CREDENTIALS
