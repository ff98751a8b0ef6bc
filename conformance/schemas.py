"""Public facade: the SearchUsers contract as JSON Schema.

Users call ``conformance.schemas.load(name)``, ``validate_request(obj)``,
``validate_response(obj, strict=False)`` and ``validate_error(obj)`` (with ``operation=`` for the
other shipped operations, and ``validate_search_users_by_image_request/response`` for the image
search); each validator returns a list of ``Violation`` (empty = valid). Responses accept unknown
members unless ``strict=True``.
The implementation lives in ``conformance.contract`` so it can change without breaking imports.
"""

from __future__ import annotations

from conformance.contract.errors import error_message, error_type
from conformance.contract.schemas import (
    UnknownSchemaError,
    Violation,
    json_pointer,
    load,
    names,
    validate,
    validate_error,
    validate_request,
    validate_response,
    validate_search_users_by_image_request,
    validate_search_users_by_image_response,
)

__all__ = [
    "UnknownSchemaError",
    "Violation",
    "error_message",
    "error_type",
    "json_pointer",
    "load",
    "names",
    "validate",
    "validate_error",
    "validate_request",
    "validate_response",
    "validate_search_users_by_image_request",
    "validate_search_users_by_image_response",
]
