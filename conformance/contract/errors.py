"""How a client names an AWS JSON 1.1 error.

The type may arrive in the ``X-Amzn-Errortype`` header or the body's ``__type``, decorated with
a ``namespace#`` prefix and/or a ``:suffix``; comparing raw strings would make equal errors look
different, so every check goes through ``error_type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ERROR_TYPE_HEADER = "x-amzn-errortype"


def clean_error_type(raw: str) -> str | None:
    """`ns#Name:suffix` -> `Name`, the form SDKs compare."""
    name = raw.split(":", 1)[0]
    name = name.rsplit("#", 1)[-1].strip()
    return name or None


def error_type(headers: Mapping[str, str] | None, body: Mapping[str, Any] | None) -> str | None:
    """The error type per the client rule: header first, then ``__type``; ``None`` if neither.

    Header names are compared case-insensitively (HTTP semantics), whatever mapping is given.
    """
    for key, value in (headers or {}).items():
        if key.lower() == ERROR_TYPE_HEADER and isinstance(value, str):
            cleaned = clean_error_type(value)
            if cleaned:
                return cleaned
    raw = (body or {}).get("__type")
    if isinstance(raw, str):
        return clean_error_type(raw)
    return None


def error_message(body: Mapping[str, Any] | None) -> str | None:
    """AWS spells the member ``message`` or ``Message`` depending on the service stack."""
    for key in ("message", "Message"):
        value = (body or {}).get(key)
        if isinstance(value, str):
            return value
    return None
