"""Which recorded requests are this package's business: Rekognition's, unless a user opts in.

Installed, the package is a pytest plugin in every project of the environment, and
pytest-recording hands it every VCR those projects build. Its matching and scrubbing are right for
Rekognition and wrong for anything else (a test of another API that checks a cookie or an account
id must get back exactly what was recorded), so every hook asks the scope first and leaves a
request outside it, and its response, to vcrpy's own behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REKOGNITION_PREFIX = "RekognitionService."
"""Rekognition's `X-Amz-Target` prefix (the same as `conformance.exchange.TARGET_PREFIX`,
spelled here so the import-cheap pytest plugin need not load the exchange module)."""
EVERY_REQUEST = "*"


def header_text(value: Any) -> str:
    """Header values arrive as bytes from botocore and as str from elsewhere."""
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


def request_header(request: Any, name: str) -> str:
    """vcrpy keeps header names as sent, so the lookup ignores case (`name` is lower-case)."""
    for key, value in request.headers.items():
        if key.lower() == name:
            return header_text(value)
    return ""


def aws_target(request: Any) -> str:
    return request_header(request, "x-amz-target")


@dataclass(frozen=True)
class Scope:
    """Requests whose `X-Amz-Target` starts with one of `prefixes`; `*` means every request."""

    prefixes: tuple[str, ...] = (REKOGNITION_PREFIX,)

    @classmethod
    def of(cls, prefixes: tuple[str, ...] | list[str]) -> Scope:
        """From a user's setting (`su_vcr_targets`): nothing given means Rekognition only."""
        chosen = tuple(p.strip() for p in prefixes if p.strip())
        return cls(chosen or (REKOGNITION_PREFIX,))

    def __call__(self, request: Any) -> bool:
        if EVERY_REQUEST in self.prefixes:
            return True
        target = aws_target(request)
        return bool(target) and target.startswith(self.prefixes)


REKOGNITION = Scope()
EVERYTHING = Scope((EVERY_REQUEST,))
"""For the `record` command: every request it sends is this package's own (protocol probes
without an X-Amz-Target included)."""
