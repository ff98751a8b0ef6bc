"""How a variation registers: a Fault marked benign, in the `variation` family."""

from __future__ import annotations

from typing import Any

from conformance.reference.faults import Fault, register

FAMILY = "variation"


def variation(name: str, description: str, *, should: tuple[str, ...] = (), **hooks: Any) -> Fault:
    """Register a benign variation; `should` lists the SHOULD rules it may legitimately fire."""
    return register(Fault(name, description, trips=should, family=FAMILY, benign=True, **hooks))
