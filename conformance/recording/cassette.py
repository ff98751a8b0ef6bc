"""Reading a cassette file into `Interaction`s, or a one-line `CassetteError` saying why not.

A cassette arrives from elsewhere (hand-edited, truncated by a full disk, another service's
recording), so every way the file can be wrong becomes a `CassetteError` naming the file and
the interaction -- exit 2, "could not verify" -- never a traceback or a verdict on the target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from conformance import limits
from conformance.errors import CassetteError
from conformance.exchange import operation_from_target
from conformance.recording import bounded_yaml
from conformance.recording.matchers import canonical_body


@dataclass(frozen=True)
class Interaction:
    """One recorded request/response pair, with headers flattened and bodies as bytes."""

    number: int
    """1-based position in the file (what error messages cite)."""
    method: str
    uri: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes

    @property
    def target(self) -> str | None:
        return self.request_headers.get("x-amz-target")

    @property
    def host(self) -> str:
        parts = urlsplit(self.uri)
        return f"{parts.scheme}://{parts.hostname or ''}"

    def same_request(self, other: Interaction) -> bool:
        return self.target == other.target and canonical_body(self.request_body) == canonical_body(
            other.request_body
        )


def yaml_loader() -> type[yaml.SafeLoader]:
    """The C loader when PyYAML has it: replaying every shipped cassette must stay fast."""
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def read_document(path: Path) -> dict[str, Any]:
    """The parsed cassette file, or a one-line `CassetteError` saying what is wrong with it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CassetteError(f"cassette not found: {path}") from None
    except IsADirectoryError:
        raise CassetteError(f"{path} is a directory, not a cassette file") from None
    except UnicodeDecodeError:
        raise CassetteError(f"{path} is not a text (YAML) cassette") from None
    except OSError as exc:
        raise CassetteError(f"cannot read cassette {path}: {exc.strerror}") from None
    if not text.strip():
        raise CassetteError(f"{path} is empty: it holds no recorded interactions")
    try:
        data = bounded_yaml.load(text, yaml_loader())
    except bounded_yaml.AliasBomb as exc:
        raise CassetteError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise CassetteError(f"{path} is not valid YAML{where}: corrupt or truncated") from None
    if not isinstance(data, dict) or "interactions" not in data:
        raise CassetteError(f"{path} is not a vcrpy cassette (no 'interactions' list)")
    if data.get("version") != 1:
        # vcrpy writes `version: 1` after the interactions: a file cut short loses it.
        raise CassetteError(f"{path} has no 'version: 1' line: truncated, or not a vcrpy cassette")
    return data


def load_interactions(path: Path, data: dict[str, Any] | None = None) -> list[Interaction]:
    """The interactions of the cassette at `path` (`data`: its already parsed document)."""
    data = read_document(path) if data is None else data
    raw = data["interactions"]
    if not isinstance(raw, list):
        raise CassetteError(f"{path}: 'interactions' is not a list")
    if not raw:
        raise CassetteError(f"{path} is empty: it holds no recorded interactions")
    return [_interaction(path, number, item) for number, item in enumerate(raw, start=1)]


def metadata(path: Path, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The cassette's `metadata` mapping (hand-written cassettes say their source there)."""
    found = (read_document(path) if data is None else data).get("metadata")
    return dict(found) if isinstance(found, dict) else {}


def _interaction(path: Path, number: int, item: Any) -> Interaction:
    def bad(what: str) -> CassetteError:
        return CassetteError(f"{path}: interaction {number} {what}: corrupt or truncated")

    if not isinstance(item, dict):
        raise bad("is not a mapping")
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, dict):
        raise bad("has no request")
    if not isinstance(response, dict):
        raise bad("has no response")
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise bad("has no response status code")
    method, uri = request.get("method"), request.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        raise bad("has no request method or uri")
    body = response.get("body")
    request_body = _as_bytes(request.get("body"))
    response_body = _as_bytes(body.get("string") if isinstance(body, dict) else body)
    for what, data in (("request", request_body), ("response", response_body)):
        if len(data) > limits.MAX_RESPONSE_BYTES:
            raise CassetteError(
                f"{path}: interaction {number} {what} body is larger than "
                f"{limits.megabytes(limits.MAX_RESPONSE_BYTES)}: cannot be judged"
            )
        if (deep := limits.too_deep(data)) is not None:
            raise CassetteError(f"{path}: interaction {number} {what} body is {deep}")
    return Interaction(
        number=number,
        method=method.upper(),
        uri=uri,
        request_headers=_flat_headers(request.get("headers")),
        request_body=request_body,
        status=code,
        response_headers=_flat_headers(response.get("headers")),
        response_body=response_body,
    )


def _flat_headers(headers: Any) -> dict[str, str]:
    """vcrpy stores `name: [values]`; exchanges use lower-case names and joined values."""
    if not isinstance(headers, dict):
        return {}
    flat: dict[str, str] = {}
    for name, values in headers.items():
        items = values if isinstance(values, list) else [values]
        flat[str(name).lower()] = ", ".join(str(v) for v in items)
    return flat


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, dict | list):  # hand-written cassettes may give the JSON inline
        return json.dumps(body).encode()
    return str(body).encode()


def summarize(path: Path) -> dict[str, Any]:
    """What a cassette holds, for `cassettes show`: operations, statuses, its source."""
    data = read_document(path)
    interactions = load_interactions(path, data)
    operations: dict[str, int] = {}
    statuses: dict[int, int] = {}
    for item in interactions:
        name = operation_from_target(item.target) or item.target or "(no X-Amz-Target)"
        operations[name] = operations.get(name, 0) + 1
        statuses[item.status] = statuses.get(item.status, 0) + 1
    return {
        "path": str(path),
        "interactions": len(interactions),
        "operations": dict(sorted(operations.items(), key=lambda kv: (-kv[1], kv[0]))),
        "statuses": dict(sorted(statuses.items())),
        "metadata": metadata(path, data),
    }
