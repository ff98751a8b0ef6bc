"""What a live endpoint's owner is promised, checked on the server side of the wire."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.config import COLLECTION_PREFIX, RunConfig
from conformance.engine import run
from conformance.reference.server import ReferenceServer
from conformance.targets.base import READ_ONLY_OPERATIONS
from conformance.targets.seeding import seed, synthetic_fixture
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings
from tests.safety.conftest import (
    Reply,
    ScriptedServer,
    clean_env,
    error_line,
    run_cli,
    start_cli_until,
)

EXISTING = ("customer-faces", f"{COLLECTION_PREFIX}not-ours")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def direct(url: str) -> Transport:
    """Straight to the backend, so the scripted server only sees what the run sends."""
    return Transport(TransportSettings(url, max_requests=None), LOOPBACK_CREDENTIALS)


def snapshot(url: str) -> dict[str, object]:
    """Every collection with its users and faces: what "not modified" means."""
    transport = direct(url)
    try:
        state: dict[str, object] = {}
        names = transport.call("ListCollections", {}).json["CollectionIds"]
        for name in sorted(names):
            users = transport.call("ListUsers", {"CollectionId": name}).json
            faces = transport.call("ListFaces", {"CollectionId": name}).json
            state[name] = (users["Users"], sorted(f["FaceId"] for f in faces["Faces"]))
        return state
    finally:
        transport.close()


@pytest.fixture
def populated(scripted: ScriptedServer) -> str:
    """Collections somebody else made, one of them even wearing our prefix."""
    assert scripted.backend is not None
    transport = direct(scripted.backend)
    try:
        for name in EXISTING:
            seed(transport, name, synthetic_fixture())
    finally:
        transport.close()
    return scripted.backend


def created_by_run(scripted: ScriptedServer) -> list[str]:
    return [
        body["CollectionId"]
        for op, body in zip(scripted.seen, scripted.bodies, strict=True)
        if op == "CreateCollection"
    ]


def test_read_only_sends_only_the_four_read_operations(
    populated: str, scripted: ScriptedServer
) -> None:
    before = snapshot(populated)
    config = RunConfig(
        endpoint_url=scripted.url, collection_id=EXISTING[0], read_only=True, examples_dir=None
    )
    result = run(config)
    received = scripted.operations()
    assert set(received) <= READ_ONLY_OPERATIONS, received
    assert received["SearchUsers"] > 50 and received["ListUsers"] and received["ListFaces"]
    assert sum(received.values()) == result.stats.total
    assert snapshot(populated) == before


def test_seeded_run_names_and_deletes_its_collection_only(
    populated: str, scripted: ScriptedServer
) -> None:
    before = snapshot(populated)
    result = run(RunConfig(endpoint_url=scripted.url, max_examples=2, examples_dir=None))
    assert result.exit_code == 0
    (created,) = created_by_run(scripted)
    assert re.fullmatch(re.escape(COLLECTION_PREFIX) + "[0-9a-f]{12}", created)
    assert snapshot(populated) == before  # ours gone, theirs untouched
    touched = {
        b.get("CollectionId")
        for b in scripted.bodies
        if isinstance(b, dict) and isinstance(b.get("CollectionId"), str)
    }
    assert not touched & set(EXISTING)


def test_failing_gate_still_deletes_its_collection(tmp_path: Path) -> None:
    with ReferenceServer(quiet=True, faults=("unordered-results",)) as broken:
        scripted = ScriptedServer(broken.url)
        with scripted:
            result = run(RunConfig(endpoint_url=scripted.url, max_examples=2, examples_dir=None))
        assert result.exit_code == 1
        assert created_by_run(scripted)
        assert snapshot(broken.url) == {}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_deletes_its_collection_and_writes_a_partial_report(
    populated: str, scripted: ScriptedServer, tmp_path: Path, signum: int
) -> None:
    before = snapshot(populated)
    reports = tmp_path / "reports"
    process = start_cli_until(
        ["run", "--endpoint-url", scripted.url, "--rps", "40", "--report-dir", str(reports)],
        tmp_path,
        "phase negative",
    )
    assert created_by_run(scripted)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert "Traceback" not in err
    assert "not verified: interrupted" in out
    report = json.loads((reports / "report.json").read_text())
    assert report["exit_code"] == 2
    assert "interrupted" in json.dumps(report)
    assert snapshot(populated) == before


def test_cleanup_spares_young_leftovers_and_other_collections(
    populated: str, capsys: pytest.CaptureFixture[str]
) -> None:
    transport = direct(populated)
    transport.call("CreateCollection", {"CollectionId": f"{COLLECTION_PREFIX}leftover"})
    transport.close()
    assert main(["cleanup", "--endpoint-url", populated, "--older-than", "1h"]) == 0
    assert f"{COLLECTION_PREFIX}leftover" in snapshot(populated)
    before = snapshot(populated)
    assert main(["cleanup", "--endpoint-url", populated, "--older-than", "0"]) == 0
    after = snapshot(populated)
    # our prefix-wearing neighbour is older than 0s too: only age protects it, as documented
    assert set(before) - set(after) <= {f"{COLLECTION_PREFIX}leftover", EXISTING[1]}
    assert after["customer-faces"] == before["customer-faces"]
    capsys.readouterr()


def test_plan_is_printed_before_the_first_request(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    said_before: list[str] = []

    def script(operation: str | None, body: object) -> Reply | None:
        if not said_before:
            said_before.append(capsys.readouterr().err)
        return None

    scripted.script = script
    assert main(["run", "--endpoint-url", scripted.url, "--max-examples", "2"]) == 0
    plan = said_before[0]
    assert f"Plan against {scripted.url}" in plan
    for operation in ("CreateCollection", "IndexFaces", "SearchUsers", "DeleteCollection"):
        assert operation in plan
    assert re.search(r"budget\D*300", plan), plan


FAKE_KEY = "AKIA" + "Q7EXAMPLEZ4KX2M9"
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FAKE_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleSessionToken"


def test_no_secret_in_any_output(tmp_path: Path) -> None:
    assert len(FAKE_KEY) == 20 and len(FAKE_SECRET) == 40
    env = clean_env(
        AWS_ACCESS_KEY_ID=FAKE_KEY, AWS_SECRET_ACCESS_KEY=FAKE_SECRET, AWS_SESSION_TOKEN=FAKE_TOKEN
    )
    reports = tmp_path / "reports"
    with ReferenceServer(quiet=True, faults=("unordered-results",)) as broken:
        scripted = ScriptedServer(broken.url)
        with scripted:
            argv = ["run", "--endpoint-url", scripted.url, "--max-examples", "3"]
            done = run_cli([*argv, "--report-dir", str(reports)], tmp_path, env)
            signatures = set(scripted.authorizations)
    assert done.returncode == 1, done.stderr
    assert "reproduce" in done.stdout  # failures were printed with their reproductions
    assert all(FAKE_KEY in a for a in signatures)  # the run really signed with them
    outputs = {"stdout": done.stdout, "stderr": done.stderr}
    for name in ("junit.xml", "report.json", "report.md"):
        outputs[name] = (reports / name).read_text()
    secrets = {FAKE_KEY, FAKE_SECRET, FAKE_TOKEN, FAKE_TOKEN[:24]}
    for value in signatures:
        secrets |= {value, value.split("Signature=")[-1]}
    for where, text in outputs.items():
        for secret in secrets:
            assert secret not in text, f"{secret[:8]}... leaked into {where}"


def test_subprocess_bad_inputs_are_one_line(tmp_path: Path) -> None:
    """The same one-liners from a real process, as CI sees them."""
    empty = tmp_path / "empty"
    empty.write_text("")
    no_credentials = clean_env(
        AWS_SHARED_CREDENTIALS_FILE=str(empty),
        AWS_CONFIG_FILE=str(empty),
        AWS_EC2_METADATA_DISABLED="true",
    )
    done = run_cli(["run", "--aws", "--max-examples", "0"], tmp_path, no_credentials)
    assert done.returncode == 4  # configuration, not the target
    assert error_line(done.stderr).endswith(
        "no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; "
        "emulators accept any values, e.g. 'testing')"
    )
    done = run_cli(["run", "--endpoint-url", "http://127.0.0.1:9"], tmp_path)
    assert done.returncode == 2
    assert "cannot reach http://127.0.0.1:9: connection refused" in error_line(done.stderr)
    cassette = tmp_path / "cut.yaml"
    cassette.write_text("interactions:\n- request:\n    body: '{\"Collec")
    done = run_cli(["run", "--cassette", str(cassette)], tmp_path)
    assert done.returncode == 2 and str(cassette) in error_line(done.stderr)
    assert done.stderr.strip().count("\n") == 0
