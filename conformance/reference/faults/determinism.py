"""Identical searches that answer differently: unstable sorts, caches, random sampling."""

from __future__ import annotations

import itertools
import threading

from conformance.reference.faults import Hooks, RequestPlan, Result
from conformance.reference.faults._kit import SEARCH, fault, matches, with_matches

FAMILY = "determinism"
DETERMINISTIC = ("metamorphic.deterministic",)


def _alternating() -> Hooks:
    """Every second search loses its last match, as a racy approximate index would."""
    calls = itertools.count()
    lock = threading.Lock()

    def on_result(_plan: RequestPlan, result: Result) -> Result:
        with lock:
            odd = next(calls) % 2 == 1
        found = matches(result)
        return with_matches(result, found[:-1]) if odd and found else result

    return Hooks(on_result=on_result)


def _drifting() -> Hooks:
    """Scores drift down a little on every call (a cache of decaying scores), order kept."""
    calls = itertools.count()
    lock = threading.Lock()

    def on_result(_plan: RequestPlan, result: Result) -> Result:
        with lock:
            step = next(calls) % 7
        drift = 1.0 + step * 0.002
        found = [{**m, "Similarity": min(100.0, m["Similarity"] * drift)} for m in matches(result)]
        return with_matches(result, found)

    return Hooks(on_result=on_result)


fault(
    "nondeterministic-results",
    "every second search drops its last match (a racy approximate index)",
    (*DETERMINISTIC, "metamorphic.max-users-prefix", "metamorphic.threshold-filter"),
    FAMILY,
    SEARCH,
    factory=_alternating,
)
fault(
    "nondeterministic-scores",
    "Similarity values change slightly from one identical call to the next",
    DETERMINISTIC,
    FAMILY,
    SEARCH,
    factory=_drifting,
)
