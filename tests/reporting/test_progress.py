"""Progress in a log (not a terminal): a line per phase, and between them a status line at
least every STATUS_INTERVAL_S seconds, so a rate-limited or throttled run never looks hung."""

from __future__ import annotations

import dataclasses
import io
import threading

from conformance.reporting.console import STATUS_INTERVAL_S, ProgressDisplay, make_console
from tests.reporting.conftest import make_exchange


def _progress_lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if line.startswith("progress:")]


def test_a_silent_stretch_gets_a_status_line_with_sent_budget_phase_throttled_elapsed() -> None:
    now = [100.0]
    stream = io.StringIO()
    display = ProgressDisplay(
        total=50, budget=300, console=make_console(stream), interval=10, clock=lambda: now[0]
    )
    with display:
        display(make_exchange(label="seed", index=1))
        throttled = make_exchange(
            label="negative: x", index=2, status=400, response={"__type": "ThrottlingException"}
        )
        display(dataclasses.replace(throttled, attempts=6))
        now[0] = 105.0
        display.tick()
        assert _progress_lines(stream) == []  # a phase line was printed 5 s ago
        now[0] = 112.0
        display.tick()
        display.tick()  # once per silence, not once per call
        assert _progress_lines(stream) == [
            # every attempt counts against the budget, as the transport counts it: 1 + 6
            "progress: 7 sent / budget 300, phase negative, 1 throttled (5 retries), 12s elapsed"
        ]


def test_the_status_line_comes_from_its_own_thread_while_nothing_is_sent() -> None:
    """The run's own thread may sleep for the rate limit or a backoff: the log keeps going."""
    stream = io.StringIO()
    seen = threading.Event()

    class Watch(io.StringIO):
        def write(self, text: str) -> int:
            if "progress:" in text:
                seen.set()
            return stream.write(text)

    with ProgressDisplay(total=5, console=make_console(Watch()), interval=0.2) as display:
        display(make_exchange(label="property: example", index=1))
        assert seen.wait(timeout=60), stream.getvalue()  # no request, yet a status line
    assert "phase property" in _progress_lines(stream)[0]


def test_no_silent_minute() -> None:
    assert STATUS_INTERVAL_S <= 60
