"""pytest plugin (pytest11 entry point): the conformance gate inside any pytest run.

pytest loads this module in every run of every project that has the package installed, so it
imports nothing heavy and does nothing until a `searchusers_*` fixture is requested: options are
parsed into a `RunConfig` up front (cheap), the engine, boto3 and the reference server are only
imported by the fixtures that need them.

Settings come from `--su-*` options, else `su_*` ini keys, else RunConfig's defaults -- the same
meanings as `searchusers-conformance run`, because both end in the same `RunConfig`.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.config import RunConfig

if TYPE_CHECKING:
    from types_boto3_rekognition import RekognitionClient

    from conformance.reference.protocol import ReferenceServer
    from conformance.results import RunResult
    from conformance.shared_run import Outcome

GROUP = "searchusers-conformance"
CONFIG_KEY = pytest.StashKey[RunConfig]()
RESULT_KEY = pytest.StashKey["RunResult"]()
SEED_KEY = pytest.StashKey[int]()
SHARED_KEY = pytest.StashKey[Path]()
REFERENCE_KEY = pytest.StashKey["ReferenceServer"]()
WORKER_SEED = "su_seed"
"""workerinput key: under xdist every worker must generate the same requests."""
WORKER_SHARED = "su_shared"
"""workerinput key: the folder where one worker's gate run is shared with the others."""


def _text(raw: str) -> str:
    return raw


def _flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _budget(raw: str) -> int | None:
    """`none` (or `unlimited`) lifts the request budget; anything else must be an integer."""
    return None if raw.strip().lower() in ("none", "unlimited") else int(raw)


def _names(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.replace(",", " ").split() if part.strip())


@dataclass(frozen=True)
class Setting:
    """One run setting as a `--su-*` option and a `su_*` ini key, mapped to a RunConfig field."""

    field: str
    flag: str
    help: str
    parse: Callable[[str], Any] = _text
    is_flag: bool = False
    is_path: bool = False

    @property
    def option(self) -> str:
        return f"--su-{self.flag}"

    @property
    def ini(self) -> str:
        return "su_" + self.flag.replace("-", "_")

    @property
    def dest(self) -> str:
        return "su_" + self.field


SETTINGS = (
    Setting("endpoint_url", "endpoint-url", "SearchUsers endpoint (default: embedded reference)"),
    Setting("aws", "aws", "test AWS itself (boto3's credential chain)", _flag, is_flag=True),
    Setting("region", "region", "AWS region for signing and AWS's endpoint (us-east-1)"),
    Setting("profile", "profile", "AWS profile for credentials"),
    Setting("collection_id", "collection-id", "existing collection to judge (with read-only)"),
    Setting("read_only", "read-only", "make no writes: judge --su-collection-id", _flag, True),
    Setting("faces_dir", "faces", "folder of per-person image folders to seed", is_path=True),
    Setting("strict", "strict", "SHOULD (AWS parity) rules fail too", _flag, is_flag=True),
    Setting("strict_schema", "strict-schema", "unknown response members fail", _flag, True),
    Setting("seed", "seed", "seed for generated requests (reproducible runs)", int),
    Setting("max_examples", "max-examples", "property-phase examples (25)", int),
    Setting("max_requests", "max-requests", "request budget, or 'none' (300)", _budget),
    Setting("rps", "rps", "maximum requests per second", float),
    Setting("report_dir", "report-dir", "write junit.xml, report.json, report.md", is_path=True),
    Setting("cassette", "cassette", "replay this cassette instead of a target", is_path=True),
    Setting("faults", "faults", "faults injected into the embedded reference", _names),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "SearchUsers conformance gate (conformance.suite)")
    for setting in SETTINGS:
        if setting.is_flag:
            group.addoption(
                setting.option,
                dest=setting.dest,
                action="store_const",
                const="true",
                help=setting.help,
            )
        else:
            group.addoption(setting.option, dest=setting.dest, metavar="VALUE", help=setting.help)
        parser.addini(setting.ini, f"{setting.help} (same as {setting.option})", default=None)


def _raw_value(config: pytest.Config, setting: Setting) -> tuple[str | None, Path]:
    """The setting's text and the folder relative paths in it are relative to."""
    given = config.getoption(setting.dest)
    if given is not None:
        return str(given), Path(config.invocation_params.dir)
    from_ini = config.getini(setting.ini)
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return (str(from_ini) if from_ini not in (None, "") else None), base


