"""What a secret looks like inside a cassette, shared by the scrubber and the linter.

Scrubbing (before a cassette is written) and linting (of the file as it is on disk) must agree
on what counts as a secret, or a hand-edited cassette could carry a value the hooks would have
removed. Like `conformance.secret_patterns`, this module only finds; `scrub` decides what a
match becomes and `lint` how it is described.
"""

from __future__ import annotations

import re

from conformance.exchange import SECRET_HEADERS

PLACEHOLDER_ACCOUNT = "000000000000"
"""Replaces account ids in ARNs: clearly fake, and keeps the ARN well-formed."""
ALLOWED_ACCOUNTS = frozenset({PLACEHOLDER_ACCOUNT, "123456789012"})
"""Ours, and the one AWS's documentation uses in its published examples."""
MASK = "<scrubbed>"

#: Headers dropped from recorded requests and responses: they carry credentials, derive from
#: them (the signature date), identify the caller's SDK session, or hold cookies.
REMOVED_HEADERS = SECRET_HEADERS | {"cookie", "set-cookie", "proxy-authorization"}

#: Query parameters of presigned URLs that carry or derive from credentials.
SECRET_QUERY_PARAMETERS = frozenset(
    {"x-amz-credential", "x-amz-signature", "x-amz-security-token", "x-amz-date", "signature"}
)

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
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
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
