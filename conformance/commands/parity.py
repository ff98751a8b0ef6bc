"""`searchusers-conformance parity --cassette PATH`: does a target answer as the recording did?

The recorded requests are re-sent, in order, to the target, and each answer is compared with
the recorded one after normalising away what legitimately differs between two correct
services (`conformance.parity` says what and why); every remaining difference is printed with
its JSON path. This module only parses arguments, sets up the target and prints.

Exit 0: no differences; 1: differences; 2: could not verify (unreachable, throttled, bad
cassette); 4: usage error.
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from conformance.config import DEFAULT_REGION
from conformance.errors import UsageError
from conformance.parity import DEFAULT_TOLERANCE, compare
from conformance.recording import load_exchanges
from conformance.reporting.redact import redact
from conformance.targets.endpoint import check_endpoint_url
from conformance.transport import (
    LOOPBACK_CREDENTIALS,
    Transport,
    TransportSettings,
    credentials_from_chain,
    default_endpoint,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parity",
        help="re-send a cassette's requests to a target and diff the normalised answers",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--cassette", type=Path, required=True, metavar="PATH", help="the recording to re-send"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint-url", metavar="URL", help="the target (default: the embedded reference)"
    )
    where.add_argument("--aws", action="store_true", help="AWS itself (boto3 credential chain)")
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"default {DEFAULT_REGION}")
    parser.add_argument("--profile", help="AWS profile for the credential chain")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"how far Similarity and other floats may differ (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--keep-collection-ids",
        action="store_true",
        help="send recorded CollectionIds unchanged instead of fresh same-length ones",
    )
    parser.add_argument(
        "--max-shown", type=int, default=50, metavar="N", help="differences to print (default 50)"
    )
    parser.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace) -> int:
    if args.tolerance < 0:
        raise UsageError("--tolerance must not be negative")
    recorded = load_exchanges(args.cassette)
    with ExitStack() as stack:
        url, description, credentials = _target(args, stack)
        transport = Transport(
            TransportSettings(endpoint_url=url, region=args.region, max_requests=None),
            credentials,
        )
        stack.callback(transport.close)
        say(f"parity: re-sending {len(recorded)} recorded request(s) to {description}")
        result = compare(
            recorded, transport, tolerance=args.tolerance, rename=not args.keep_collection_ids
        )
    for difference in result.differences[: args.max_shown]:
        say(str(difference))
    hidden = len(result.differences) - args.max_shown
    if hidden > 0:
        say(f"... and {hidden} more")
    changed = len({d.exchange.index for d in result.differences})
    say(
        f"{len(result.differences)} difference(s) in {changed} of {result.compared} exchange(s)"
        + (f"; {len(result.unverified)} answered only with throttling" if result.unverified else "")
    )
    return result.exit_code


def say(text: str) -> None:
    """Print through the same redaction as every report: an endpoint URL may carry
    user:password, and a target may echo a key id in what it answers."""
    print(redact(text))


def _target(args: argparse.Namespace, stack: ExitStack) -> tuple[str, str, Any]:
    if args.endpoint_url:
        check_endpoint_url(args.endpoint_url)
        found = credentials_from_chain(args.profile)
        return args.endpoint_url, args.endpoint_url, found or LOOPBACK_CREDENTIALS
    if args.aws:
        url = default_endpoint(args.region)
        return url, f"AWS ({url})", credentials_from_chain(args.profile)
    from conformance.reference.protocol import ReferenceServer

    server = stack.enter_context(ReferenceServer(quiet=True))
    return server.url, f"the embedded reference ({server.url})", LOOPBACK_CREDENTIALS
