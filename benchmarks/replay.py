"""Speed of offline replay: judging every shipped cassette must take at most 3 s wall.

Measured as CI pays for it: a fresh Python process (imports included) that replays every
cassette in `cassettes/` with the full rule catalog; the per-cassette figures inside that
process are printed too, so a slow rule or a slow loader shows where the time goes.

    .venv/bin/python benchmarks/replay.py [--repeat 3]

Exits 1 when the target is missed, so it can guard CI.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 3.0
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"

_CHILD = """
import json, sys, time
from pathlib import Path
from conformance.config import RunConfig
from conformance.targets.cassette import replay
timings = {}
for path in sys.argv[1:]:
    started = time.perf_counter()
    result = replay(RunConfig(cassette=Path(path)))
    timings[Path(path).name] = (time.perf_counter() - started, len(result.exchanges), result.exit_code)
print(json.dumps(timings))
"""


def once(paths: list[Path]) -> tuple[float, dict[str, list[float]]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    timings: dict[str, list[float]] = json.loads(done.stdout)
    return wall, timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = sorted(CASSETTES.glob("*.yaml"))
    if not paths:
        print(f"no cassettes in {CASSETTES}", file=sys.stderr)
        return 2
    walls = []
    timings: dict[str, list[float]] = {}
    for _ in range(max(1, args.repeat)):
        wall, timings = once(paths)
        walls.append(wall)
    for name, (seconds, exchanges, code) in timings.items():
        print(f"  {name}: {exchanges} exchanges judged in {seconds:.3f} s (exit {code})")
    best, median = min(walls), statistics.median(walls)
    verdict = "ok" if median <= TARGET_SECONDS else "TOO SLOW"
    print(
        f"replay of {len(paths)} shipped cassette(s), fresh process: median {median:.2f} s, "
        f"best {best:.2f} s (target <= {TARGET_SECONDS:.0f} s): {verdict}"
    )
    return 0 if median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
