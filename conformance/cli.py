"""The single entry point: `searchusers-conformance <command>`.

Each command lives in `conformance.commands.<name>` and exposes `register(subparsers)`, which
adds its parser and sets `handler` (a callable taking the parsed namespace, returning the exit
code). Keeping commands in their own modules keeps this file a dispatcher and nothing more.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import NoReturn

from conformance import __version__
from conformance.errors import EXIT_UNVERIFIED, EXIT_USAGE, ConformanceError
from conformance.secrets.redact import redact

COMMANDS = ("run", "serve", "record", "parity", "schemas", "cassettes", "cleanup")
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a process ended by SIGPIPE (`... | head`), without the traceback."""


class Parser(argparse.ArgumentParser):
    """argparse with pytest's exit code for usage errors (4), so CI can tell a misconfigured
    step from a target that could not be verified (2). Sub-parsers inherit the class."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every sub-command's parser under it, depth first."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from parsers(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="searchusers-conformance",
        description="Conformance suite for the AWS Rekognition SearchUsers API.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"conformance.commands.{name}").register(subparsers)
    for each in parsers(parser):
        # the deepest sub-command parsed sets this last: its usage is the one a typo deserves
        each.set_defaults(usage_parser=each)
    return parser


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse, blaming an unknown option on the sub-command it was given to.

    Plain `parse_args` hands a sub-command's leftovers back to the top-level parser, which
    prints the top-level usage: no help to someone who mistyped an option of `run`.
    """
    args, extras = parser.parse_known_args(argv)
    if extras:
        owner: argparse.ArgumentParser = getattr(args, "usage_parser", parser)
        owner.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parse(parser, argv)
    try:
        code: int = args.handler(args)
    except ConformanceError as exc:
        # an error may quote an endpoint URL with user:password, or a target's echo of a key id
        print(f"searchusers-conformance: error: {redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("searchusers-conformance: interrupted", file=sys.stderr)
        return EXIT_UNVERIFIED
    except BrokenPipeError:
        # the reader stopped reading (`serve --list-faults | head`): that is its choice, not an
        # error; point stdout at /dev/null so the interpreter's final flush stays quiet too
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
