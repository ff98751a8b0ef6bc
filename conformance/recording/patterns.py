"""What a secret looks like inside a cassette, shared by the scrubber and the linter.

Scrubbing (before a cassette is written) and linting (of the file as it is on disk) must agree
on what counts as a secret, or a hand-edited cassette could carry a value the hooks would have
removed. Like `conformance.secrets.patterns`, this module only finds; `scrub` decides what a
match becomes and `lint` how it is described.
"""

from __future__ import annotations

import re

from conformance.exchange import SCRUBBED, SECRET_HEADERS
from conformance.secrets.patterns import (
    ACCOUNT_MEMBER,
    NAMED_SECRET,
    SECRET_MEMBER,
    SESSION_TOKEN,
    SIGNATURE,
)

PLACEHOLDER_ACCOUNT = "000000000000"
"""Replaces account ids in ARNs: clearly fake, and keeps the ARN well-formed."""
ALLOWED_ACCOUNTS = frozenset({PLACEHOLDER_ACCOUNT, "123456789012"})
"""Ours, and the one AWS's documentation uses in its published examples."""
MASK = SCRUBBED

#: Headers dropped from recorded requests and responses: they carry credentials, derive from
#: them (the signature date), identify the caller's SDK session, or hold cookies.
REMOVED_HEADERS = SECRET_HEADERS | {"cookie", "set-cookie", "proxy-authorization"}

#: Query parameters of presigned URLs that carry or derive from credentials.
SECRET_QUERY_PARAMETERS = frozenset(
    {"x-amz-credential", "x-amz-signature", "x-amz-security-token", "x-amz-date", "signature"}
)

PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


__all__ = [
    "ACCOUNT_MEMBER",
    "ALLOWED_ACCOUNTS",
    "MASK",
    "NAMED_SECRET",
    "PLACEHOLDER_ACCOUNT",
    "PRIVATE_KEY",
    "REMOVED_HEADERS",
    "SECRET_MEMBER",
    "SECRET_QUERY_PARAMETERS",
    "SESSION_TOKEN",
    "SIGNATURE",
]
