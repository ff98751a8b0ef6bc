"""Opaque NextToken values: a cursor (the last key returned) bound to one listing.

Cursors are keys, not offsets, so a page boundary stays correct while items are added or
removed between calls. The token names the listing (operation, collection) it belongs to, so
one listing's token handed to another is rejected instead of silently misread.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import zlib
from collections.abc import Sequence
from typing import TypeVar

from conformance.reference.api_errors import ApiError

T = TypeVar("T")
_VERSION = "p1"


def _scope(listing: str) -> str:
    return format(zlib.crc32(listing.encode()), "08x")


def encode(listing: str, last_key: str) -> str:
    raw = f"{_VERSION}|{_scope(listing)}|{last_key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(listing: str, token: str) -> str:
    """The last key of the previous page; InvalidPaginationTokenException if not ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        version, scope, last_key = raw.split("|", 2)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid_token() from exc
    if version != _VERSION or scope != _scope(listing):
        raise invalid_token()
    return last_key


def invalid_token() -> ApiError:
    return ApiError("InvalidPaginationTokenException", "Invalid pagination token")


def page(
    keys: Sequence[str], listing: str, token: str | None, limit: int
) -> tuple[list[str], str | None]:
    """One page of the sorted `keys` after the token's cursor, and the next token if any."""
    start = 0 if token is None else bisect.bisect_right(keys, decode(listing, token))
    chunk = list(keys[start : start + limit])
    more = start + limit < len(keys)
    return chunk, (encode(listing, chunk[-1]) if more and chunk else None)
