"""The single entry point: `searchusers-conformance <command>`.

Each command lives in `conformance.commands.<name>` and exposes `register(subparsers)`, which
adds its parser and sets `handler` (a callable taking the parsed namespace, returning the exit
code). Keeping commands in their own modules keeps this file a dispatcher and nothing more.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from conformance import __version__
from conformance.errors import EXIT_UNVERIFIED, ConformanceError
from conformance.reporting.redact import redact

COMMANDS = ("run", "serve", "record", "parity", "schemas", "cassettes", "cleanup")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="searchusers-conformance",
        description="Conformance suite for the AWS Rekognition SearchUsers API.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"conformance.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConformanceError as exc:
        # an error may quote an endpoint URL with user:password, or a target's echo of a key id
        print(f"searchusers-conformance: error: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("searchusers-conformance: interrupted", file=sys.stderr)
        return EXIT_UNVERIFIED
    return code


if __name__ == "__main__":
    sys.exit(main())
