"""The bounded wait itself: its schedule, when it stops, what it reports, how it is set."""

from __future__ import annotations

import pytest

from conformance.settle import MAX_SETTLE_S, Settle, describe, settle_seconds


class FakeClock:
    """Time that moves only when the wait sleeps (or a read takes time): no real waiting."""

    def __init__(self, per_read: float = 0.0) -> None:
        self.now = 0.0
        self.per_read = per_read
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def read(self) -> float:
        self.now += self.per_read
        return self.now


def test_the_schedule_doubles_and_ends_exactly_at_the_bound() -> None:
    delays = Settle(5.0).delays()
    assert delays[:4] == pytest.approx([0.1, 0.2, 0.4, 0.8])
    assert sum(delays) == pytest.approx(5.0)
    assert Settle(5.0).max_polls == len(delays) == 6
    assert Settle(0).delays() == [] and Settle(0).max_polls == 0


def test_a_wait_stops_as_soon_as_the_answer_shows_the_writes() -> None:
    clock = FakeClock()
    answers = iter(["stale", "stale", "fresh", "never read"])
    waited = Settle(5.0).wait(
        lambda: next(answers),
        lambda answer: "" if answer == "fresh" else "not yet",
        sleep=clock.sleep,
        clock=lambda: clock.now,
    )
    assert waited.value == "fresh" and waited.settled and waited.polls == 2
    assert waited.seconds == pytest.approx(0.3)
    assert waited.summary("ListUsers") == "ListUsers: settled after 0.3 s, 2 polls"


def test_a_wait_that_runs_out_says_what_is_still_missing() -> None:
    clock = FakeClock(per_read=0.5)  # slow reads count against the bound too
    waited = Settle(2.0).wait(
        clock.read,
        lambda _answer: "ListUsers lacks 3 users",
        sleep=clock.sleep,
        clock=lambda: clock.now,
    )
    assert not waited.settled and waited.missing == "ListUsers lacks 3 users"
    assert clock.now <= 2.0 + 0.5  # the last read may start just before the bound
    assert "still stale after" in waited.summary("discovery")


def test_settle_zero_judges_the_first_answer() -> None:
    clock = FakeClock()
    waited = Settle(0).wait(lambda: 1, lambda _answer: "stale", sleep=clock.sleep)
    assert waited.polls == 0 and clock.slept == [] and not waited.settled


def test_the_setting_is_parsed_with_one_clear_line() -> None:
    assert settle_seconds("2.5") == 2.5 and settle_seconds("0") == 0
    for bad in ("soon", "-1", "nan", str(MAX_SETTLE_S + 1)):
        with pytest.raises(ValueError) as caught:
            settle_seconds(bad)
        assert "\n" not in str(caught.value) and bad in str(caught.value)


def test_descriptions_read_naturally() -> None:
    assert describe(1, 1.25) == "settled after 1.2 s, 1 poll"
    assert describe(3, None, settled=False) == "still stale after 3 polls"
