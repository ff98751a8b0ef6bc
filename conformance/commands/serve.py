"""`searchusers-conformance serve`: run the embedded reference service in the foreground.

The first line on stdout is the service URL (flushed at once) so scripts and tests can start the
server with `--port 0` and read where it landed. Request logs go to stderr. SIGTERM and Ctrl-C
both stop it cleanly with exit code 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from conformance.errors import UsageError
from conformance.reference import faults
from conformance.reference.demo import DEMO_COLLECTION, seed_demo
from conformance.reference.persistence import StateError
from conformance.reference.server import ReferenceServer

MAX_READ_LAG_S = 3600.0


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="run the embedded reference Rekognition service (AWS JSON 1.1 over HTTP)",
        description="Run the reference service. Prints its URL on the first line of stdout.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    parser.add_argument("--state", metavar="PATH", help="keep state in this SQLite file")
    parser.add_argument(
        "--seed-demo", action="store_true", help=f"create the {DEMO_COLLECTION!r} collection"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="inject a named fault (repeatable); see --list-faults",
    )
    parser.add_argument(
        "--read-lag",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="reads see each collection as it was SECONDS ago (an eventually consistent target)",
    )
    parser.add_argument("--list-faults", action="store_true", help="list faults and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.list_faults:
        for fault in faults.available():
            print(f"{fault.name}\t{fault.description}")
        for variation in faults.variations():
            print(f"{variation.name}\t(benign) {variation.description}")
        return 0
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be within 0..65535, not {args.port}")
    if not 0 <= args.read_lag <= MAX_READ_LAG_S:
        raise UsageError(f"--read-lag must be within 0..{MAX_READ_LAG_S} seconds")
    try:
        server = ReferenceServer(
            args.host, args.port, args.state, args.fault, read_lag_s=args.read_lag
        )
    except faults.UnknownFaultError as exc:
        raise UsageError(str(exc.args[0])) from exc
    try:
        server.start()
    except StateError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    try:
        if args.seed_demo:
            seed_demo(server.store)
        print(server.url, flush=True)
        _wait_for_signal()
    finally:
        server.stop()
    return 0


def _wait_for_signal() -> None:
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("searchusers-conformance: serve: interrupted, stopping", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
