"""What a credential looks like in text, defined once for every place that hides them.

Cassettes (`conformance.recording`) and human-facing reports (`conformance.reporting.redact`)
hide the same secrets but replace them differently: a cassette must stay replayable (a fake
account id, a URL without its userinfo), a report keeps the shape and shows asterisks. So this
module only finds; each caller decides what a match becomes.
"""

from __future__ import annotations

import re

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
