"""`searchusers-conformance run`: the gate (exit codes in `conformance.errors.EXIT_CODES`).

Numbers are parsed here, not by argparse, so that a bad value costs one line naming the option
(exit 4) like any other bad input, instead of a usage dump.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from conformance import cassettes, engine
from conformance.config import (
    DEFAULT_MAX_REQUESTS,
    DEFAULT_REGION,
    DEFAULT_SETTLE_S,
    DEFAULT_STATE_DIR,
    SEARCH_OPERATIONS,
    RunConfig,
    parse_operations,
)
from conformance.errors import EXIT_CODES, ConformanceError, UsageError
from conformance.exchange import Exchange
from conformance.reporting.console import ProgressDisplay, print_plan, print_summary
from conformance.reporting.files import write_reports
from conformance.results import RunResult
from conformance.secrets.redact import redact
from conformance.settle import settle_seconds

N = TypeVar("N", int, float)


DESCRIPTION = """\
Judge a SearchUsers implementation against AWS's contract: a verdict per rule.

Without a target option the embedded reference is judged. With --endpoint-url or --aws the run
creates its own su-conformance-* collection, seeds it and deletes it at the end; with
--collection-id ID --read-only it judges an existing collection without writing to it. The plan
(requests per operation, budget) is printed before the first request."""


def exit_code_table() -> str:
    return "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="run the SearchUsers conformance gate (default: against the embedded reference)",
        description=DESCRIPTION,
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = parser.add_argument_group("target (default: the embedded reference)")
    where.add_argument("--endpoint-url", metavar="URL", help="any AWS JSON 1.1 endpoint")
    where.add_argument(
        "--aws", action="store_true", help="AWS itself, with boto3's usual credential chain"
    )
    where.add_argument("--region", default=DEFAULT_REGION, help=f"default {DEFAULT_REGION}")
    where.add_argument("--profile", help="AWS profile for credentials")
    where.add_argument("--collection-id", metavar="ID", help="existing collection to judge")
    where.add_argument(
        "--read-only",
        action="store_true",
        help="with --collection-id: send only SearchUsers, ListUsers, ListFaces, DescribeCollection",
    )
    where.add_argument(
        "--ca-bundle",
        metavar="PATH",
        help="CA certificates to trust for HTTPS (default: AWS_CA_BUNDLE / the profile's ca_bundle)",
    )
    where.add_argument(
        "--faces", metavar="DIR", help="seed from photos: one sub-folder of images per person"
    )
    where.add_argument(
        "--cassette",
        metavar="PATH",
        help="judge a recorded run offline (nothing is sent); a file, or a shipped cassette's "
        "name (aws-example-search-users)",
    )
    where.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="inject a fault into the embedded reference (repeatable; see `serve --list-faults`)",
    )
    judging = parser.add_argument_group("judging")
    judging.add_argument("--strict", action="store_true", help="SHOULD rules fail the gate too")
    judging.add_argument(
        "--operations",
        metavar="LIST",
        help="the searches to judge, comma-separated: SearchUsers, SearchUsersByImage "
        "(default both)",
    )
    judging.add_argument(
        "--strict-schema", action="store_true", help="unknown response members are violations"
    )
    spending = parser.add_argument_group("generation and spending")
    spending.add_argument("--seed", metavar="N", help="hypothesis seed (default: per target)")
    spending.add_argument("--max-examples", metavar="N", help="property examples (default 25)")
    spending.add_argument(
        "--max-requests",
        metavar="N",
        help=f"hard request budget (default {DEFAULT_MAX_REQUESTS}; 0 = unlimited)",
    )
    spending.add_argument("--rps", metavar="R", help="cap the request rate (requests/second)")
    spending.add_argument(
        "--request-timeout",
        metavar="S",
        help="seconds one request may take, first byte to last (default 60); "
        "3 in a row missed stop the run",
    )
    spending.add_argument(
        "--settle",
        metavar="SECONDS",
        help="retry reads that must show the run's own writes for up to SECONDS before judging "
        f"them (default {DEFAULT_SETTLE_S:g}; 0 = judge at once)",
    )
    parser.add_argument(
        "--report-dir", metavar="DIR", help="write junit.xml, report.json, report.md"
    )
    parser.add_argument(
        "--keep-collection",
        action="store_true",
        help="with --endpoint-url or --aws: when the run fails, keep the collection it created "
        "so each failure's reproduction runs as printed (the run prints the command that "
        "deletes it)",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        default=str(DEFAULT_STATE_DIR),
        help="where runs keep state for the next run: failing property examples (replayed "
        "first) and hypothesis's own files; nothing else is written to the working directory "
        f"(default ./{DEFAULT_STATE_DIR})",
    )
    parser.set_defaults(handler=handle)


def _number(raw: str | None, option: str, kind: Callable[[str], N], default: N) -> N:
    if raw is None:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise UsageError(f"{option} expects a number, not {raw!r}") from None


def config_from_args(args: argparse.Namespace) -> RunConfig:
    budget = _number(args.max_requests, "--max-requests", int, DEFAULT_MAX_REQUESTS)
    if budget < 0:
        raise UsageError("--max-requests must not be negative (0 means unlimited)")
    seed = _number(args.seed, "--seed", int, -1)
    if args.seed is not None and seed < 0:
        raise UsageError("--seed must not be negative")
    rps = _number(args.rps, "--rps", float, 0.0)
    if args.rps is not None and not rps > 0:
        raise UsageError("--rps must be positive")
    timeout = _number(args.request_timeout, "--request-timeout", float, RunConfig.request_timeout_s)
    if not timeout > 0:
        raise UsageError("--request-timeout must be positive")
    try:
        settle = settle_seconds(args.settle) if args.settle is not None else DEFAULT_SETTLE_S
    except ValueError as exc:
        raise UsageError(f"--settle {exc}") from None
    config = RunConfig(
        operations=operations_of(args.operations),
        endpoint_url=args.endpoint_url,
        aws=args.aws,
        region=args.region,
        profile=args.profile,
        collection_id=args.collection_id,
        read_only=args.read_only,
        faces_dir=Path(args.faces) if args.faces else None,
        strict=args.strict,
        strict_schema=args.strict_schema,
        seed=seed if args.seed is not None else None,
        max_examples=_number(args.max_examples, "--max-examples", int, RunConfig.max_examples),
        max_requests=budget or None,
        rps=rps if args.rps is not None else None,
        request_timeout_s=timeout,
        ca_bundle=args.ca_bundle,
        settle_s=settle,
        report_dir=Path(args.report_dir) if args.report_dir else None,
        cassette=cassettes.resolve(args.cassette) if args.cassette else None,
        faults=tuple(args.fault),
        examples_dir=Path(args.state_dir) / "examples",
        keep_collection=args.keep_collection,
    )
    return config


def operations_of(raw: str | None) -> tuple[str, ...]:
    """`--operations SearchUsers,SearchUsersByImage` in the order the gate runs them."""
    if raw is None:
        return SEARCH_OPERATIONS
    try:
        return parse_operations(raw)
    except ValueError as exc:
        raise UsageError(f"--operations {exc}") from None


def check_report_dir(path: Path) -> None:
    """Fail before spending a single request, not after the whole run."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create report folder {path}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"report folder {path} is not writable")


