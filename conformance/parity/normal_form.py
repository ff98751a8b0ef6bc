"""Reduce an answer to what two correct services must agree on.

Parity is a snapshot test across implementations, so everything that legitimately differs
between two correct services is normalised away before comparing: request ids and Logrefs,
ids the service generates (FaceId, ImageId, NextToken: replaced by numbered references, so
"the same face" still has to be the same face), FaceModelVersion, timestamps, error messages
(AWS documents none), and the order of results that tie or of listings whose order is not part
of the contract. Similarity and other floats stay numbers: `differences.diff` compares them
within a tolerance.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.exchange import Exchange
from conformance.recording import scrub_text

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
