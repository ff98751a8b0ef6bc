"""A failing sequence of calls as a self-contained boto3 script anyone can run.

Server-generated ids (FaceIds) differ on every run, so the script never pastes recorded ones:
each IndexFaces answer is kept in a variable and later calls refer to its faces by position.
Images are embedded, so the script needs neither this package nor the run's image folder. It
works in a fresh collection of its own, deleted at the end.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from botocore import xform_name

from conformance.evidence.writes import indexed_face_ids
from conformance.exchange import Exchange

REPRO_COLLECTION = "searchusers-stateful-repro"

_PRELUDE = '''\
"""{title}"""
import base64
import json

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

client = boto3.client(
    "rekognition",
    region_name={region!r},{endpoint}
    config=Config(parameter_validation=False, retries={{"total_max_attempts": 1}}),
)
COLLECTION = {collection!r}


def call(operation, params):
    try:
        answer = getattr(client, operation)(**params)
        answer.pop("ResponseMetadata", None)
    except ClientError as err:
        answer = {{"Error": err.response["Error"]}}
    shown = {{k: v for k, v in params.items() if k != "Image"}}
    print(operation, json.dumps(shown), "->", json.dumps(answer, default=str))
    return answer


def face_ids(answer):
    return [r["Face"]["FaceId"] for r in answer.get("FaceRecords", [])]


client.create_collection(CollectionId=COLLECTION)
try:
'''


class _Expr:
    """Source text that `repr` must not quote (a variable reference)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def render_script(
    exchanges: Sequence[Exchange],
    violations: Sequence[tuple[str, str]],
    *,
    endpoint_url: str | None,
    region: str,
) -> str:
    """The script replaying `exchanges` in order, with the violations as its docstring."""
    endpoint = f"\n    endpoint_url={endpoint_url!r}," if endpoint_url else ""
    messages = "\n".join(f"{rule}: {message}" for rule, message in violations)
    title = "Reproduces: " + messages.replace('"""', "'''").replace("\\", "/")
    lines = [
        _PRELUDE.format(title=title, region=region, endpoint=endpoint, collection=REPRO_COLLECTION)
    ]
    faces: dict[str, _Expr] = {}
    for number, exchange in enumerate(exchanges, start=1):
        if exchange.operation is None or exchange.params is None:
            continue
        params = _substitute(dict(exchange.params), faces)
        if isinstance(params, dict):
            params["CollectionId"] = _Expr("COLLECTION")
        lines.append(f"    r{number} = call({xform_name(exchange.operation)!r}, {params!r})")
        if exchange.operation == "IndexFaces":
            for position, face_id in enumerate(indexed_face_ids(exchange)):
                faces[face_id] = _Expr(f"face_ids(r{number})[{position}]")
    lines += ["finally:", "    client.delete_collection(CollectionId=COLLECTION)", ""]
    return "\n".join(lines)


def _substitute(value: Any, faces: Mapping[str, _Expr]) -> Any:
    if isinstance(value, str):
        return faces.get(value, value)
    if isinstance(value, bytes):
        return _Expr(f"base64.b64decode({base64.b64encode(value).decode()!r})")
    if isinstance(value, dict):
        return {k: _substitute(v, faces) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, faces) for v in value]
    return value
