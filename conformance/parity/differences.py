"""Where two normalised answers disagree, as JSON paths a reader can act on.

A whole-document "not equal" says nothing about which member a target got wrong; a path such
as `$.body.UserMatches[0]` does. Values are shown scrubbed and shortened: they end up in CI logs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.exchange import Exchange
from conformance.recording import scrub_text


@dataclass(frozen=True)
class Difference:
    exchange: Exchange
    path: str
    recorded: Any
    actual: Any

    def __str__(self) -> str:
        where = f"#{self.exchange.index} {self.exchange.operation or '(raw)'}"
        return f"{where} {self.path}: recorded {_show(self.recorded)}, target {_show(self.actual)}"


_MISSING = object()


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, default=str)
    text = scrub_text(text)  # before cutting: a cut value may no longer look like a secret
    return text if len(text) <= 120 else text[:117] + "..."


def diff(
    recorded: Any, actual: Any, tolerance: float, path: str = "$"
) -> Iterator[tuple[str, Any, Any]]:
    """(path, recorded, actual) for every place the two normalised documents disagree."""
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key in sorted(set(recorded) | set(actual)):
            yield from diff(
                recorded.get(key, _MISSING), actual.get(key, _MISSING), tolerance, f"{path}.{key}"
            )
    elif isinstance(recorded, list) and isinstance(actual, list):
        for i in range(max(len(recorded), len(actual))):
            yield from diff(
                recorded[i] if i < len(recorded) else _MISSING,
                actual[i] if i < len(actual) else _MISSING,
                tolerance,
                f"{path}[{i}]",
            )
    elif _numbers(recorded, actual):
        if not math.isclose(recorded, actual, rel_tol=0.0, abs_tol=tolerance):
            yield path, recorded, actual
    elif type(recorded) is not type(actual) or recorded != actual:
        yield path, recorded, actual


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b)) and (
        isinstance(a, float) or isinstance(b, float)
    )
