"""`searchusers-conformance schemas generate|check`: write or verify the committed schemas.

`check` is the drift gate CI runs: the committed files must be exactly what the installed
botocore's model produces, so a botocore bump that changes the model fails loudly (with a diff)
instead of silently changing what the suite enforces.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

from conformance.contract import derive, model
from conformance.contract.schemas import schema_root
from conformance.errors import UsageError

DEFAULT_DIR = Path("schemas")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "schemas",
        help="generate or drift-check the JSON Schemas derived from botocore's model",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "action", choices=("generate", "check"), help="write schemas/*.json, or compare them"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="schema folder (default: ./schemas; check falls back to the installed package's "
        "schemas where there is no ./schemas)",
    )
    parser.set_defaults(handler=run)


def expected_files() -> dict[str, bytes]:
    """File name -> exact bytes the installed botocore's model yields."""
    return {f"{name}.json": derive.render(schema) for name, schema in derive.derive_all().items()}


def generate(directory: Path) -> list[str]:
    """Write every schema, and remove stale generated ones, so the folder mirrors the model."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    expected = expected_files()
    for stale in sorted(set(_committed(directory)) - set(expected)):
        (directory / stale).unlink()
    written = []
    for file_name, content in expected.items():
        target = directory / file_name
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
            written.append(file_name)
    return written


def _committed(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.json"))}


def drift(directory: Path) -> str:
    """A unified diff from the committed files to the expected ones; "" when in sync."""
    if not directory.is_dir():
        raise UsageError(f"schema folder {directory} not found (run from the repository root?)")
    committed = _committed(directory)
    expected = expected_files()
    chunks: list[str] = []
    for file_name in sorted(set(committed) | set(expected)):
        old = committed.get(file_name, b"").decode("utf-8", errors="replace")
        new = expected.get(file_name, b"").decode("utf-8")
        if old == new:
            continue
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"{directory / file_name} (committed)"
                if file_name in committed
                else "/dev/null",
                tofile=f"{directory / file_name} (botocore {model.botocore_version()})"
                if file_name in expected
                else "/dev/null",
            )
        )
    return "".join(chunks)


def checked_dir(given: Path | None) -> Path:
    """What `check` compares: the folder named, else ./schemas in a checkout, else the schemas
    the installed package ships (so the command works after `pip install`, outside a clone)."""
    if given is not None or DEFAULT_DIR.is_dir():
        return given or DEFAULT_DIR
    return Path(str(schema_root()))


def run(args: argparse.Namespace) -> int:
    directory: Path = (
        args.dir or DEFAULT_DIR if args.action == "generate" else checked_dir(args.dir)
    )
    if args.action == "generate":
        written = generate(directory)
        print(
            f"{len(written)} schema file(s) written to {directory} "
            f"(botocore {model.botocore_version()})"
        )
        return 0
    diff = drift(directory)
    if diff:
        sys.stdout.write(diff if diff.endswith("\n") else diff + "\n")
        print(
            f"schemas in {directory} differ from botocore {model.botocore_version()}'s model; "
            "run `searchusers-conformance schemas generate` and commit the result",
            file=sys.stderr,
        )
        return 1
    print(f"schemas in {directory} match botocore {model.botocore_version()}")
    return 0
