"""Seeded runs never leave a collection behind; `cleanup` removes only the suite's own."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.config import COLLECTION_PREFIX
from conformance.reference.server import ReferenceServer
from tests.engine.conftest import CLI, cli_env, collections, loopback_transport, run_cli


def ours(url: str) -> list[str]:
    return [c for c in collections(url) if c.startswith(COLLECTION_PREFIX)]


def test_seeded_run_against_a_serve_process_deletes_its_collection(
    serve_process: str, tmp_path: Path
) -> None:
    done = run_cli(["run", "--endpoint-url", serve_process, "--max-examples", "5"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "verdict: conforms" in done.stdout
    assert ours(serve_process) == []


@pytest.mark.parametrize(
    ("signum", "phase"), [(signal.SIGTERM, "seed"), (signal.SIGINT, "negative")]
)
def test_interrupted_run_still_deletes_its_collection(
    serve_process: str, tmp_path: Path, signum: int, phase: str
) -> None:
    reports = tmp_path / "reports"
    process = subprocess.Popen(
        [*CLI, "run", "--endpoint-url", serve_process, "--rps", "10", "--report-dir", str(reports)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        cwd=tmp_path,
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith(f"phase {phase}"):
            break
    else:
        pytest.fail("".join(seen))
    assert ours(serve_process), "the run should own a collection by now"
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert "not verified: interrupted" in out
    assert "Traceback" not in err
    assert ours(serve_process) == []
    report = json.loads((reports / "report.json").read_text())
    assert report["exit_code"] == 2


def test_cleanup_deletes_only_prefixed_collections(
    server: ReferenceServer, capsys: pytest.CaptureFixture[str]
) -> None:
    transport = loopback_transport(server.url)
    for name in (f"{COLLECTION_PREFIX}leftover", "customer-faces", "su-conformance"):
        transport.call("CreateCollection", {"CollectionId": name})
    transport.close()

    assert main(["cleanup", "--endpoint-url", server.url, "--older-than", "0", "--dry-run"]) == 0
    assert f"would delete {COLLECTION_PREFIX}leftover" in capsys.readouterr().out
    assert len(collections(server.url)) == 3

    assert main(["cleanup", "--endpoint-url", server.url]) == 0  # default: older than 1h
    assert f"kept {COLLECTION_PREFIX}leftover" in capsys.readouterr().out
    assert len(collections(server.url)) == 3

    assert main(["cleanup", "--endpoint-url", server.url, "--older-than", "0"]) == 0
    assert sorted(collections(server.url)) == ["customer-faces", "su-conformance"]


@pytest.mark.parametrize(
    "argv", [["--older-than", "0"], ["--endpoint-url", "http://x", "--older-than", "ten"]]
)
def test_cleanup_bad_usage_is_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cleanup", *argv]) == 4
    assert capsys.readouterr().err.strip().count("\n") == 0
