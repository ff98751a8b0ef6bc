"""How a client names an AWS JSON 1.1 error: one reading for the whole package.

botocore (boto3 and the AWS CLI, the clients of record) reads the type from the body's
``__type`` only, cutting a ``:suffix`` and then a ``namespace#`` prefix
(``botocore.parsers.BaseJSONParser._do_error_parse``). It ignores the ``X-Amzn-Errortype``
header and a body ``code``: an error typed only there reaches every boto3 caller as
``Code '400'`` and no modeled exception. Smithy's awsJson1_1 rules (and SDKs generated from
them) read the header first, then ``code``, then ``__type``; ``wire_error_types`` shows every
place a response names a type so the rules can say what each reader gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ERROR_TYPE_HEADER = "x-amzn-errortype"
TYPE_MEMBER = "__type"


def clean_error_type(raw: str) -> str | None:
    """`ns#Name:suffix` -> `Name`, in botocore's order (`:` first, then the last `#`)."""
    name = raw.split(":", 1)[0].rsplit("#", 1)[-1]
    return name or None


def error_type(headers: Mapping[str, str] | None, body: Mapping[str, Any] | None) -> str | None:
    """The error type a boto3 caller gets: the body's ``__type``, cleaned; ``None`` if absent.

    ``headers`` is accepted for callers that hold a whole response and deliberately ignored:
    botocore ignores ``X-Amzn-Errortype`` (see the module docstring).
    """
    raw = body.get(TYPE_MEMBER) if isinstance(body, Mapping) else None
    return clean_error_type(raw) if isinstance(raw, str) else None


def wire_error_types(
    headers: Mapping[str, str] | None, body: Mapping[str, Any] | None
) -> dict[str, str]:
    """Every place the response names an error type, cleaned, in Smithy's reading order:
    ``X-Amzn-Errortype``, then the body's ``code``/``Code``, then ``__type``."""
    found: dict[str, str] = {}
    for key, value in (headers or {}).items():
        if key.lower() == ERROR_TYPE_HEADER and isinstance(value, str) and clean_error_type(value):
            found["X-Amzn-Errortype"] = clean_error_type(value) or ""
    mapping = body if isinstance(body, Mapping) else {}
    for member in ("code", "Code", TYPE_MEMBER):
        raw = mapping.get(member)
        if isinstance(raw, str) and clean_error_type(raw):
            found[member] = clean_error_type(raw) or ""
    return found


def error_message(body: Mapping[str, Any] | None) -> str | None:
    """AWS spells the member ``message`` or ``Message`` depending on the service stack."""
    for key in ("message", "Message"):
        value = (body or {}).get(key)
        if isinstance(value, str):
            return value
    return None
