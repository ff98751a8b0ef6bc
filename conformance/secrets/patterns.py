"""What a credential looks like in text, defined once for every place that hides them.

Cassettes (`conformance.recording`) and human-facing reports (`conformance.secrets.redact`)
hide the same secrets but replace them differently: a cassette must stay replayable (a fake
account id, a URL without its userinfo), a report keeps the shape and shows asterisks. So this
module finds, and `mask_credentials` takes the replacement from its caller.
"""

from __future__ import annotations

import re
from typing import Any

from conformance.secrets.values import mask_known

ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")
"""An access key id; group 1 is its public prefix (long-term or temporary)."""

ARN_ACCOUNT = re.compile(
    r"((?:\barn:[A-Za-z0-9-]+|(?<![A-Za-z0-9-])aws[a-z-]*):[A-Za-z0-9-]*:[A-Za-z0-9-]*:)"
    r"(\d{12})(?=[:/]|\b)"
)
"""An account id inside an ARN (with or without its `arn:` head); group 1 is everything before
it, group 2 the account id."""

URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@\"']+(:[^/\s@\"']*)?@")
"""Userinfo in a URL; group 1 is the scheme, group 2 the `:password` part when there is one."""

SESSION_TOKEN = re.compile(
    r"(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AgoJb3JpZ2lu)[A-Za-z0-9+/=%]*"
)
# A 40-character secret access key only counts next to a word that names it (as git-secrets
# does): ids the suite generates can be 40 mixed-case characters too, and rewriting those would
# corrupt the evidence.
NAMED_SECRET = re.compile(
    r"(?i)((?:secret|aws_?secret|secret_?access_?key|private_?key)[\w-]{0,20}\W{1,4})"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
SIGNATURE = re.compile(r"(?i)((?:x-amz-)?signature=)[0-9a-f]{64}")
# JSON members whose value is a credential whatever it looks like. NextToken is a pagination
# cursor, not a secret, hence the explicit list.
SECRET_MEMBER = re.compile(
    r'(?i)("(?:SecretAccessKey|SecretKey|aws_secret_access_key|SessionToken|SecurityToken'
    r'|aws_session_token|Password|AccessToken|RefreshToken|IdToken|PrivateKey)"\s*:\s*")'
    r'((?:[^"\\]|\\.)*)(")'
)
ACCOUNT_MEMBER = re.compile(
    r'(?i)("(?:Account|AccountId|OwnerId|aws_account_id)"\s*:\s*")(\d{12})(")'
)


_SCREENS: dict[re.Pattern[str], tuple[str | re.Pattern[str], ...]] = {
    ACCESS_KEY: ("AKIA", "ASIA"),
    ARN_ACCOUNT: (re.compile(r":\d{12}"),),
    URL_USERINFO: ("@",),
    SESSION_TOKEN: ("IQoJb3JpZ2lu", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "AgoJb3JpZ2lu"),
    NAMED_SECRET: ("secret", "private"),
    SIGNATURE: ("signature=",),
    SECRET_MEMBER: ('"',),
    ACCOUNT_MEMBER: ('"',),
}
"""For each pattern, text any match must contain (one of them): a literal (lower-case for an
`(?i)` pattern) or a regex with a literal head. Python's `re` finds a literal in microseconds but
scans a pattern that starts with a class or a lookbehind character by character: ~30 ms each for
a 400 kB base64 image body, which a recording scrubs several times per request."""


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when `text` lacks everything a match of `pattern` (one of `_SCREENS`) needs."""
    folded = pattern.flags & re.IGNORECASE
    if folded and not text.isascii():
        # Unicode case folding matches some non-ASCII letters to ASCII ones (U+017F to "s"):
        # lower-casing is no exact screen then, so the pattern itself decides
        return True
    haystack = text.lower() if folded else text
    return any(
        needle.search(haystack) if isinstance(needle, re.Pattern) else needle in haystack
        for needle in _SCREENS[pattern]
    )


def sub(pattern: re.Pattern[str], replacement: Any, text: str) -> str:
    """`pattern.sub(replacement, text)`, skipped when `text` lacks everything a match needs."""
    return pattern.sub(replacement, text) if may_match(pattern, text) else text


def mask_credentials(text: str, *, mask: str, account: str) -> str:
    """Replace the credentials this process used (`values`), session tokens, named
    secret keys, signatures, credential members and account ids (in ARNs and account members)
    with `mask` / `account`.

    Access key ids and URL userinfo are left to the caller: cassettes and reports replace
    those differently (a report keeps the key's public AKIA/ASIA prefix, a cassette keeps a
    bare user name so the URL still replays).
    """
    out = sub(SESSION_TOKEN, mask, mask_known(text, mask))
    out = sub(NAMED_SECRET, lambda m: m.group(1) + mask, out)
    out = sub(SIGNATURE, lambda m: m.group(1) + mask, out)
    out = sub(ARN_ACCOUNT, lambda m: m.group(1) + account, out)
    out = sub(SECRET_MEMBER, lambda m: m.group(1) + mask + m.group(3), out)
    return sub(ACCOUNT_MEMBER, lambda m: m.group(1) + account + m.group(3), out)
