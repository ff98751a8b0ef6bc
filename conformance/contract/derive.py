"""Service model -> JSON Schema (draft 2020-12), the wire-level contract of AWS JSON 1.1.

The schemas describe what travels on the wire, not botocore's Python parameters: blobs are
base64 strings and timestamps are epoch seconds, because that is what a reference service or a
recorded cassette actually contains.

Policy carried by the generated files (documented in schemas/README.md):

* Requests are closed (``additionalProperties: false``): botocore refuses unknown parameters,
  and the negative generator needs a precise notion of "not allowed".
* Responses are open: AWS adds response members over time and a client must not break on
  them. Strict mode (see ``conformance.contract.schemas``) closes them in memory.
* Model patterns are whole-value patterns. They are anchored as ``^(?:X)(?!\\n)$``: Python's
  ``re`` (used by python-jsonschema) lets ``$`` match before a trailing newline, the
  ``(?!\\n)`` look-ahead takes that freedom away, and ECMA-262, Rust's fancy-regex and
  Python all understand it.

The output must be byte-for-byte reproducible from the model: ``schemas check`` (the drift
gate) compares committed files with a fresh ``render``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from conformance.contract import model

JsonSchema = dict[str, Any]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_ROOT = "https://schemas.searchusers-conformance.invalid/rekognition"
"""Base of every ``$id``; ``.invalid`` (RFC 2606) makes clear nobody should fetch it."""

ERROR_SCHEMA = "error"
NEWLINE_GUARD = r"(?!\n)"
"""Inserted before the closing ``$`` so Python's ``re`` cannot match before a final newline."""

DIRECTIONS = ("request", "response")


def schema_names() -> list[str]:
    """Every schema the project ships, in a stable order (also the file stems)."""
    names = [f"{op}.{direction}" for op in model.OPERATIONS for direction in DIRECTIONS]
    return [*names, ERROR_SCHEMA]


def schema_id(name: str) -> str:
    return f"{ID_ROOT}/{model.api_version()}/{name}.json"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"p", "li", "br", "ul", "ol"}:
            self.parts.append(" ")


def html_to_text(html: str) -> str:
    """Model docs are HTML fragments; a schema ``description`` should read as plain text."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


_UNESCAPED_DOLLAR_AT_END = re.compile(r"(?<!\\)(?:\\\\)*\$\Z")


def anchor_pattern(pattern: str) -> str:
    """Make a model pattern match the whole value, and only the whole value, in every engine.

    Most model patterns are unanchored (meant as whole-value), a few already carry ``^...$``;
    both end up with the newline guard just before the final ``$``.
    """
    anchored_start = pattern.startswith("^")
    anchored_end = _UNESCAPED_DOLLAR_AT_END.search(pattern) is not None
    if anchored_start and anchored_end:
        return pattern[:-1] + NEWLINE_GUARD + "$"
    core = pattern[1:] if anchored_start else pattern
    if anchored_end:
        core = core[:-1]
    return f"^(?:{core}){NEWLINE_GUARD}$"


def base64_length(n_bytes: int) -> int:
    """Length of the padded base64 text of ``n_bytes`` bytes (model blob limits are in bytes)."""
    return 4 * ((n_bytes + 2) // 3)


BASE64_PATTERN = (
    "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?" + NEWLINE_GUARD + "$"
)


class _Converter:
    """Turns one operation's shape graph into a root schema plus ``$defs``.

    Every named shape except the root becomes a ``$defs`` entry, so shared shapes (UserId,
    FaceId, Percent...) are stated once and violations point at a recognisable definition.
    """

    def __init__(self, shapes: Mapping[str, Any], *, closed: bool) -> None:
        self.shapes = shapes
        self.closed = closed
        self.defs: dict[str, JsonSchema] = {}

    def ref(self, shape_name: str) -> JsonSchema:
        if shape_name not in self.defs:
            self.defs[shape_name] = {}  # placeholder first: recursive shapes terminate
            self.defs[shape_name] = self.shape(shape_name)
        return {"$ref": f"#/$defs/{shape_name}"}

    def member(self, member: Mapping[str, Any]) -> JsonSchema:
        schema = self.ref(member["shape"])
        doc = member.get("documentation")
        if doc:
            schema["description"] = html_to_text(doc)
        return schema

    def shape(self, shape_name: str) -> JsonSchema:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        builder = getattr(self, f"_{kind}", None)
        if builder is None:
            raise ValueError(f"shape {shape_name}: unsupported type {kind!r}")
        schema: JsonSchema = builder(shape)
        doc = shape.get("documentation")
        if doc:
            schema["description"] = html_to_text(doc)
        return schema

    def _structure(self, shape: Mapping[str, Any]) -> JsonSchema:
        members = shape.get("members", {})
        schema: JsonSchema = {
            "type": "object",
            "properties": {name: self.member(m) for name, m in members.items()},
        }
        if shape.get("required"):
            schema["required"] = list(shape["required"])
        if self.closed:
            schema["additionalProperties"] = False
        return schema

    def _list(self, shape: Mapping[str, Any]) -> JsonSchema:
        schema: JsonSchema = {"type": "array", "items": self.member(shape["member"])}
        _copy_bounds(shape, schema, "minItems", "maxItems")
        return schema

    def _map(self, shape: Mapping[str, Any]) -> JsonSchema:
        schema: JsonSchema = {
            "type": "object",
            "propertyNames": self.ref(shape["key"]["shape"]),
            "additionalProperties": self.member(shape["value"]),
        }
        _copy_bounds(shape, schema, "minProperties", "maxProperties")
        return schema

    def _string(self, shape: Mapping[str, Any]) -> JsonSchema:
        schema: JsonSchema = {"type": "string"}
        if "enum" in shape:
            schema["enum"] = list(shape["enum"])
        _copy_bounds(shape, schema, "minLength", "maxLength")
        if "pattern" in shape:
            schema["pattern"] = anchor_pattern(shape["pattern"])
        return schema

    def _integer(self, shape: Mapping[str, Any]) -> JsonSchema:
        schema: JsonSchema = {"type": "integer"}
        _copy_bounds(shape, schema, "minimum", "maximum")
        return schema

    _long = _integer

    def _float(self, shape: Mapping[str, Any]) -> JsonSchema:
        schema: JsonSchema = {"type": "number"}
        _copy_bounds(shape, schema, "minimum", "maximum")
        return schema

    _double = _float

    def _boolean(self, shape: Mapping[str, Any]) -> JsonSchema:
        return {"type": "boolean"}

    def _timestamp(self, shape: Mapping[str, Any]) -> JsonSchema:
        return {"type": "number", "$comment": "AWS JSON 1.1 sends timestamps as epoch seconds."}

    def _blob(self, shape: Mapping[str, Any]) -> JsonSchema:
        schema: JsonSchema = {
            "type": "string",
            "contentEncoding": "base64",
            "pattern": BASE64_PATTERN,
            "$comment": "AWS JSON 1.1 sends blobs as base64; model byte limits are converted.",
        }
        if "min" in shape:
            schema["minLength"] = base64_length(shape["min"])
        if "max" in shape:
            schema["maxLength"] = base64_length(shape["max"])
        return schema


def _copy_bounds(shape: Mapping[str, Any], schema: JsonSchema, low: str, high: str) -> None:
    if "min" in shape:
        schema[low] = shape["min"]
    if "max" in shape:
        schema[high] = shape["max"]


def derive_operation(operation: str, direction: str) -> JsonSchema:
    """Request or response schema of one operation; requests closed, responses open."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    raw = model.raw_model()
    op = raw["operations"][operation]
    root_shape = op["input" if direction == "request" else "output"]["shape"]
    converter = _Converter(raw["shapes"], closed=direction == "request")
    root = converter.shape(root_shape)
    name = f"{operation}.{direction}"
    policy = (
        "Closed: unknown members are not allowed (botocore rejects them too)."
        if direction == "request"
        else "Open: unknown members are accepted (AWS adds fields); strict mode rejects them."
    )
    schema: JsonSchema = {
        "$schema": DIALECT,
        "$id": schema_id(name),
        "title": f"{operation} {direction} ({root_shape})",
        "$comment": f"Derived from botocore's {model.SERVICE_NAME} {model.api_version()} model. "
        + policy,
        **root,
    }
    op_doc = op.get("documentation")
    if op_doc and direction == "request":
        schema["description"] = html_to_text(op_doc)
    if converter.defs:
        schema["$defs"] = converter.defs
    return schema


