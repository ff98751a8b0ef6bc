"""Settings of one conformance run, shared by the CLI, the pytest plugin and the benchmarks.

One dataclass so that `searchusers-conformance run ...`, `pytest --pyargs conformance.suite`
and `benchmarks/gate.py` cannot drift apart in what an option means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conformance.errors import UsageError

DEFAULT_REGION = "us-east-1"
DEFAULT_MAX_REQUESTS = 300
DEFAULT_STATE_DIR = Path(".conformance")
"""Where the CLI keeps what a run leaves for the next one (`--state-dir`)."""
LOOPBACK_SIGNING = "loopback"
"""How a run signed when it used the dummy loopback credentials (reports and reproductions say
so, since no credentials were configured to find)."""
DEFAULT_SETTLE_S = 5.0
"""How long reads that must show the run's own writes are retried (see `conformance.settle`):
a few seconds, AWS's "UPDATING will become ACTIVE in few seconds"."""
COLLECTION_PREFIX = "su-conformance-"
"""Every collection the suite creates starts with this; `cleanup` deletes nothing else."""
MISSING_PREFIX = COLLECTION_PREFIX + "missing-"
"""Names the run makes up so they certainly do not exist (availability probes, discovery's
unknown-collection reads): never created, so never deleted either."""


SEARCH_OPERATIONS = ("SearchUsers", "SearchUsersByImage")
"""The searches the gate judges; `--operations` picks some (default: both)."""


def parse_operations(raw: str) -> tuple[str, ...]:
    """`SearchUsers,SearchUsersByImage` (commas or spaces), in the order the gate runs them:
    the one reading of `--operations` and the plugin's `--su-operations` / `su_operations`."""
    named = {word for word in raw.replace(",", " ").split()}
    unknown = sorted(named - set(SEARCH_OPERATIONS))
    if unknown or not named:
        raise ValueError(f"{raw!r}: name one or both of {', '.join(SEARCH_OPERATIONS)}")
    return tuple(op for op in SEARCH_OPERATIONS if op in named)


@dataclass(frozen=True)
class RunConfig:
    endpoint_url: str | None = None
    """None: the embedded reference, unless `aws` is set (then AWS itself, via boto3's chain)."""
    aws: bool = False
    region: str = DEFAULT_REGION
    profile: str | None = None
    collection_id: str | None = None
    read_only: bool = False
    faces_dir: Path | None = None
    strict: bool = False
    """SHOULD rules fail the gate too."""
    strict_schema: bool = False
    """Unknown response members are violations (by default they are accepted)."""
    seed: int | None = None
    max_examples: int = 25
    max_requests: int | None = DEFAULT_MAX_REQUESTS
    rps: float | None = None
    request_timeout_s: float = 60.0
    """Deadline of one attempt, first byte sent to last byte read (see `watchdog`)."""
    ca_bundle: str | None = None
    """CA bundle for TLS (`--ca-bundle`); None: boto3's own setting (AWS_CA_BUNDLE, the
    profile's ca_bundle), else the system's."""
    report_dir: Path | None = None
    cassette: Path | None = None
    """Replay this cassette instead of sending anything."""
    keep_collection: bool = False
    """Keep the collection a seeded run created when the run fails, so its reproductions run
    as printed (the run prints the command that deletes it)."""
    faults: tuple[str, ...] = ()
    """Faults injected into the embedded reference (for proving rules fire)."""
    settle_s: float = DEFAULT_SETTLE_S
    """The bounded wait for reads that must reflect the run's own writes; 0 judges at once."""
    stateful: bool = True
    """Run the stateful phase where the run owns a collection (never in read-only mode)."""
    operations: tuple[str, ...] = SEARCH_OPERATIONS
    """The searches to exercise and judge (`--operations`); the others are not sent, and the
    rules that judge only them are "not verified"."""
    examples_dir: Path | None = DEFAULT_STATE_DIR / "examples"
    """Hypothesis example database: failing property examples are saved here and replayed first
    by the next run. None keeps nothing."""

    def judges(self, operation: str) -> bool:
        return operation in self.operations

    @property
    def uses_reference(self) -> bool:
        return self.endpoint_url is None and not self.aws and self.cassette is None

    def validate(self) -> None:
        """Raise UsageError (one line) for options that contradict each other.

        Here rather than in the CLI so the CLI, the pytest plugin and the benchmarks share
        one set of rules about what a valid run is; `engine.prepare` calls it once per run.
        """
        if self.endpoint_url and self.aws:
            raise UsageError("--endpoint-url and --aws are alternatives: pass one")
        if self.cassette is not None and (
            self.endpoint_url or self.aws or self.read_only or self.faces_dir or self.faults
        ):
            raise UsageError(
                "--cassette judges a recording: it cannot be combined with a target, "
                "--read-only, --faces or --fault"
            )
        if self.faults and not self.uses_reference:
            raise UsageError("--fault only applies to the embedded reference")
        if self.read_only and not self.collection_id:
            raise UsageError("--read-only needs --collection-id (the existing collection to judge)")
        if self.collection_id and not self.read_only:
            raise UsageError(
                "--collection-id needs --read-only: the suite never writes to a collection it "
                "did not create"
            )
        if self.read_only and self.faces_dir is not None:
            raise UsageError("--faces seeds a new collection: it cannot be used with --read-only")
        if self.read_only and self.uses_reference:
            raise UsageError(
                "--read-only judges an existing collection: give --endpoint-url or --aws too"
            )
        if self.collection_id and self.collection_id.startswith(MISSING_PREFIX):
            raise UsageError(f"collection ids starting {MISSING_PREFIX} are reserved")
        if self.max_requests is not None and self.max_requests < 1:
            raise UsageError("--max-requests must be at least 1")
        if self.max_examples < 0:
            raise UsageError("--max-examples must not be negative")
        if self.keep_collection and (self.uses_reference or self.read_only or self.cassette):
            raise UsageError(
                "--keep-collection keeps the collection a run creates on --endpoint-url or "
                "--aws (the embedded reference goes with the run; --read-only creates nothing)"
            )
        if self.rps is not None and self.rps <= 0:
            raise UsageError("--rps must be positive")
