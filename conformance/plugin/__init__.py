"""The pytest side of the package: the plugins pytest loads from the `pytest11` entry points.

This module is the `searchusers_conformance` plugin: the conformance gate inside any pytest run
(`--su-*` options, `su_*` ini keys, the `searchusers_*` and `check_*` fixtures, the closing
verdict line). Beside it, each imported only when needed:

* `settings`: the options and ini keys parsed into the `RunConfig` they describe;
* `fixtures`: what the fixtures hand to users' tests, and the work behind them;
* `shared_run`: one gate run per session, however many xdist workers ask for it;
* `vcr`: the `searchusers_conformance_vcr` plugin, matching and scrubbing for pytest-recording.

pytest loads this module in every run of every project that has the package installed, so it
imports nothing but pytest and builds no class: the option table is plain tuples, and the
settings parser, the fixtures' work, the engine, boto3 and the reference server are imported
only once someone sets a `--su-*` option or `su_*` ini key, or requests a `searchusers_*`
fixture. `benchmarks/collection.py` measures what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from types_boto3_rekognition import RekognitionClient

    from conformance.config import RunConfig
    from conformance.plugin.fixtures import SeededCollection, TargetEndpoint
    from conformance.reference.server import ReferenceServer
    from conformance.results import RunResult

GROUP = "searchusers-conformance"
CONFIG_KEY = pytest.StashKey["RunConfig"]()
RESULT_KEY = pytest.StashKey["RunResult"]()
SEED_KEY = pytest.StashKey[int]()
SHARED_KEY: pytest.StashKey[Path] = pytest.StashKey()
REFERENCE_KEY = pytest.StashKey["ReferenceServer"]()
WORKER_SEED = "su_seed"
"""workerinput key: under xdist every worker must generate the same requests."""
WORKER_SHARED = "su_shared"
"""workerinput key: the folder where one worker's gate run is shared with the others."""

OPTIONS = (
    # (RunConfig field, option after --su-, help, kind: how `settings` parses it)
    ("endpoint_url", "endpoint-url", "SearchUsers endpoint (default: embedded reference)", "text"),
    ("aws", "aws", "test AWS itself (boto3's credential chain)", "flag"),
    ("region", "region", "AWS region for signing and AWS's endpoint (us-east-1)", "text"),
    ("profile", "profile", "AWS profile for credentials", "text"),
    ("collection_id", "collection-id", "existing collection to judge (with read-only)", "text"),
    ("read_only", "read-only", "make no writes: judge --su-collection-id", "flag"),
    ("faces_dir", "faces", "folder of per-person image folders to seed", "path"),
    ("strict", "strict", "SHOULD (AWS parity) rules fail too", "flag"),
    ("strict_schema", "strict-schema", "unknown response members fail", "flag"),
    ("seed", "seed", "seed for generated requests (reproducible runs)", "int"),
    ("max_examples", "max-examples", "property-phase examples (25)", "int"),
    ("max_requests", "max-requests", "request budget, or 'none' (300)", "budget"),
    ("rps", "rps", "maximum requests per second", "float"),
    ("settle_s", "settle", "seconds reads may take to show the run's writes (5)", "settle"),
    ("report_dir", "report-dir", "write junit.xml, report.json, report.md", "path"),
    ("examples_dir", "state-dir", "folder for what a run keeps (.conformance)", "state"),
    ("cassette", "cassette", "replay this cassette instead of a target", "path"),
    ("faults", "faults", "faults injected into the embedded reference", "names"),
    ("operations", "operations", "searches to judge: SearchUsers,SearchUsersByImage (both)", "ops"),
)


def _ini(flag: str) -> str:
    return "su_" + flag.replace("-", "_")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "SearchUsers conformance gate (conformance.suite)")
    for field, flag, help, kind in OPTIONS:
        option, dest = f"--su-{flag}", f"su_{field}"
        if kind == "flag":
            group.addoption(option, dest=dest, action="store_const", const="true", help=help)
        else:
            group.addoption(option, dest=dest, metavar="VALUE", help=help)
        parser.addini(_ini(flag), f"{help} (same as {option})", default=None)


def _given(config: pytest.Config, field: str, flag: str) -> bool:
    return config.getoption(f"su_{field}") is not None or config.getini(_ini(flag)) not in (
        None,
        "",
    )


def run_config(config: pytest.Config) -> RunConfig:
    """The session's settings, parsed on first use and kept."""
    if CONFIG_KEY not in config.stash:
        from conformance.plugin.settings import build_run_config

        config.stash[CONFIG_KEY] = build_run_config(config)
    return config.stash[CONFIG_KEY]


