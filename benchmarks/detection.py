"""How much of the fault catalog the gate catches, and how fast: seeding and read-only modes.

Each fault runs in a fresh reference server (per-process, two at a time). "Until caught" is the
index of the first violating exchange of the earliest-failing rule, and the wall time at which
that exchange came back. Writes the table to benchmarks/detection.md as well as printing it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from conformance.config import RunConfig
from conformance.engine import run
from conformance.errors import ConformanceError
from conformance.exchange import Exchange
from conformance.reference import faults
from conformance.reference.server import ReferenceServer
from conformance.rules.base import Status
from conformance.targets.seeding import seed, synthetic_fixture
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings

OUT = Path(__file__).with_name("detection.md")
EXISTING = "existing-collection"
CORRECT = "(none: correct reference)"


@dataclass
class Outcome:
    caught: str
    rule: str = ""
    requests: int | None = None
    seconds: float | None = None


def _judge(config: RunConfig, fault: faults.Fault | None) -> Outcome:
    started = time.perf_counter()
    arrived: dict[int, float] = {}

    def progress(exchange: Exchange) -> None:
        arrived[exchange.index] = time.perf_counter() - started

    try:
        result = run(config, progress=progress)
    except ConformanceError as exc:
        return Outcome("not verified (exit 2)", str(exc).split(":")[0], len(arrived), None)
    failing = [v for v in result.verdicts if v.status is Status.FAIL]
    if not failing:
        return Outcome("not verified (exit 2)" if result.exit_code == 2 else "no")
    firsts = []
    for verdict in failing:
        ends = [max(e.index for e in f.exchanges) for f in verdict.violations if f.exchanges]
        firsts.append((min(ends) if ends else len(result.exchanges), verdict.rule.id))
    index, rule_id = min(firsts)
    meant = (
        fault is None
        or rule_id in fault.trips
        or bool(set(fault.trips) & {v.rule.id for v in failing})
    )
    label = "yes" if meant else "yes (other rule)"
    return Outcome(label, rule_id, index + 1, round(arrived.get(index, 0.0), 2))


def _config(name: str | None, **extra: object) -> RunConfig:
    fault = faults.get(name or "")
    budget = 40 if fault is not None and fault.unverifiable else 300
    return RunConfig(
        faults=(name,) if name else (),
        examples_dir=None,
        seed=1,
        strict=True,
        max_requests=budget,
        **extra,  # type: ignore[arg-type]
    )


def seeding_mode(name: str | None) -> Outcome:
    return _judge(_config(name), faults.get(name or ""))


def read_only_mode(name: str | None) -> Outcome:
    fault = faults.get(name or "")
    if fault is not None and fault.needs_writes:
        return Outcome("n/a (needs writes)")
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state.sqlite"
        with ReferenceServer(state_path=state, quiet=True) as clean:
            transport = Transport(TransportSettings(clean.url), LOOPBACK_CREDENTIALS)
            seed(transport, EXISTING, synthetic_fixture())
            transport.close()
        with ReferenceServer(state_path=state, faults=(name,) if name else (), quiet=True) as srv:
            config = _config(None, endpoint_url=srv.url, collection_id=EXISTING, read_only=True)
            return _judge(config, fault)


def both(name: str | None) -> tuple[str | None, Outcome, Outcome]:
    return name, seeding_mode(name), read_only_mode(name)


def _median(values: Sequence[float | None]) -> str:
    """The median as the table shows figures: an even count averages two seconds rounded to
    hundredths, so three decimals are exact (binary floats would print 0.28500000000000003)."""
    known = [v for v in values if v is not None]
    return str(round(statistics.median(known), 3)) if known else "-"


def _cell(outcome: Outcome) -> str:
    return f"{outcome.caught} | {outcome.rule} | {outcome.requests or ''} | {'' if outcome.seconds is None else outcome.seconds}"


def _false_alarm(row: tuple[str | None, Outcome, Outcome]) -> bool:
    """A benign variation caught in either mode by a rule it does not declare (strict runs)."""
    name, *outcomes = row
    declared = faults.REGISTRY[name or ""].trips
    return any(o.caught.startswith("yes") and o.rule not in declared for o in outcomes)


def main() -> int:
    catalog = faults.available()
    benign = faults.variations()
    names: list[str | None] = [None, *(f.name for f in catalog), *(v.name for v in benign)]
    with ProcessPoolExecutor(2) as pool:
        rows = list(pool.map(both, names))
    lines = [
        "| fault | seeding: caught | first rule | requests | s | read-only: caught | first rule | requests | s | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, seeded, read_only in rows:
        fault = faults.get(name or "")
        note = (fault.oracle and f"needs an oracle: {fault.oracle}") if fault else ""
        if fault is not None and fault.benign:
            note = "benign variation" + (
                f" (may fire {', '.join(fault.trips)})" if fault.trips else ""
            )
        lines.append(f"| {name or CORRECT} | {_cell(seeded)} | {_cell(read_only)} | {note} |")
    totals = []
    for mode, pick in (("seeding", 1), ("read-only", 2)):
        outcomes = [row[pick] for row in rows[1 : 1 + len(catalog)]]  # type: ignore[index]
        eligible = [o for o in outcomes if not o.caught.startswith("n/a")]
        caught = [o for o in eligible if o.caught.startswith(("yes", "not verified"))]
        timed = [o for o in caught if o.requests is not None and o.seconds is not None]
        totals.append(
            f"- {mode}: kill rate {len(caught)}/{len(eligible)} "
            f"({100 * len(caught) / max(1, len(eligible)):.0f}%), "
            f"median {_median([o.requests for o in timed])} requests, "
            f"{_median([o.seconds for o in timed])} s to detection"
        )
    false_positives = [o for o in rows[0][1:] if o.caught != "no"]  # type: ignore[union-attr]
    totals.append(f"- false positives on the correct reference: {len(false_positives)}")
    alarms = sum(_false_alarm(row) for row in rows[1 + len(catalog) :])
    totals.append(f"- false positives on benign variations: {alarms}/{len(benign)}")
    text = "\n".join(
        [
            "# Fault detection",
            "",
            f"{len(catalog)} faults; `python benchmarks/detection.py` (strict, seed 1). "
            "Caught = a rule failed (or the run was not verified, for throttling).",
            "",
            *lines,
            "",
            *totals,
            "",
        ]
    )
    OUT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
