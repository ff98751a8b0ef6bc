"""The fault catalog: realistic SearchUsers bugs, one module per family, registered on import.

Each fault is the kind of mistake emulators and home-grown services actually ship (reversed
sort, a threshold on the wrong scale, an echo that loses case, a 500 at a boundary value...),
with the rule ids it is meant to trip. `tests/faults/` proves each is caught by those rules and
`benchmarks/detection.py` measures how fast.
"""

from conformance.reference.fault_catalog import (
    determinism,
    echo,
    errors,
    ordering,
    protocol,
    results,
    sdk,
    threshold,
    throttling,
    users,
    validation,
)

FAMILIES = (
    ordering,
    threshold,
    users,
    echo,
    results,
    errors,
    sdk,
    validation,
    protocol,
    determinism,
    throttling,
)
