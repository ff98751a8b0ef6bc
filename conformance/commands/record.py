"""`searchusers-conformance record --cassette PATH [run options]`: run the gate, keep the tape.

Recording AWS costs money and needs credentials; replaying the tape (`run --cassette`) and
comparing other targets with it (`parity`) costs neither. The gate runs exactly as `run` would
(same options, same summary, same exit code) while vcrpy records every HTTP exchange, scrubbed
of credentials before anything is written.

The tape is written next to its destination and moved into place only once the run is over and
the file lints clean, so an existing cassette (which `--overwrite` must explicitly allow to be
replaced) is never lost to a run that failed half-way, and a tape that still looks secret-bearing
is never kept.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.commands import run
from conformance.errors import CassetteError, UsageError
from conformance.recording import lint, use_cassette


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "record",
        help="run the gate while recording every HTTP exchange to a cassette",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_run_options()],
        conflict_handler="resolve",
    )
    parser.add_argument(
        "--cassette", metavar="PATH", required=True, help="where to write (e.g. cassettes/x.yaml)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace PATH if it exists (only on success)"
    )
    parser.set_defaults(handler=handle)


def _run_options() -> argparse.ArgumentParser:
    """`run`'s own parser, so record takes exactly the target options run takes."""
    actions = argparse.ArgumentParser(add_help=False).add_subparsers()
    run.register(actions)
    parser: argparse.ArgumentParser = actions.choices["run"]
    return parser


def handle(args: argparse.Namespace) -> int:
    destination = Path(args.cassette)
    if destination.suffix not in (".yaml", ".yml"):
        raise UsageError(f"{destination}: cassettes are YAML files (name it *.yaml)")
    if destination.is_dir():
        raise UsageError(f"{destination} is a directory")
    if destination.exists() and not args.overwrite:
        raise UsageError(f"{destination} exists: pass --overwrite to replace it")
    args.cassette = None  # the run itself records, it does not replay
    run.config_from_args(args)  # bad options fail before any file is touched
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {destination.parent}: {exc.strerror}") from None
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with use_cassette(partial, mode="all") as cassette:
            code = run.handle(args)
            for key, value in _provenance(args, code).items():
                cassette.get_metadata(key, value)
        _keep(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    print(f"recorded {destination}", file=sys.stderr)
    return code


def _keep(partial: Path, destination: Path) -> None:
    if not partial.exists():
        raise CassetteError("the run sent no request: nothing was recorded")
    problems = lint(partial)
    if problems:
        kinds = sorted({p.message for p in problems})
        raise CassetteError(
            f"the recording still holds secret-looking values ({'; '.join(kinds)}): "
            "it was discarded"
        )
    os.replace(partial, destination)


def _provenance(args: argparse.Namespace, code: int) -> dict[str, Any]:
    """Says where a tape came from; replay reads `recorded_exit_code` back (a run that could
    not reach a verdict does not become trustworthy by being replayed)."""
    if args.endpoint_url:
        target = "endpoint"
    elif args.aws:
        target = f"AWS ({args.region})"
    else:
        target = "the embedded reference"
    faults = f" with faults {', '.join(args.fault)}" if args.fault else ""
    return {
        "source": f"searchusers-conformance {__version__} record against {target}{faults}",
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "recorded_exit_code": code,
        "recorded_verdict": {0: "conforms", 1: "violations"}.get(code, "not verified"),
    }
