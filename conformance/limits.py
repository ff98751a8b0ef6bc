"""What the suite will read from a target or a cassette before it gives up on judging it.

A gate people point at production and feed recordings from elsewhere must stay bounded in
memory and must not crash on an answer its rules cannot read. Every limit here is far above
anything a SearchUsers implementation sends (a 500-match answer is about 60 KB and nested six
levels deep), so reaching one says "this cannot be judged" (exit 2), never "violation".
"""

from __future__ import annotations

import re

MAX_RESPONSE_BYTES = 20 * 1024 * 1024
"""Response bodies longer than this are not read further (20 MiB)."""

MAX_JSON_DEPTH = 100
"""JSON nested deeper than this is not parsed: Python's parser and every recursive walk over the
result (schema validation, normal forms) would hit the interpreter's recursion limit."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


def json_depth(body: bytes) -> int:
    """How deeply `body` nests arrays and objects, counting brackets outside strings.

    Linear and iterative; only bodies with more opening brackets than the limit are scanned,
    so ordinary answers cost two `bytes.count` calls.
    """
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def too_deep(body: bytes) -> str | None:
    """Why `body` cannot be parsed safely, or None when it can."""
    depth = json_depth(body)
    if depth <= MAX_JSON_DEPTH:
        return None
    return f"JSON nested {depth:,} levels deep (more than {MAX_JSON_DEPTH} cannot be judged)"


def whitespace_only(body: bytes) -> str:
    """How to name a body that holds nothing but whitespace: an empty one or not."""
    return "an empty body" if not body else f"a body of {len(body):,} bytes of whitespace only"
