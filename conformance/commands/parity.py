"""`searchusers-conformance parity --cassette PATH`: does a target answer as the recording did?

The recorded requests are re-sent, in order, to the target, and each answer is compared with
the recorded one after normalising away what legitimately differs between two correct
services (`conformance.parity` says what and why); every remaining difference is printed with
its JSON path. Reads go out as recorded; the recording's own collections are mapped onto fresh
`su-conformance-*` ones that parity creates and deletes; a write to anything else is never
sent. The plan (requests per operation, budget, writes left out) is printed before the first
request. This module only parses arguments, sets up the target and prints.

Exit 0: no differences; 1: differences; 2: could not verify (unreachable, throttled, bad
cassette, writes left out, budget spent); 4: usage error.
"""

from __future__ import annotations

import argparse
from typing import Any

from conformance import cassettes
from conformance.config import DEFAULT_MAX_REQUESTS, DEFAULT_REGION, RunConfig
from conformance.errors import UsageError
from conformance.parity import DEFAULT_TOLERANCE, compare, plan
from conformance.recording import load_exchanges
from conformance.reporting.console import make_console, print_plan
from conformance.secrets.redact import redact
from conformance.targets import build


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parity",
        help="re-send a cassette's requests to a target and diff the normalised answers",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--cassette",
        type=cassettes.resolve,
        required=True,
        metavar="PATH",
        help="the recording to compare with: a file, or a shipped cassette's name",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint-url", metavar="URL", help="the target (default: the embedded reference)"
    )
    where.add_argument("--aws", action="store_true", help="AWS itself (boto3 credential chain)")
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"default {DEFAULT_REGION}")
    parser.add_argument("--profile", help="AWS profile for the credential chain")
    parser.add_argument(
        "--ca-bundle", metavar="PATH", help="CA certificates to trust (default: AWS_CA_BUNDLE)"
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"how far Similarity and other floats may differ (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--keep-collection-ids",
        action="store_true",
        help="create the recording's collections under their recorded ids instead of fresh"
        " su-conformance-* ones (writes still go only to collections this run created)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help=f"hard request budget, teardown included (default {DEFAULT_MAX_REQUESTS})",
    )
    parser.add_argument(
        "--max-shown", type=int, default=50, metavar="N", help="differences to print (default 50)"
    )
    parser.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace) -> int:
    if args.tolerance < 0:
        raise UsageError("--tolerance must not be negative")
    if args.max_requests < 1:
        raise UsageError("--max-requests must be at least 1")
    recorded = load_exchanges(args.cassette)
    planned = plan(recorded)
    config = RunConfig(
        endpoint_url=args.endpoint_url,
        aws=args.aws,
        region=args.region,
        profile=args.profile,
        ca_bundle=args.ca_bundle,
        max_requests=args.max_requests,
    )
    config.validate()
    # the target a `run` with these options would use: one credential and TLS policy
    target = build(config)
    with target.connected() as transport:
        description = target.description
        _announce(planned, args.max_requests, description)
        say(
            f"parity: re-sending {planned.total} of {len(recorded)} recorded request(s) to {description}"
        )
        result = compare(
            recorded, transport, tolerance=args.tolerance, rename=not args.keep_collection_ids
        )
    for difference in result.differences[: args.max_shown]:
        say(str(difference))
    hidden = len(result.differences) - args.max_shown
    if hidden > 0:
        say(f"... and {hidden} more")
    changed = len({d.exchange.index for d in result.differences})
    notes = []
    if result.unverified:
        notes.append(f"{len(result.unverified)} answered only with throttling")
    if result.skipped:
        notes.append(f"{len(result.skipped)} write(s) not sent (outside what parity created)")
    if result.not_sent:
        notes.append(f"{result.not_sent} not sent: request budget of {args.max_requests} spent")
    say(
        f"{len(result.differences)} difference(s) in {changed} of {result.compared} exchange(s)"
        + "".join(f"; {note}" for note in notes)
    )
    where = (
        f"--endpoint-url {args.endpoint_url}" if args.endpoint_url else f"--region {args.region}"
    )
    for collection in result.leftovers:
        say(
            f"warning: could not delete {collection}, which parity created; delete it with: "
            f"aws rekognition delete-collection {where} --collection-id {collection}"
        )
    return result.exit_code


SHOWN_SKIPPED = 10


def _announce(planned: Any, budget: int, description: str) -> None:
    """The plan on stderr before the first request, as `run` prints its own."""
    console = make_console(stderr=True)
    print_plan(planned.requests, budget=budget, target=description, console=console)
    if planned.skipped:
        console.print(
            f"not sent: {len(planned.skipped)} recorded write(s) outside what parity creates "
            "(the comparison will be not verified):"
        )
        for skipped in planned.skipped[:SHOWN_SKIPPED]:
            console.print(f"  #{skipped.exchange.index} {skipped}")
        if len(planned.skipped) > SHOWN_SKIPPED:
            console.print(f"  ... and {len(planned.skipped) - SHOWN_SKIPPED} more")


def say(text: str) -> None:
    """Print through the same redaction as every report: an endpoint URL may carry
    user:password, and a target may echo a key id in what it answers."""
    print(redact(text))
