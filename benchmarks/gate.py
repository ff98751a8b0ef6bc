"""Speed and cost of the gate: wall time of the default run, requests of a read-only run.

Targets (issue 4): the default gate against the embedded reference in at most 15 s wall on a
2-core machine, measured as CI runs it (a fresh `searchusers-conformance run` process, imports
included); a read-only run against an existing collection in at most 300 requests with default
settings. The read-only run goes to a reference server holding a collection seeded beforehand
through the public API, so it pays for discovery like any production collection would.

    .venv/bin/python benchmarks/gate.py [--repeat 3]

Exits 1 when a target is missed, so it can guard CI.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from conformance.config import RunConfig
from conformance.engine import run
from conformance.reference.server import ReferenceServer
from conformance.targets.seeding import seed, synthetic_fixture
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings

GATE_SECONDS = 15.0
READ_ONLY_REQUESTS = 300
EXISTING = "benchmark-existing"


def gate_wall_times(repeat: int) -> list[float]:
    """Wall seconds of `searchusers-conformance run`, each in a fresh process and folder."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "conformance", "run"],
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
            times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"the default gate exited {done.returncode}:\n{done.stdout[-2000:]}")
    return times


def read_only_requests() -> tuple[int, dict[str, int], float]:
    with ReferenceServer(quiet=True) as server:
        transport = Transport(
            TransportSettings(server.url, max_requests=None), LOOPBACK_CREDENTIALS
        )
        try:
            seed(transport, EXISTING, synthetic_fixture())
        finally:
            transport.close()
        config = RunConfig(
            endpoint_url=server.url, collection_id=EXISTING, read_only=True, examples_dir=None
        )
        started = time.perf_counter()
        result = run(config)
        elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"the read-only run exited {result.exit_code}")
    return result.stats.total, dict(result.stats.sent), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="default gate runs (median shown)")
    args = parser.parse_args()
    times = gate_wall_times(max(1, args.repeat))
    median = statistics.median(times)
    total, sent, elapsed = read_only_requests()
    gate_ok = median <= GATE_SECONDS
    read_ok = total <= READ_ONLY_REQUESTS
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(
        f"default gate (embedded reference, CLI): median {median:.2f} s wall over "
        f"{len(times)} run(s) [{runs}]; target <= {GATE_SECONDS:.0f} s: "
        f"{'ok' if gate_ok else 'MISSED'}"
    )
    per_operation = ", ".join(f"{op} {n}" for op, n in sorted(sent.items()))
    print(
        f"read-only run (existing collection): {total} requests ({per_operation}) in "
        f"{elapsed:.2f} s; target <= {READ_ONLY_REQUESTS}: {'ok' if read_ok else 'MISSED'}"
    )
    return 0 if gate_ok and read_ok else 1


if __name__ == "__main__":
    sys.exit(main())