def _error_types() -> list[str]:
    raw = model.raw_model()
    names = {e["shape"] for op in model.OPERATIONS for e in raw["operations"][op].get("errors", [])}
    return sorted(names)


def derive_error() -> JsonSchema:
    """The AWS JSON 1.1 error body.

    botocore's model strips the members of error shapes, so the body's members are the wire
    protocol's: ``__type`` (always sent, possibly ``namespace#Name`` or ``Name:suffix``), and
    optional ``Code``, ``Logref``, ``Message`` / ``message``. Open like every response.
    """
    text = {"type": "string"}
    return {
        "$schema": DIALECT,
        "$id": schema_id(ERROR_SCHEMA),
        "title": "AWS JSON 1.1 error body",
        "$comment": "Open: unknown members are accepted; strict mode rejects them.",
        "description": "Error types the covered operations declare: " + ", ".join(_error_types()),
        "type": "object",
        "required": ["__type"],
        "properties": {
            "__type": {
                "type": "string",
                "pattern": r"^(?:[A-Za-z0-9_.\-]+#)?[A-Za-z][A-Za-z0-9_]*(?::\S*)?"
                + NEWLINE_GUARD
                + "$",
                "description": "Error type, optionally prefixed by 'namespace#' and/or "
                "followed by ':suffix'; clients drop both.",
                "examples": _error_types(),
            },
            "Code": {**text, "description": "Error code, usually equal to the type."},
            "Logref": {**text, "description": "Log reference for AWS support."},
            "Message": {**text, "description": "Human-readable message."},
            "message": {**text, "description": "Human-readable message (lower-case spelling)."},
        },
    }


def derive(name: str) -> JsonSchema:
    if name == ERROR_SCHEMA:
        return derive_error()
    operation, _, direction = name.partition(".")
    if operation not in model.OPERATIONS or direction not in DIRECTIONS:
        raise KeyError(name)
    return derive_operation(operation, direction)


def derive_all() -> dict[str, JsonSchema]:
    return {name: derive(name) for name in schema_names()}


def render(schema: JsonSchema) -> bytes:
    """The one serialisation used for committed files, so byte comparison is meaningful."""
    return (json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
