"""What a run will send, announced before it sends anything (the user pays per request).

Every number is an upper bound derived from the same constants the phases use. When the bound
exceeds `--max-requests`, the property phase (the only elastic one) shrinks to fit and the plan
says so; if even that is not enough, the run still starts and stops when the budget is spent,
judging what it has (rules it never reached are "not verified", exit 2).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from conformance.config import RunConfig
from conformance.engine import discovery
from conformance.engine.phases import (
    boundary,
    image_search,
    metamorphic,
    negative,
    presence,
    properties,
    protocol,
)
from conformance.exchange import RAW
from conformance.settle import Settle
from conformance.targets.base import READ_ONLY_OPERATIONS, Target

PHASES = (
    presence.LABEL,
    "setup",
    "seed",
    "discovery",
    boundary.LABEL,
    negative.LABEL,
    properties.LABEL,
    metamorphic.LABEL,
    image_search.LABEL,
    protocol.LABEL,
    "stateful",
    "teardown",
)
"""The phases in the order a run goes through them (labels' first words)."""

STATEFUL = "(stateful phase)"
"""The stateful phase mixes every write operation; the plan shows its allowance as one line."""
SETTLE = "(settle waits)"
"""Re-reads of the discovery after seeding while the target does not show its writes yet."""


@dataclass
class Plan:
    target: str
    operations: dict[str, int]
    budget: int | None
    seed: int
    property_examples: int
    notes: list[str] = field(default_factory=list)
    phases: dict[str, int] = field(default_factory=dict)
    """The same requests by phase (the first word of each request's label, as the transport
    counts what was sent), so a run's summary can set what each phase sent beside its share."""

    @property
    def total(self) -> int:
        return sum(self.operations.values())


def default_seed(target: Target) -> int:
    """Stable per target, so two runs against one target send the same requests."""
    return zlib.crc32(target.description.encode())


def make_plan(config: RunConfig, target: Target, *, stateful_bound: int = 0) -> Plan:
    """Fixed phases first, then the property phase, then the settle waits and the stateful
    phase take what is left.

    The stateful phase sizes itself to the remaining budget (it stops cleanly when it is
    spent), so under a budget it is the first to give way; the property phase shrinks only
    when the fixed phases leave no room for it.
    """
    seed = config.seed if config.seed is not None else default_seed(target)
    fixed: Counter[str] = Counter()
    phases = dict.fromkeys(PHASES, 0)

    def phase(name: str, operations: Mapping[str, int]) -> None:
        fixed.update(operations)
        phases[name] = phases.get(name, 0) + sum(operations.values())

    setup = dict(target.setup_plan())
    teardown = (
        {"DeleteCollection": setup.pop("DeleteCollection")} if "DeleteCollection" in setup else {}
    )
    probed = presence.operations(
        read_only=config.read_only, stateful=stateful_bound > 0, searches=config.operations
    )
    phase(presence.LABEL, Counter(probed))
    phase("setup" if config.read_only else "seed", setup)
    pages = discovery.MAX_PAGES
    # the collection, every page of both listings, then two collections that do not exist
    phase("discovery", {"DescribeCollection": 1 + 2, "ListUsers": pages, "ListFaces": pages})
    by_id = config.judges("SearchUsers")
    if by_id:
        phase(boundary.LABEL, {"SearchUsers": boundary.BOUND})
        phase(negative.LABEL, {"SearchUsers": negative.BOUND})
        phase(metamorphic.LABEL, {"SearchUsers": metamorphic.BOUND})
    if config.judges(image_search.OPERATION):
        phase(image_search.LABEL, {image_search.OPERATION: image_search.BOUND})
    sent = [p.operation for p in protocol.probes("collection", "user")] if by_id else []
    allowed = [op for op in sent if not config.read_only or op in READ_ONLY_OPERATIONS]
    phase(protocol.LABEL, Counter(op or RAW for op in allowed))
    phase("teardown", teardown)
    notes: list[str] = []
    examples = config.max_examples
    budget = config.max_requests
    spare = None if budget is None else budget - sum(fixed.values())
    if spare is not None and properties.bound(examples) > spare:
        fitted = properties.examples_within(max(0, spare))
        notes.append(
            f"--max-requests {budget}: property examples reduced from {examples} to {fitted}"
        )
        examples = fitted
        if spare < 0:
            notes.append(
                f"the fixed phases alone need up to {sum(fixed.values())} requests: the run "
                "stops when the budget is spent and its verdict is 'not verified'"
            )
    if not by_id:
        examples = 0  # the property phase searches by id only
    phase(properties.LABEL, {"SearchUsers": properties.bound(examples) if by_id else 0})
    operations = dict(fixed)
    waits = settle_bound(config)
    if waits:
        # only a target that lags spends them; like the stateful phase, they take what is left
        left = None if budget is None else max(0, budget - sum(operations.values()))
        operations[SETTLE] = waits if left is None else min(left, waits)
        phases["discovery"] += operations[SETTLE]
        notes.append(
            f"--settle {config.settle_s:g}: reads that must show the run's own writes are sent "
            f"again for up to {config.settle_s:g} s (discovery: at most {waits} requests; the "
            "stateful phase's from its share); what a prompt target leaves unspent goes to the "
            "stateful phase"
        )
    if stateful_bound:
        left = None if budget is None else max(0, budget - sum(operations.values()))
        if left is not None and left < stateful_bound:
            notes.append(
                f"--max-requests {budget}: the stateful phase gets at least {left} of the "
                f"{stateful_bound} requests it could use (and whatever earlier phases leave "
                "unused)"
            )
        operations[STATEFUL] = stateful_bound if left is None else min(left, stateful_bound)
        phases["stateful"] = operations[STATEFUL]
    return Plan(
        target.description,
        _positive(operations),
        budget,
        seed,
        examples,
        notes,
        _positive(phases),
    )


def settle_bound(config: RunConfig) -> int:
    """Requests the discovery after seeding may spend waiting (0 in read-only runs: no writes)."""
    if config.read_only or config.settle_s <= 0:
        return 0
    per_reading = 1 + 2 * discovery.MAX_PAGES  # DescribeCollection and both listings
    return Settle(config.settle_s).max_polls * per_reading


def _positive(counts: Mapping[str, int]) -> dict[str, int]:
    return {operation: count for operation, count in counts.items() if count > 0}
