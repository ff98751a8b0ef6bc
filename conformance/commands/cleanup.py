"""`searchusers-conformance cleanup`: delete collections a killed run left behind.

A run always deletes its collection, but `kill -9`, a lost network or a crashed host can still
strand one. This removes collections whose name starts with the suite's prefix, and only those,
and only when older than `--older-than` (default 1h) so a gate running right now elsewhere keeps
its collection. `--collection-id ID` deletes that one collection whatever its age: it is what a
run prints when it could not delete its own collection. The prefix is checked again immediately
before every DeleteCollection.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from typing import Any

from conformance.config import COLLECTION_PREFIX, DEFAULT_REGION, RunConfig
from conformance.errors import ConformanceError, UsageError
from conformance.exchange import Exchange
from conformance.targets import build
from conformance.targets.base import explain, iter_pages
from conformance.transport import Client

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_AGE = "1h"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "cleanup",
        help=f"delete leftover {COLLECTION_PREFIX}* collections (nothing else, ever)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--endpoint-url", metavar="URL", help="any AWS JSON 1.1 endpoint")
    parser.add_argument(
        "--ca-bundle", metavar="PATH", help="CA certificates to trust (default: AWS_CA_BUNDLE)"
    )
    parser.add_argument("--aws", action="store_true", help="AWS itself (boto3's credentials)")
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"default {DEFAULT_REGION}")
    parser.add_argument("--profile", help="AWS profile for credentials")
    parser.add_argument(
        "--older-than",
        default=DEFAULT_AGE,
        metavar="DURATION",
        help=f"only collections created longer ago than this: 90s, 30m, 2h, 1d, 0 (default {DEFAULT_AGE})",
    )
    parser.add_argument(
        "--collection-id",
        action="append",
        default=[],
        metavar="ID",
        help=f"delete exactly this {COLLECTION_PREFIX}* collection, whatever its age (repeatable)",
    )
    parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")
    parser.set_defaults(handler=handle)


def parse_duration(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if match is None or (not match.group(2) and float(match.group(1)) != 0):
        raise UsageError(f"--older-than {text!r}: expected a number and a unit (s, m, h, d), or 0")
    return float(match.group(1)) * UNITS.get(match.group(2) or "s", 1)


@dataclass(frozen=True)
class Leftover:
    collection_id: str
    age_s: float | None
    """None when DescribeCollection gave no usable CreationTimestamp."""


def handle(args: argparse.Namespace) -> int:
    if not args.endpoint_url and not args.aws:
        raise UsageError("cleanup needs --endpoint-url URL or --aws")
    older_than = parse_duration(args.older_than)
    config = RunConfig(
        endpoint_url=args.endpoint_url,
        aws=args.aws,
        region=args.region,
        profile=args.profile,
        max_requests=None,
        ca_bundle=args.ca_bundle,
    )
    config.validate()
    for name in args.collection_id:
        if not name.startswith(COLLECTION_PREFIX):
            raise UsageError(f"--collection-id {name!r}: cleanup only deletes {COLLECTION_PREFIX}*")
    with build(config).connected() as transport:
        if args.collection_id:
            return delete_named(transport, args.collection_id, dry_run=args.dry_run)
        leftovers = find_leftovers(transport)
        deleted = kept = 0
        for leftover in leftovers:
            if leftover.age_s is None or leftover.age_s < older_than:
                kept += 1
                print(f"kept {leftover.collection_id} ({_age(leftover.age_s)})")
                continue
            if args.dry_run:
                print(f"would delete {leftover.collection_id} ({_age(leftover.age_s)})")
                continue
            delete(transport, leftover.collection_id)
            deleted += 1
            print(f"deleted {leftover.collection_id} ({_age(leftover.age_s)})")
    verb = "would delete" if args.dry_run else "deleted"
    count = len(leftovers) - kept if args.dry_run else deleted
    print(f"{verb} {count}, kept {kept} of {len(leftovers)} {COLLECTION_PREFIX}* collection(s)")
    return 0


def delete_named(client: Client, names: list[str], *, dry_run: bool) -> int:
    for name in names:
        if dry_run:
            print(f"would delete {name}")
            continue
        exchange = client.call("DeleteCollection", {"CollectionId": name}, label="cleanup")
        if exchange.error_type == "ResourceNotFoundException":
            print(f"{name} does not exist (already deleted)")
            continue
        _require(exchange)
        print(f"deleted {name}")
    return 0


def find_leftovers(client: Client) -> list[Leftover]:
    names: list[str] = []
    for page in iter_pages(client, "ListCollections", {}, label="cleanup"):
        _require(page)
        body = page.json if isinstance(page.json, dict) else {}
        names += [n for n in body.get("CollectionIds") or [] if isinstance(n, str)]
    now = time.time()
    found = []
    for name in sorted(n for n in names if n.startswith(COLLECTION_PREFIX)):
        described = client.call("DescribeCollection", {"CollectionId": name}, label="cleanup")
        if described.error_type == "ResourceNotFoundException":
            continue  # deleted meanwhile
        _require(described)
        created = (
            described.json.get("CreationTimestamp") if isinstance(described.json, dict) else None
        )
        age = now - float(created) if isinstance(created, int | float) else None
        found.append(Leftover(name, age))
    return found


def delete(client: Client, collection_id: str) -> None:
    if not collection_id.startswith(COLLECTION_PREFIX):  # never anything but our own
        raise ConformanceError(f"refusing to delete {collection_id!r}: not a suite collection")
    exchange = client.call("DeleteCollection", {"CollectionId": collection_id}, label="cleanup")
    if exchange.error_type != "ResourceNotFoundException":
        _require(exchange)


def _require(exchange: Exchange) -> None:
    if exchange.output is None:
        raise ConformanceError(f"cleanup stopped: {explain(exchange)}")


def _age(age_s: float | None) -> str:
    if age_s is None:
        return "age unknown"
    for unit, seconds in (("d", 86400), ("h", 3600), ("m", 60)):
        if age_s >= seconds:
            return f"{age_s / seconds:.1f}{unit} old"
    return f"{max(age_s, 0):.0f}s old"