def warn(message: str) -> None:
    print(f"searchusers-conformance: warning: {redact(message)}", file=sys.stderr)


def keep_state_in(state_dir: Path) -> None:
    """Point hypothesis's own storage (its caches of constants and unicode data, which it
    writes to ./.hypothesis by default) into the state folder, so a run writes in one place.
    Only the CLI does this: it owns its process, the pytest plugin shares the user's."""
    import hypothesis.configuration

    hypothesis.configuration.set_hypothesis_home_dir(state_dir / "hypothesis")


def handle(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    keep_state_in(Path(args.state_dir))
    sent: list[Exchange] = []
    if config.report_dir is None:
        return gate(config, sent)
    check_report_dir(config.report_dir)
    try:
        return gate(config, sent)
    except ConformanceError as error:
        # CI's report step must find a report even when nothing could be judged, counting
        # what was sent before the error; the error line itself follows (printed last)
        write(engine.failed_to_start(config, error, sent), config.report_dir)
        raise


def write(result: RunResult, report_dir: Path) -> None:
    for path in write_reports(result, report_dir):
        print(f"wrote {path}", file=sys.stderr)


def gate(config: RunConfig, sent: list[Exchange]) -> int:
    """Plan, run, summarise and write the reports; every answer is also appended to `sent`,
    so a run an error stops still has its evidence for the failure report."""
    prepared = engine.prepare(config)
    plan = prepared.plan
    if config.cassette is None:
        print_plan(plan.operations, budget=plan.budget, target=plan.target, phases=plan.phases)
        print(f"seed {plan.seed} (repeat this run with --seed {plan.seed})", file=sys.stderr)
    for note in plan.notes:
        print(f"note: {redact(note)}", file=sys.stderr)
    with ProgressDisplay(total=plan.total, budget=plan.budget) as progress:

        def seen(exchange: Exchange) -> None:
            sent.append(exchange)
            progress(exchange)

        result = engine.run(config, prepared=prepared, progress=seen, notice=warn)
        progress.finish(result.stats)
    written = config.report_dir / "report.json" if config.report_dir is not None else None
    print_summary(result, full_report=str(written) if written else None)
    if config.report_dir is not None:
        write(result, config.report_dir)
    return result.exit_code
