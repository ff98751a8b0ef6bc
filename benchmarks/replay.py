"""Speed of offline replay: judging every shipped cassette must take at most 3 s wall.

Measured as CI pays for it: a fresh Python process (imports included) that replays every
cassette in `cassettes/` with the full rule catalog; the per-cassette figures inside that
process are printed too, so a slow rule or a slow loader shows where the time goes.

    .venv/bin/python benchmarks/replay.py [--repeat 3]
    .venv/bin/python benchmarks/replay.py --sizes 1000,5000,20000

Exits 1 when the target is missed, so it can guard CI. `--sizes` instead replays large synthetic
cassettes and prints how judging time grows with their length (it must stay near-linear): each
is the shipped reference recording with its longest run of SearchUsers interactions repeated
until the cassette holds N interactions -- what a long read-only run against one collection
records, and the worst case for rules that compare searches of one query with each other.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"

_CHILD = """
import json, sys, time
from pathlib import Path
from conformance.config import RunConfig
from conformance.engine.replay import replay
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


def synthesize(size: int, destination: Path) -> None:
    """A cassette of `size` interactions: see the module docstring."""
    import yaml

    data = yaml.load((CASSETTES / "reference-gate.yaml").read_text(), Loader=yaml.CSafeLoader)
    items = data["interactions"]
    searches = [
        str(i["request"]["headers"].get("X-Amz-Target", [""])[0]).endswith(".SearchUsers")
        for i in items
    ]
    runs: list[tuple[int, int]] = []
    start = None
    for position, is_search in enumerate([*searches, False]):
        if is_search and start is None:
            start = position
        elif not is_search and start is not None:
            runs.append((start, position))
            start = None
    first, end = max(runs, key=lambda run: run[1] - run[0])
    extra: list[object] = []
    while len(items) + len(extra) < size:
        extra += copy.deepcopy(items[first:end])  # copies, not aliases: recordings have none
    data["interactions"] = items[:end] + extra[: size - len(items)] + items[end:]
    destination.write_text(yaml.dump(data, Dumper=yaml.CDumper))


def growth(sizes: list[int]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for size in sizes:
            path = Path(folder) / f"synthetic-{size}.yaml"
            synthesize(size, path)
            paths.append(path)
        base: float | None = None
        for path, size in zip(paths, sizes, strict=True):
            _, timings = once([path])
            seconds, exchanges, code = timings[path.name]
            base = base or seconds / size
            print(
                f"  {size} interactions: {exchanges} exchanges judged in {seconds:.1f} s "
                f"({seconds / size * 1000:.2f} ms each, x{seconds / size / base:.2f} the first "
                f"size's per-interaction cost; exit {code})"
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", help="comma-separated synthetic cassette lengths")
    args = parser.parse_args()
    if args.sizes:
        return growth([int(size) for size in args.sizes.split(",")])
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
