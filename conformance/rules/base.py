"""What a rule is, and what it can say.

A rule is a stable id, a one-line statement, where the statement comes from, a level, and a
check: a function from the run's `Evidence` (every exchange, plus what they reveal about the
collection) to findings. Checks never send requests: the engine decides what to send so that
every rule gets exercised, and the same checks then judge a live run or a cassette alike.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from conformance.rules.sources import Source

if TYPE_CHECKING:
    from conformance.evidence import Evidence
    from conformance.exchange import Exchange


class Level(str, enum.Enum):
    """MUST: the documented contract, a violation fails the gate. SHOULD: parity with what AWS
    has been seen to do, reported, failing the gate only under --strict."""

    MUST = "MUST"
    SHOULD = "SHOULD"


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_VERIFIED = "not verified"


@dataclass(frozen=True)
class Finding:
    """One instance a check looked at: `passed` False is a violation, with its evidence."""

    passed: bool
    message: str = ""
    exchanges: tuple[Exchange, ...] = ()
    rule_id: str = ""
    """The rule that found it, for a finding that travels without its verdict (the single
    checks of `conformance.rules.single`); within a RuleVerdict the verdict names the rule."""

    @property
    def line(self) -> str:
        """`results.order: scores not descending`, the way users read a finding on its own."""
        return f"{self.rule_id}: {self.message}" if self.rule_id else self.message


def passed(*exchanges: Exchange) -> Finding:
    return Finding(True, "", exchanges)


def violated(message: str, *exchanges: Exchange) -> Finding:
    return Finding(False, message, exchanges)


Check = Callable[["Evidence"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    statement: str
    source: str
    """Where the rule comes from, as one line (`sources` rendered, or a rule's own text)."""
    level: Level
    family: str
    check: Check = field(repr=False, compare=False)
    leaves_open: str = ""
    """What the rule deliberately does not judge because AWS documents nothing there."""
    needs_writes: bool = False
    """Only requests a read-only run never sends can exercise it: writes, or an operation
    outside the four reads (to a target, an operation it does not know may be a write). A
    read-only run reports it not verified for that reason, not as a gap in coverage."""
    sources: tuple[Source, ...] = ()
    """The same as data: kind, page or model shape, the words relied on (README links them)."""

    def __reduce__(self) -> tuple[Callable[[str], Rule], tuple[str]]:
        """A rule pickles as its id (its check is often a closure): xdist workers share one
        gate run's verdicts, and every process of an installation has the same catalog."""
        return (by_id, (self.id,))


@dataclass
class RuleVerdict:
    rule: Rule
    status: Status
    checked: int = 0
    violations: list[Finding] = field(default_factory=list)
    reason: str = ""
    """Why a rule is not verified (never exercised, target throttled, budget spent...)."""
    settled: str = ""
    """The longest wait a judged read needed ('settled after 1.2 s, 3 polls'), "" if none."""


_REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    statement: str,
    *,
    source: str | Source | Sequence[Source],
    family: str,
    level: Level = Level.MUST,
    leaves_open: str = "",
    needs_writes: bool = False,
) -> Callable[[Check], Check]:
    """Register a check function as a rule of the catalog (ids are unique and stable).

    `source` is where the rule comes from: `conformance.rules.sources` values (a page, a model
    shape, the words relied on), or plain text for a rule not yet given structured sources.
    """

    def register(check: Check) -> Check:
        if id in _REGISTRY:
            raise ValueError(f"duplicate rule id {id!r}")
        sources = _structured(source)
        text = "; ".join(s.text() for s in sources) if sources else str(source)
        _REGISTRY[id] = Rule(
            id, statement, text, level, family, check, leaves_open, needs_writes, sources
        )
        return check

    return register


def _structured(source: str | Source | Sequence[Source]) -> tuple[Source, ...]:
    """The sources as data; () for a rule that still gives its source as text."""
    if isinstance(source, str):
        return ()
    return (source,) if isinstance(source, Source) else tuple(source)


def by_id(rule_id: str) -> Rule:
    """The registered rule `rule_id` (its family module is imported first if need be)."""
    if rule_id not in _REGISTRY:
        from conformance.rules import catalog

        catalog()
    return _REGISTRY[rule_id]


def registered() -> tuple[Rule, ...]:
    return tuple(_REGISTRY.values())
