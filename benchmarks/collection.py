"""What installing this package costs `pytest --collect-only` in a project that does not use it.

Installed, the package's two pytest plugins (`searchusers_conformance`,
`searchusers_conformance_vcr`) load in every pytest run of the environment, so their cost is paid
by projects that never test Rekognition. This builds such a project (plain tests in a temporary
folder), then times `pytest --collect-only` in fresh interpreters, interleaved so machine load
hits every variant alike:

* all plugins as installed;
* without ours (`-p no:searchusers_conformance -p no:searchusers_conformance_vcr`);
* without hypothesis's own plugin (`-p no:hypothesispytest`), a dependency of this package whose
  plugin is hypothesis's cost, not ours.

It also times importing each plugin module alone (after pytest, as pytest imports it), from
`python -X importtime`. It prints figures; it asserts nothing.

    python benchmarks/collection.py [--runs 9] [--files 20] [--tests 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OURS = ("-p", "no:searchusers_conformance", "-p", "no:searchusers_conformance_vcr")
HYPOTHESIS = ("-p", "no:hypothesispytest")
VARIANTS = {
    "all plugins": (),
    "without ours": OURS,
    "without hypothesis's": HYPOTHESIS,
    "without both": OURS + HYPOTHESIS,
}
MODULES = ("conformance.plugin", "conformance.plugin.vcr", "_hypothesis_pytestplugin")


def make_project(root: Path, files: int, tests: int) -> None:
    (root / "pytest.ini").write_text("[pytest]\n")
    body = "".join(f"def test_{n}():\n    assert {n} == {n}\n\n\n" for n in range(tests))
    for n in range(files):
        (root / f"test_module_{n}.py").write_text(body)


def collect_seconds(root: Path, extra: tuple[str, ...]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def import_ms(module: str) -> float:
    """Cumulative import time of `module` alone, with pytest already imported (milliseconds)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import pytest; import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--tests", type=int, default=10, help="tests per file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_project(root, args.files, args.tests)
        collect_seconds(root, ())  # warm the file system cache and .pyc files
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.runs):
            for name, extra in VARIANTS.items():
                times[name].append(collect_seconds(root, extra))
    print(
        f"pytest --collect-only, {args.files * args.tests} plain tests, "
        f"{args.runs} runs each (median, min):"
    )
    for name, values in times.items():
        print(f"  {name:22} {statistics.median(values):.3f} s  {min(values):.3f} s")
    ours = statistics.median(times["all plugins"]) - statistics.median(times["without ours"])
    theirs = statistics.median(times["all plugins"]) - statistics.median(
        times["without hypothesis's"]
    )
    print(f"  our plugins' share: {ours * 1000:+.0f} ms; hypothesis's: {theirs * 1000:+.0f} ms")
    print("import time after pytest (best of 5, ms):")
    for module in MODULES:
        print(f"  {module:28} {min(import_ms(module) for _ in range(5)):.1f}")


if __name__ == "__main__":
    main()
