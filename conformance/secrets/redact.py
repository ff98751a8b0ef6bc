"""The last line of defence against leaking credentials into anything a human or CI keeps.

Exchanges are scrubbed of signing headers when they are built, but a target can still echo an
access key id in an error message, an ARN carries the account id, and an endpoint URL may hold
user:password. Every report writer and the console pass their final text through `redact`, so
a new output cannot forget it.
"""

from __future__ import annotations

from conformance.secrets.patterns import ACCESS_KEY, URL_USERINFO, mask_credentials, sub

MASK = "*"


def redact(text: str) -> str:
    """Mask the credentials this process used, access key ids, session tokens, secret keys, signatures, credential members,
    account ids and credentials embedded in URLs -- what cassettes scrub, shown as asterisks.

    Replacements use only characters that need no escaping in JSON, XML or markdown, so this can
    run over an already serialised document without breaking it.
    """
    text = sub(ACCESS_KEY, lambda m: m.group(1) + MASK * 16, text)
    text = mask_credentials(text, mask=MASK * 8, account=MASK * 12)
    return sub(URL_USERINFO, lambda m: m.group(1) + "***@", text)


def excerpt(text: str, limit: int) -> str:
    """`text` on one line, redacted and then cut to `limit` characters: cutting first could
    leave half a key id that no pattern recognises any more."""
    text = redact(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit] + "..."
