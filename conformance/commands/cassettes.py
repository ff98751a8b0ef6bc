"""`searchusers-conformance cassettes lint|show`: keep shared recordings safe to share.

`lint` is the CI gate on `cassettes/`: a recording is committed and published, so one leaked
key is one too many, and a hand-edited file never went through the scrub hooks. `show` answers
"what is in this file?" without reading YAML by eye.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conformance import cassettes
from conformance.credentials import local_credentials
from conformance.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError
from conformance.recording import lint, summarize
from conformance.secrets import values as secret_values

SUFFIXES = (".yaml", ".yml", ".json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("cassettes", help="lint or summarise recorded cassettes")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    check = actions.add_parser(
        "lint",
        help="fail on anything secret-looking, or a write to a collection the recording did not"
        " create (file:line)",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    check.set_defaults(handler=_lint)
    show = actions.add_parser("show", help="what a cassette holds: operations and statuses")
    show.add_argument(
        "path", type=cassettes.resolve, metavar="PATH", help="a file, or a shipped cassette's name"
    )
    show.set_defaults(handler=_show)


def cassette_files(paths: list[Path]) -> list[Path]:
    """Files as given, folders expanded to the cassettes inside them (recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return found


def _lint(args: argparse.Namespace) -> int:
    files = cassette_files(args.paths)
    # A token in a format no pattern knows is still found if it is this machine's own.
    secret_values.remember(local_credentials())
    problems = [problem for path in files for problem in lint(path)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} finding(s) in {len(files)} cassette(s)")
        return EXIT_VIOLATIONS
    print(f"{len(files)} cassette(s) clean")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    summary = summarize(args.path)
    print(f"{summary['path']}: {summary['interactions']} interaction(s)")
    for key, value in summary["metadata"].items():
        print(f"  {key}: {value}")
    print("  operations: " + ", ".join(f"{k} x{v}" for k, v in summary["operations"].items()))
    print("  statuses:   " + ", ".join(f"{k} x{v}" for k, v in summary["statuses"].items()))
    return EXIT_OK
