"""One consistency policy for a run: how long a read that must reflect the run's own writes is
retried before its answer is judged.

AWS promises no read-after-write for the user API (aws-behaviour.md: IndexFaces then SearchFaces
may answer "faceId was not found", AssociateFaces "may take a minute or so", UPDATING "will
become ACTIVE in few seconds"). Judging the first answer after a write would call AWS itself
non-conforming, so a read that does not yet show what the run wrote is sent again with
exponential backoff until it does or `--settle SECONDS` runs out (0: judge at once, for
emulators that promise read-after-write). Every re-read is an ordinary request (counted,
budgeted, logged), and the rules tell a re-read from the exchange log alone (see
`Evidence.superseded`), so a replayed cassette reaches the verdict the live run reached.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from conformance.config import DEFAULT_SETTLE_S

T = TypeVar("T")

MAX_SETTLE_S = 600.0
"""AWS's slowest documented lag is "a minute or so" (AssociateFaces); ten minutes is plenty."""
FIRST_DELAY_S = 0.1
"""The first re-read comes soon: most lags are short, and a settled read ends the wait."""


def settle_seconds(text: str) -> float:
    """`--settle` / `su_settle` as seconds; ValueError says what is wrong in one line."""
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"expects seconds, not {text!r}") from None
    if not 0 <= seconds <= MAX_SETTLE_S:  # also refuses nan
        raise ValueError(f"must be within 0..{MAX_SETTLE_S:g} seconds, not {text!r}")
    return seconds


def describe(polls: int, seconds: float | None, *, settled: bool = True) -> str:
    """'settled after 1.2 s, 3 polls' (seconds are unknown in a replayed cassette)."""
    what = "settled after" if settled else "still stale after"
    took = f"{seconds:.1f} s, " if seconds is not None else ""
    return f"{what} {took}{polls} poll{'' if polls == 1 else 's'}"


@dataclass(frozen=True)
class Waited(Generic[T]):
    """The last read of a wait, and what it cost."""

    value: T
    polls: int
    """Re-reads after the first read (0: the first answer already showed the writes)."""
    seconds: float
    missing: str
    """What the last read still did not show ("" once settled)."""

    @property
    def settled(self) -> bool:
        return not self.missing

    def summary(self, what: str) -> str:
        """'waited 2.1 s for UserStatus (3 polls)'-style, for the run's notes."""
        if self.settled:
            return f"{what}: {describe(self.polls, self.seconds)}"
        return f"{what}: {describe(self.polls, self.seconds, settled=False)} ({self.missing})"


@dataclass(frozen=True)
class Settle:
    """The run's bounded wait; `seconds` 0 judges the first answer."""

    seconds: float = DEFAULT_SETTLE_S
    first_delay_s: float = FIRST_DELAY_S

    def delays(self) -> list[float]:
        """The sleeps before each re-read: doubling, the last one cut to end at `seconds`."""
        delays: list[float] = []
        total, delay = 0.0, self.first_delay_s
        while self.seconds - total > 1e-9:
            step = min(delay, self.seconds - total)
            delays.append(step)
            total += step
            delay *= 2
        return delays

    @property
    def max_polls(self) -> int:
        """Re-reads one wait may send at most: what the plan and the budget count."""
        return len(self.delays())

    def wait(
        self,
        read: Callable[[], T],
        missing: Callable[[T], str],
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> Waited[T]:
        """Read, and read again while `missing(answer)` names something the writes established."""
        started = clock()
        value = read()
        problem = missing(value)
        polls = 0
        for delay in self.delays():
            left = self.seconds - (clock() - started)
            if not problem or left <= 0:
                break
            sleep(min(delay, left))
            value = read()
            polls += 1
            problem = missing(value)
        return Waited(value, polls, clock() - started, problem)