def pytest_configure(config: pytest.Config) -> None:
    """Bad or contradictory `--su-*` settings fail at once, as a usage error; a run that sets
    none pays for nothing."""
    if any(_given(config, field, flag) for field, flag, _, _ in OPTIONS):
        run_config(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: hand every worker the same seed and the same folder for the session's
    one gate run (named here, created only by a worker that runs the gate)."""
    import random
    import tempfile
    import uuid
    from pathlib import Path

    config: pytest.Config = node.config
    if not _given(config, "seed", "seed"):
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
        import shutil

        shutil.rmtree(config.stash[SHARED_KEY], ignore_errors=True)


@pytest.fixture(scope="session")
def searchusers_config(pytestconfig: pytest.Config) -> RunConfig:
    """The run settings, for tests that want to know where the gate points."""
    return run_config(pytestconfig)


@pytest.fixture(scope="session")
def searchusers_run(pytestconfig: pytest.Config, searchusers_config: RunConfig) -> RunResult:
    """Run the gate once per session and hand out its verdicts. Under xdist one worker runs
    it and the others share its outcome (one collection, one report, one budget)."""
    from conformance.plugin.fixtures import gate

    worker = getattr(pytestconfig, "workerinput", None)
    if isinstance(worker, dict) and WORKER_SHARED in worker:
        from pathlib import Path

        from conformance.plugin import shared_run

        outcome = shared_run.once(Path(worker[WORKER_SHARED]), lambda: gate(searchusers_config))
    else:
        outcome = gate(searchusers_config)
    if outcome.result is None:
        pytest.fail(outcome.error or "searchusers-conformance: no result", pytrace=False)
    pytestconfig.stash[RESULT_KEY] = outcome.result
    return outcome.result


@pytest.fixture(scope="session")
def searchusers_endpoint(
    pytestconfig: pytest.Config, searchusers_config: RunConfig
) -> Iterator[TargetEndpoint]:
    """The configured target; for the embedded reference, a server living for the session."""
    from conformance.plugin.fixtures import TargetEndpoint

    if searchusers_config.cassette is not None:
        pytest.skip("a cassette replay has no live target to send requests to")
    if not searchusers_config.uses_reference:
        yield TargetEndpoint(searchusers_config.endpoint_url, searchusers_config.region, False)
        return
    from conformance.reference.server import ReferenceServer

    with ReferenceServer(faults=searchusers_config.faults, quiet=True) as server:
        pytestconfig.stash[REFERENCE_KEY] = server
        try:
            yield TargetEndpoint(server.url, searchusers_config.region, True)
        finally:
            del pytestconfig.stash[REFERENCE_KEY]


@pytest.fixture(scope="session")
def rekognition_client(
    searchusers_config: RunConfig, searchusers_endpoint: TargetEndpoint
) -> RekognitionClient:
    """A boto3 Rekognition client for the configured target, for users' own tests."""
    from conformance.plugin.fixtures import rekognition_client

    return rekognition_client(searchusers_config, searchusers_endpoint)


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
    from conformance.plugin.fixtures import describe_collection

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


CheckSearchUsers = Callable[[Mapping[str, Any], Mapping[str, Any]], None]


@pytest.fixture(scope="session")
def check_search_users() -> CheckSearchUsers:
    """`check_search_users(request, response)`: the catalog's single-exchange rules as an
    assertion, for users' own SearchUsers tests (boto3 responses are fine as they are)."""
    from conformance.plugin.fixtures import assert_conforms

    return assert_conforms


@pytest.fixture(scope="session")
def check_search_users_by_image() -> CheckSearchUsers:
    """`check_search_users_by_image(request, response)`: the same for SearchUsersByImage (the
    request's `Image.Bytes` as bytes, as boto3 takes it)."""
    from conformance.plugin.fixtures import assert_image_search_conforms

    return assert_image_search_conforms


def _session_result(config: pytest.Config) -> RunResult | None:
    """The gate's result if this session ran it: here, or (xdist controller) in a worker."""
    if RESULT_KEY in config.stash:
        return config.stash[RESULT_KEY]
    if SHARED_KEY in config.stash:
        from conformance.plugin import shared_run

        outcome = shared_run.read(config.stash[SHARED_KEY])
        return outcome.result if outcome is not None else None
    return None


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One closing line with the gate's verdict, when this session ran it."""
    result = _session_result(config)
    if result is None:
        return
    from conformance.reporting.failures import stats_line, verdict_line
    from conformance.secrets.redact import redact

    terminalreporter.write_sep("-", GROUP)
    terminalreporter.write_line(redact(f"{result.target}: {verdict_line(result)}"))
    terminalreporter.write_line(redact(stats_line(result)))
    report_dir = run_config(config).report_dir
    if report_dir is not None:
        terminalreporter.write_line(redact(f"reports: {report_dir}"))
