"""Large request payloads of a reproduction, kept in files beside it instead of inline.

A SearchUsersByImage or IndexFaces request carries an image: printed into a boto3 snippet or a
curl line it is a megabyte of escapes in a terminal, and copied from there it is rarely whole.
So a reproduction names a file for every blob (or raw body) above a few dozen bytes, and the
report writer puts the bytes in `reproductions/` beside report.json. Which members are blobs
comes from botocore's model of the operation, so any operation with binary input gets the same
treatment.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.model import OperationNotFoundError, Shape, StructureShape

from conformance.contract.model import operation_model

INLINE_BLOB_BYTES = 64
"""Blobs this short stay inline: an empty image or a probe's few bytes read better as a literal."""
INLINE_BODY_BYTES = 4096
"""A raw request body up to this size stays in the curl line; a larger one goes to a file."""
FOLDER = "reproductions"
"""Where the report writer puts attachments, relative to the report folder."""

_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    what: str
    """Which part of the request the file holds, e.g. "Image.Bytes"."""

    def describe(self) -> str:
        return f"{self.name} ({len(self.data):,} bytes: the request's {self.what})"


class FileBytes:
    """Stands in for a blob in a printed boto3 call: its repr is the expression reading the file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"open({self.name!r}, 'rb').read()"


def detach_blobs(
    operation: str, params: Mapping[str, Any], index: int
) -> tuple[dict[str, Any], tuple[Attachment, ...]]:
    """`params` with every long blob replaced by a `FileBytes`, and the files that hold them.

    A blob is found by the operation's model; its value may be bytes (a live run's parameters)
    or the base64 text of the wire (a replayed cassette's), which is decoded.
    """
    found: list[Attachment] = []

    def detach(value: Any, path: tuple[str, ...]) -> Any:
        data = _blob_bytes(value)
        if data is None or len(data) <= INLINE_BLOB_BYTES:
            return value
        name = f"exchange-{index}-{'-'.join(p.lower() for p in path)}.{extension(data)}"
        found.append(Attachment(name, data, ".".join(path)))
        return FileBytes(name)

    return _map_blobs(operation, params, detach), tuple(found)


def blobs_as_bytes(operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` as an SDK call has them: a replay's base64 blob text decoded to bytes (text that
    is no base64 stays as it was sent)."""

    def decode(value: Any, path: tuple[str, ...]) -> Any:
        data = _blob_bytes(value)
        return value if data is None else data

    return _map_blobs(operation, params, decode)


Leaf = Callable[[Any, tuple[str, ...]], Any]


def _map_blobs(operation: str, params: Mapping[str, Any], leaf: Leaf) -> dict[str, Any]:
    try:
        shape: Shape | None = operation_model(operation).input_shape
    except OperationNotFoundError:
        return dict(params)
    mapped: dict[str, Any] = _walk(params, shape, (), leaf)
    return mapped


def _walk(value: Any, shape: Shape | None, path: tuple[str, ...], leaf: Leaf) -> Any:
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        return {
            name: _walk(member, shape.members.get(name), (*path, name), leaf)
            for name, member in value.items()
        }
    if shape is not None and shape.type_name == "blob":
        return leaf(value, path)
    return value


def _blob_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None  # not base64: a deliberately wrong value, printed as it went
    return None


def extension(data: bytes) -> str:
    """The file extension an image viewer needs, from the bytes' signature."""
    for signature, ext in _SIGNATURES:
        if data.startswith(signature):
            return ext
    return "bin"


def body_file(index: int, body: bytes) -> Attachment | None:
    """The raw request body as a file, when it is too long for a command line."""
    if len(body) <= INLINE_BODY_BYTES:
        return None
    return Attachment(f"exchange-{index}-body.json", body, "raw HTTP body")
