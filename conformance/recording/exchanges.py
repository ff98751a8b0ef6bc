"""A cassette's Rekognition traffic as the `Exchange`s a live run produces.

The rules judge only exchanges, so a recording must read back exactly as the Transport would
have returned it: same operations, same parsed params, same retry folding. Then a replayed
cassette and a live target get the same verdicts from the same checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.errors import CassetteError
from conformance.exchange import TARGET_PREFIX, Exchange, operation_from_target, scrub_headers
from conformance.recording.cassette import (
    Interaction,
    load_interactions,
    metadata,
    read_document,
)


def rekognition_interactions(path: Path, data: dict[str, Any] | None = None) -> list[Interaction]:
    """The interactions addressed to Rekognition: its JSON calls and the protocol probes sent
    to the same host (probes with a broken or missing target are exactly what protocol rules
    judge). A cassette without a single Rekognition call is refused."""
    interactions = load_interactions(path, data)
    hosts = {
        i.host for i in interactions if i.target is not None and i.target.startswith(TARGET_PREFIX)
    }
    if not hosts:
        targets = sorted({i.target or f"{i.method} {i.host}" for i in interactions})
        shown = ", ".join(targets[:3]) + (" ..." if len(targets) > 3 else "")
        raise CassetteError(
            f"{path} holds no Rekognition requests (no X-Amz-Target {TARGET_PREFIX}*; "
            f"found {shown}): a cassette of another service?"
        )
    return [i for i in interactions if i.host in hosts and i.method == "POST"]


def to_exchanges(interactions: list[Interaction], *, source: str = "") -> list[Exchange]:
    """Exchanges as the Transport would have returned them.

    The Transport retries a throttled or 5xx answer and keeps only the last attempt; vcrpy
    records every attempt. Consecutive identical requests after such an answer are folded back
    into one exchange with its attempt count, so a replay judges what the live run judged.
    """
    exchanges: list[Exchange] = []
    pending: list[Interaction] = []
    for item in interactions:
        if pending and not pending[-1].same_request(item):
            exchanges.append(_exchange(len(exchanges) + 1, pending, source))
            pending = []
        pending.append(item)
        if not _retryable(item):
            exchanges.append(_exchange(len(exchanges) + 1, pending, source))
            pending = []
    if pending:
        exchanges.append(_exchange(len(exchanges) + 1, pending, source))
    return exchanges


def _retryable(item: Interaction) -> bool:
    probe = Exchange(0, None, None, {}, b"", item.status, item.response_headers, item.response_body)
    return probe.throttled or probe.server_error


def _exchange(index: int, attempts: list[Interaction], source: str) -> Exchange:
    last = attempts[-1]
    try:
        parsed = json.loads(last.request_body) if last.request_body else None
    except (ValueError, UnicodeDecodeError):
        parsed = None
    return Exchange(
        index=index,
        operation=operation_from_target(last.target),
        params=parsed if isinstance(parsed, dict) else None,
        request_headers=scrub_headers(last.request_headers),
        request_body=last.request_body,
        status=last.status,
        response_headers=last.response_headers,
        response_body=last.response_body,
        attempts=len(attempts),
        label=f"cassette interaction {last.number}",
        meta={"cassette": source, "interaction": last.number},
    )


def load_exchanges(path: Path) -> list[Exchange]:
    """The cassette's Rekognition traffic as `Exchange`s, ready for `Evidence`."""
    return load(path)[0]


def load(path: Path) -> tuple[list[Exchange], dict[str, Any]]:
    """Exchanges and metadata from one read of the file."""
    data = read_document(path)
    interactions = rekognition_interactions(path, data)
    return to_exchanges(interactions, source=str(path)), metadata(path, data)