def build_run_config(config: pytest.Config) -> RunConfig:
    """The RunConfig the `--su-*` options and `su_*` ini keys describe; bad values are a one-line
    pytest usage error (not a traceback)."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw, base = _raw_value(config, setting)
        if raw is None:
            continue
        try:
            value = setting.parse(raw)
        except ValueError as exc:
            raise pytest.UsageError(f"{setting.option} / {setting.ini}: {exc}") from None
        values[setting.field] = base / value if setting.is_path else value
    run_config = RunConfig(**values)
    worker = getattr(config, "workerinput", None)
    if run_config.seed is None and isinstance(worker, dict) and WORKER_SEED in worker:
        run_config = dataclasses.replace(run_config, seed=int(worker[WORKER_SEED]))
    return run_config


def _check(run_config: RunConfig) -> None:
    """Reject contradictory settings with the same rules and words as the CLI."""
    from conformance.errors import ConformanceError
    from conformance.targets import check

    try:
        check(run_config)
    except ConformanceError as exc:
        raise pytest.UsageError(f"searchusers-conformance: {exc}") from None


def pytest_configure(config: pytest.Config) -> None:
    run_config = build_run_config(config)
    if run_config != RunConfig():
        _check(run_config)  # only pay for the import when someone configured the gate
    config.stash[CONFIG_KEY] = run_config


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: hand every worker the same seed and the same folder for the session's
    one gate run (named here, created only by a worker that runs the gate)."""
    config: pytest.Config = node.config
    if config.stash[CONFIG_KEY].seed is None:
        if SEED_KEY not in config.stash:
            config.stash[SEED_KEY] = random.randrange(2**31)
        node.workerinput[WORKER_SEED] = config.stash[SEED_KEY]
    if SHARED_KEY not in config.stash:
        name = f"searchusers-conformance-{uuid.uuid4().hex}"
        config.stash[SHARED_KEY] = Path(tempfile.gettempdir()) / name
    node.workerinput[WORKER_SHARED] = str(config.stash[SHARED_KEY])


def pytest_unconfigure(config: pytest.Config) -> None:
    """xdist controller: the shared gate run's folder goes with the session."""
    if SHARED_KEY in config.stash:
        shutil.rmtree(config.stash[SHARED_KEY], ignore_errors=True)


@pytest.fixture(scope="session")
def searchusers_config(pytestconfig: pytest.Config) -> RunConfig:
    """The run settings, for tests that want to know where the gate points."""
    return pytestconfig.stash[CONFIG_KEY]


def _gate(run_config: RunConfig) -> Outcome:
    """Run the gate and write its reports; a run that cannot verify is an outcome too."""
    from conformance.engine import run
    from conformance.errors import ConformanceError
    from conformance.reports import write_reports
    from conformance.shared_run import Outcome

    try:
        result = run(run_config)
        if run_config.report_dir is not None:
            write_reports(result, run_config.report_dir)
    except ConformanceError as exc:
        return Outcome(None, f"searchusers-conformance could not verify: {exc}")
    return Outcome(result)


@pytest.fixture(scope="session")
def searchusers_run(pytestconfig: pytest.Config, searchusers_config: RunConfig) -> RunResult:
    """Run the gate once per session and hand out its verdicts. Under xdist one worker runs
    it and the others share its outcome (one collection, one report, one budget)."""
    worker = getattr(pytestconfig, "workerinput", None)
    if isinstance(worker, dict) and WORKER_SHARED in worker:
        from conformance import shared_run

        outcome = shared_run.once(Path(worker[WORKER_SHARED]), lambda: _gate(searchusers_config))
    else:
        outcome = _gate(searchusers_config)
    if outcome.result is None:
        pytest.fail(outcome.error or "searchusers-conformance: no result", pytrace=False)
    pytestconfig.stash[RESULT_KEY] = outcome.result
    return outcome.result


@dataclass(frozen=True)
class TargetEndpoint:
    """Where user tests should send requests: url None means AWS itself."""

    url: str | None
    region: str
    loopback: bool
    """True when any credentials will do (embedded reference)."""


@pytest.fixture(scope="session")
def searchusers_endpoint(
    pytestconfig: pytest.Config, searchusers_config: RunConfig
) -> Iterator[TargetEndpoint]:
    """The configured target; for the embedded reference, a server living for the session."""
    if searchusers_config.cassette is not None:
        pytest.skip("a cassette replay has no live target to send requests to")
    if not searchusers_config.uses_reference:
        yield TargetEndpoint(searchusers_config.endpoint_url, searchusers_config.region, False)
        return
    from conformance.reference.protocol import ReferenceServer

    with ReferenceServer(faults=searchusers_config.faults, quiet=True) as server:
        pytestconfig.stash[REFERENCE_KEY] = server
        try:
            yield TargetEndpoint(server.url, searchusers_config.region, True)
        finally:
            del pytestconfig.stash[REFERENCE_KEY]


@dataclass(frozen=True)
class SeededCollection:
    """A collection to point users' own tests at, as ListUsers and ListFaces describe it."""

    collection_id: str
    users: Mapping[str, tuple[str, ...]]
    """UserId -> the FaceIds associated with it (empty for a user without faces)."""
    unassociated_faces: tuple[str, ...]
    """FaceIds indexed but associated with no user."""


