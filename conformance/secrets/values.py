"""The credentials this process actually used: masked wherever they appear, whatever they look like.

Patterns (`patterns`) only know what AWS's secrets usually look like. A session token
from another STS flavour (`AQoDYXdz...`), or an emulator's own key format, matches none of them,
and a target that echoes it into error messages would put it into reports and cassettes. So
every set of credentials the suite signs with is remembered here, and `mask_known` replaces
those exact values (also URL-encoded and JSON-escaped) before any pattern runs.

Values shorter than MIN_LENGTH are not remembered: emulators accept "test"/"testing", and
masking such words everywhere would corrupt reports without protecting anything.
"""

from __future__ import annotations

import threading
from typing import Protocol
from urllib.parse import quote

MIN_LENGTH = 16


class _CredentialValues(Protocol):
    """botocore's Credentials and its frozen ReadOnlyCredentials both fit."""

    @property
    def access_key(self) -> str | None: ...

    @property
    def secret_key(self) -> str | None: ...

    @property
    def token(self) -> str | None: ...


_lock = threading.Lock()
_values: tuple[tuple[str, str], ...] = ()
"""(value as it may appear, what it is), longest value first so one containing another is
masked whole; replaced, never mutated, so readers need no lock."""


def remember(credentials: _CredentialValues | None) -> None:
    """Mask these credentials' key id, secret and session token from now on (thread-safe)."""
    if credentials is None:
        return
    global _values
    found = {
        form: kind
        for kind, value in (
            ("access key id", credentials.access_key),
            ("secret access key", credentials.secret_key),
            ("session token", credentials.token),
        )
        if value and len(value) >= MIN_LENGTH
        for form in (value, quote(value, safe=""), value.replace("/", "\\/"))
    }
    with _lock:
        merged = dict(_values) | found
        if len(merged) != len(_values):
            _values = tuple(sorted(merged.items(), key=lambda item: (-len(item[0]), item[0])))


def known() -> tuple[tuple[str, str], ...]:
    """(value, kind) for every remembered credential value and its encoded forms."""
    return _values


def mask_known(text: str, mask: str) -> str:
    """`text` with every remembered value replaced by `mask` (the same object if none was)."""
    for value, _kind in _values:
        if value in text:
            text = text.replace(value, mask)
    return text


def forget_all() -> None:
    """For tests: a fresh process remembers nothing."""
    global _values
    with _lock:
        _values = ()
