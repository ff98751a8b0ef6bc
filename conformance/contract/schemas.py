"""Load the committed JSON Schemas and validate instances against them.

Why the shape of this module:

* Schemas are read from the shipped files, never re-derived at run time: what the suite checks
  is exactly what is committed and reviewed (the drift gate keeps the files honest).
* Validation returns a list of ``Violation`` (empty = valid) rather than raising, because the
  gate and the rule engine report every problem of a response at once.
* Speed: a jsonschema-rs validator is compiled once per (schema, strictness) and its
  ``is_valid`` is the fast path; only an invalid instance pays for ``iter_errors``.
* Unknown members: requests are closed by the schema files; responses and error bodies are
  open unless ``strict=True``, which closes every structure (AWS adds response fields over
  time, so only a strict run should flag them).
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - 3.10 keeps it in importlib.abc
    from importlib.abc import Traversable

from conformance.contract.derive import ERROR_SCHEMA, NEWLINE_GUARD
from conformance.contract.nulls import absent_nulls

SUFFIX = ".json"


class UnknownSchemaError(LookupError):
    """No schema of that name ships with the project."""


@dataclass(frozen=True)
class Violation:
    """One reason an instance does not satisfy a schema.

    ``pointer`` is the RFC 6901 JSON pointer of the offending instance location ("" = the
    whole document; for ``required`` it is the object missing the member), ``keyword`` the
    JSON Schema keyword that failed, ``message`` a human-readable explanation.
    """

    pointer: str
    keyword: str
    message: str


def schema_root() -> Traversable:
    """Where the schema files live: inside an installed wheel, else the checkout's ``schemas/``.

    The wheel force-includes ``schemas`` as ``conformance/_schemas``; an editable checkout has
    only the top-level folder next to the package.
    """
    packaged = resources.files("conformance") / "_schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


def _file_name(name: str) -> str:
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    return stem + SUFFIX


def names() -> list[str]:
    """Names of the shipped schemas (file stems), sorted."""
    root = schema_root()
    return sorted(
        entry.name[: -len(SUFFIX)] for entry in root.iterdir() if entry.name.endswith(SUFFIX)
    )


@cache
def _text(file_name: str) -> str:
    entry = schema_root() / file_name
    if not entry.is_file():
        raise UnknownSchemaError(
            f"no schema {file_name!r}; known: {', '.join(names()) or '(none)'}"
        )
    text: str = entry.read_text(encoding="utf-8")
    return text


def load(name: str) -> dict[str, Any]:
    """The schema ``name`` (e.g. ``"SearchUsers.request"``; a ``.json`` suffix is allowed).

    Returns a fresh dict each call so callers may mutate it without corrupting the cache.
    """
    schema: dict[str, Any] = json.loads(_text(_file_name(name)))
    return schema


def _walk(node: Any) -> Iterable[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def strict_variant(schema: dict[str, Any]) -> dict[str, Any]:
    """Close every structure (objects with ``properties``; maps stay maps) of a schema."""
    closed = copy.deepcopy(schema)
    for node in _walk(closed):
        if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
            node["additionalProperties"] = False
    return closed


def _rust_patterns(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop the newline guard for jsonschema-rs, whose ``$`` is already end-of-text only.

    The guard is a look-ahead, which forces fancy-regex onto its slow backtracking VM; without
    it the plain regex engine runs, with the same meaning (tested in test_patterns.py).
    """
    fast = copy.deepcopy(schema)
    guarded_end = NEWLINE_GUARD + "$"
    for node in _walk(fast):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern.endswith(guarded_end):
            node["pattern"] = pattern[: -len(guarded_end)] + "$"
    return fast


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Inline `$ref`s for the compiled validator: resolving them per item costs ~40% of a
    500-match validation (measured in benchmarks/validate.py). A recursive schema cannot be
    inlined and is compiled as it is."""
    try:
        inlined = jsonschema_rs.dereference(schema)
    except Exception:  # recursive or otherwise uninlinable: correctness first
        return schema
    return inlined if isinstance(inlined, dict) else schema


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def json_pointer(path: Sequence[str | int]) -> str:
    return "".join("/" + _escape(token) for token in path)


def _keyword(error: Any) -> str:
    schema_path = list(error.schema_path)
    if schema_path and isinstance(schema_path[-1], str):
        return str(schema_path[-1])
    kind = type(error.kind).__name__
    return kind[:1].lower() + kind[1:]


class SchemaValidator:
    """A compiled schema; build through ``validator()`` so each is compiled only once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._compiled = jsonschema_rs.validator_for(_inline_refs(_rust_patterns(schema)))

    def is_valid(self, instance: Any) -> bool:
        return bool(self._compiled.is_valid(instance))

    def violations(self, instance: Any) -> list[Violation]:
        if self._compiled.is_valid(instance):
            return []
        found = {
            Violation(json_pointer(error.instance_path), _keyword(error), error.message)
            for error in self._compiled.iter_errors(instance)
        }
        return sorted(found, key=lambda v: (v.pointer, v.keyword, v.message))


@cache
def validator(name: str, *, strict: bool = False) -> SchemaValidator:
    schema = load(name)
    return SchemaValidator(strict_variant(schema) if strict else schema)


def validate(name: str, instance: Any, *, strict: bool = False) -> list[Violation]:
    """Violations of ``instance`` against schema ``name``; ``[]`` means valid.

    Null members are absent members (see ``conformance.contract.nulls``): ``{"MaxUsers":
    null}`` is judged as ``{}``.
    """
    compiled = validator(_file_name(name)[: -len(SUFFIX)], strict=strict)
    if compiled.is_valid(instance):  # no schema admits null, so only a failure can hide one
        return []
    return compiled.violations(absent_nulls(instance))


def validate_request(instance: Any, operation: str = "SearchUsers") -> list[Violation]:
    """Requests are always closed: an unknown member is a violation."""
    return validate(f"{operation}.request", instance)


def validate_response(
    instance: Any, operation: str = "SearchUsers", *, strict: bool = False
) -> list[Violation]:
    """Responses accept unknown members unless ``strict`` (AWS adds response fields)."""
    return validate(f"{operation}.response", instance, strict=strict)


IMAGE_SEARCH = "SearchUsersByImage"


def validate_search_users_by_image_request(instance: Any) -> list[Violation]:
    """A SearchUsersByImage request as it travels (``Image.Bytes`` is base64 text); closed."""
    return validate_request(instance, IMAGE_SEARCH)


def validate_search_users_by_image_response(
    instance: Any, *, strict: bool = False
) -> list[Violation]:
    """A SearchUsersByImage answer; open unless ``strict``, like every response."""
    return validate_response(instance, IMAGE_SEARCH, strict=strict)


def validate_error(instance: Any, *, strict: bool = False) -> list[Violation]:
    """An AWS JSON 1.1 error body; open like responses unless ``strict``."""
    return validate(ERROR_SCHEMA, instance, strict=strict)