@pytest.fixture(scope="session")
def searchusers_collection(
    pytestconfig: pytest.Config,
    searchusers_config: RunConfig,
    searchusers_endpoint: TargetEndpoint,
    rekognition_client: RekognitionClient,
) -> SeededCollection:
    """A collection with known users and faces. On the embedded reference: `demo`, with users
    alice (2 faces), bob (2), carol (1) and dave (none), plus one unassociated face (alice's
    likeness), the same as `serve --seed-demo`. With `--su-collection-id`: that collection, as
    it is. Elsewhere nothing is created for users' tests: the fixture skips and says so."""
    if searchusers_config.collection_id is not None:
        collection_id = searchusers_config.collection_id
    elif REFERENCE_KEY in pytestconfig.stash:
        from conformance.reference.demo import DEMO_COLLECTION, seed_demo

        server: ReferenceServer = pytestconfig.stash[REFERENCE_KEY]
        seed_demo(server.store)
        collection_id = DEMO_COLLECTION
    else:
        pytest.skip(
            "searchusers_collection seeds only the embedded reference; "
            "pass --su-collection-id to use a collection of yours"
        )
    return describe_collection(rekognition_client, collection_id)


def describe_collection(client: RekognitionClient, collection_id: str) -> SeededCollection:
    """Users and faces of `collection_id`, from every page of ListUsers and ListFaces."""
    users: dict[str, list[str]] = {}
    for users_page in client.get_paginator("list_users").paginate(CollectionId=collection_id):
        for user in users_page.get("Users", []):
            users.setdefault(user.get("UserId", ""), [])
    unassociated: list[str] = []
    for faces_page in client.get_paginator("list_faces").paginate(CollectionId=collection_id):
        for face in faces_page.get("Faces", []):
            owner, face_id = face.get("UserId"), face.get("FaceId", "")
            if owner:
                users.setdefault(owner, []).append(face_id)
            else:
                unassociated.append(face_id)
    return SeededCollection(
        collection_id,
        {user: tuple(faces) for user, faces in sorted(users.items())},
        tuple(unassociated),
    )


@pytest.fixture(scope="session")
def rekognition_client(
    searchusers_config: RunConfig, searchusers_endpoint: TargetEndpoint
) -> RekognitionClient:
    """A boto3 Rekognition client for the configured target, for users' own tests."""
    import boto3

    from conformance import secret_values
    from conformance.transport import LOOPBACK_CREDENTIALS

    session = boto3.Session(profile_name=searchusers_config.profile)
    key: str | None = None
    secret: str | None = None
    if searchusers_endpoint.loopback or (
        searchusers_endpoint.url is not None and session.get_credentials() is None
    ):
        key, secret = LOOPBACK_CREDENTIALS.access_key, LOOPBACK_CREDENTIALS.secret_key
    else:
        secret_values.remember(session.get_credentials())  # masked in what the plugin prints
    return session.client(
        "rekognition",
        region_name=searchusers_endpoint.region,
        endpoint_url=searchusers_endpoint.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


CheckSearchUsers = Callable[[Mapping[str, Any], Mapping[str, Any]], None]


def assert_conforms(request: Mapping[str, Any], response: Mapping[str, Any]) -> None:
    """Raise AssertionError listing every single-exchange rule the pair violates."""
    __tracebackhide__ = True  # the failure belongs to the caller's test, not to this helper
    from conformance.reporting.redact import redact
    from conformance.rules.single import check_search_users

    violations = check_search_users(request, response)
    if violations:
        lines = "\n".join(f"- {finding.message}" for finding in violations)
        raise AssertionError(redact(f"SearchUsers answer violates the contract:\n{lines}"))


@pytest.fixture(scope="session")
def check_search_users() -> CheckSearchUsers:
    """`check_search_users(request, response)`: the catalog's single-exchange rules as an
    assertion, for users' own SearchUsers tests (boto3 responses are fine as they are)."""
    return assert_conforms


def _session_result(config: pytest.Config) -> RunResult | None:
    """The gate's result if this session ran it: here, or (xdist controller) in a worker."""
    if RESULT_KEY in config.stash:
        return config.stash[RESULT_KEY]
    if SHARED_KEY in config.stash:
        from conformance import shared_run

        outcome = shared_run.read(config.stash[SHARED_KEY])
        return outcome.result if outcome is not None else None
    return None


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One closing line with the gate's verdict, when this session ran it."""
    result = _session_result(config)
    if result is None:
        return
    from conformance.reporting.failures import stats_line, verdict_line
    from conformance.reporting.redact import redact

    terminalreporter.write_sep("-", GROUP)
    terminalreporter.write_line(redact(f"{result.target}: {verdict_line(result)}"))
    terminalreporter.write_line(redact(stats_line(result)))
    report_dir = config.stash[CONFIG_KEY].report_dir
    if report_dir is not None:
        terminalreporter.write_line(redact(f"reports: {report_dir}"))
