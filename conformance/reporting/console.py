"""What a person watching the terminal sees: the plan, live progress and the final summary.

Progress goes to stderr so stdout stays clean for the summary (and for piping); everything goes
through a redacting stream, so a target echoing a credential cannot put it on screen.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from conformance.exchange import Exchange, TransportStats
from conformance.exchange import phase_of as label_phase
from conformance.reporting import shrunk
from conformance.reporting.failures import (
    cause_lines,
    deviations,
    endpoint,
    failed,
    failure_text,
    phases_line,
    sent_line,
    stats_line,
    verdict_line,
)
from conformance.results import RunResult
from conformance.rules.base import Status
from conformance.secrets.redact import redact

LOG_WIDTH = 120
"""Logs have no width; rich's default of 80 columns would wrap the rules table needlessly."""
STATUS_INTERVAL_S = 10.0
"""Longest silence of a plain (non-terminal) progress log while a run is sending."""
STATUS_STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.NOT_VERIFIED: "yellow"}


class RedactingStream:
    """A text stream that masks secrets in everything written through it."""

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    @property
    def encoding(self) -> str:
        return getattr(self._inner, "encoding", None) or "utf-8"


def make_console(stream: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """A console that never interprets our text as markup and never leaks a secret."""
    inner = stream if stream is not None else (sys.stderr if stderr else sys.stdout)
    console = Console(
        file=RedactingStream(inner),  # type: ignore[arg-type]  # duck-typed IO[str]
        highlight=False,
        markup=False,
        emoji=False,
    )
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = LOG_WIDTH
    return console


def _requests_table(counts: Mapping[str, int], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column("operation")
    table.add_column("requests", justify="right")
    for operation, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(operation, str(count))
    return table


def print_plan(
    plan: Mapping[str, int],
    *,
    budget: int | None,
    target: str,
    console: Console | None = None,
    phases: Mapping[str, int] | None = None,
) -> None:
    """Announce what the run will spend before it spends anything (the user pays per request)."""
    out = console or make_console(stderr=True)
    total = sum(plan.values())
    out.print(_requests_table(plan, f"Plan against {target}"))
    limit = "no budget" if budget is None else f"budget {budget}"
    out.print(f"total: {total} requests at most ({limit})")
    if phases:
        shares = ", ".join(f"{name} {count}" for name, count in phases.items())
        out.print(f"per phase: {shares}", soft_wrap=True)
    if budget is not None and total > budget:
        out.print(
            f"warning: the plan exceeds the budget by {total - budget}; the run stops sending "
            "when the budget is spent and reports unexercised rules as not verified"
        )


def phase_of(exchange: Exchange) -> str:
    """The phase an exchange belongs to, read from the first word of the engine's label."""
    return label_phase(exchange.label, exchange.operation)


class ProgressDisplay:
    """Call it with each Exchange while the run sends (safe from any thread).

    On a terminal it draws a live line (phase, requests sent of the budget, throttled answers,
    elapsed time); elsewhere (CI logs) it prints a line per phase and, between them, a status
    line at least every `interval` seconds from its own thread, because a rate-limited or
    throttled run can otherwise sit silent for minutes and look hung. A redrawn bar would turn
    into thousands of lines in a log file, so logs get plain lines only.
    """

    def __init__(
        self,
        total: int | None = None,
        console: Console | None = None,
        *,
        budget: int | None = None,
        interval: float = STATUS_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console = console or make_console(stderr=True)
        self._total = total
        self._budget = budget
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._phase: str | None = None
        self._count = 0
        self._throttled = 0
        self._retries = 0
        self._phases: Counter[str] = Counter()
        self._bar: Progress | None = None
        self._stats: TransportStats | None = None
        self._task: TaskID | None = None
        self._started = clock()
        self._last_line = self._started
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> ProgressDisplay:
        self._started = self._last_line = self._clock()
        if self._console.is_terminal:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} sent / {task.fields[limit]}"),
                TextColumn("throttled {task.fields[throttled]}"),
                TimeElapsedColumn(),
                console=self._console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(
                "starting", total=self._total, limit=self._limit(), throttled=0
            )
        else:
            self._ticker = threading.Thread(target=self._tick_forever, daemon=True)
            self._ticker.start()
        return self

    def finish(self, stats: TransportStats) -> None:
        """The transport's own counts, for the closing line: the summary, report.json and this
        line then show one number (without them, say after an error, the display's own)."""
        self._stats = stats

    def __call__(self, exchange: Exchange) -> None:
        phase = phase_of(exchange)
        with self._lock:
            # every attempt, retries included, as the transport and the budget count them
            self._count += exchange.attempts
            self._throttled += exchange.throttled
            self._retries += max(0, exchange.attempts - 1)
            self._phases[phase] += exchange.attempts
            changed = phase != self._phase
            self._phase = phase
            if self._bar is not None and self._task is not None:
                self._bar.update(
                    self._task,
                    advance=exchange.attempts,
                    description=phase,
                    throttled=self._throttled,
                )
            elif changed:
                self._print(f"phase {phase} (request {self._count})")

    def tick(self) -> None:
        """Print a status line if nothing was printed for `interval` seconds (plain mode)."""
        with self._lock:
            if self._bar is None and self._clock() - self._last_line >= self._interval:
                self._print(self.status())

    def status(self) -> str:
        elapsed = self._clock() - self._started
        return (
            f"progress: {self._count} sent / {self._limit()}, phase {self._phase or 'starting'}, "
            f"{self._throttled} throttled ({self._retries} retries), {elapsed:.0f}s elapsed"
        )

    def _limit(self) -> str:
        return "no budget" if self._budget is None else f"budget {self._budget}"

    def _print(self, line: str) -> None:
        self._last_line = self._clock()
        self._console.print(line, soft_wrap=True)

    def _tick_forever(self) -> None:
        # wake often enough to keep the promised interval, rarely enough to cost nothing
        while not self._stop.wait(min(1.0, self._interval / 4)):
            self.tick()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self._bar is not None:
            self._bar.stop()
        if exc_type is not None and self._count == 0:
            return  # the error line that follows is the whole story: nothing was spent
        stats = self._stats
        if stats is not None:
            line = sent_line(stats.total, stats.phases, stats.throttled)
        else:
            line = sent_line(self._count, self._phases, self._throttled)
        self._console.print(line, soft_wrap=True)

    @property
    def count(self) -> int:
        return self._count


def _rules_table(result: RunResult) -> Table:
    table = Table(title=f"SearchUsers conformance: {result.target}", title_justify="left")
    for column in ("rule", "level", "status", "checked", "note"):
        table.add_column(column, justify="right" if column == "checked" else "left")
    for verdict in result.verdicts:
        note = verdict.reason if verdict.status is Status.NOT_VERIFIED else verdict.settled
        if verdict.status is Status.FAIL:
            note = f"{len(verdict.violations)} violation(s)"
        table.add_row(
            verdict.rule.id,
            verdict.rule.level.value,
            Text(verdict.status.value, style=STATUS_STYLE[verdict.status]),
            str(verdict.checked),
            note,
        )
    return table


def print_summary(
    result: RunResult, *, console: Console | None = None, full_report: str | None = None
) -> None:
    """The rules table, each failure with a reproduction, the verdict and what was spent.

    `full_report`: the report.json this run writes, if it writes one (where hidden violations
    can be read)."""
    out = console or make_console()
    causes = cause_lines(result)
    for line in causes:
        out.print(Text(line, style="bold red"), soft_wrap=True)
    if causes:
        out.print()
    out.print(_rules_table(result))
    where = endpoint(result)
    parity = {id(v) for v in deviations(result)}
    for verdict in failed(result):
        heading = "SHOULD deviation" if id(verdict) in parity else "FAILED"
        out.print()
        out.print(Text(f"{heading}: {verdict.rule.id}", style="bold red"))
        out.print(failure_text(verdict, where, full_report=full_report), soft_wrap=True)
    for found in result.falsified:
        out.print()
        out.print(Text(f"SHRUNK: {shrunk.heading(found)}", style="bold red"))
        out.print(Text(shrunk.falsified_text(found, where)), soft_wrap=True)
    out.print()
    out.print(stats_line(result), soft_wrap=True)
    phases = phases_line(result)
    if phases:
        out.print(phases, soft_wrap=True)
    out.print(Text(f"verdict: {verdict_line(result)}", style="bold"))
