"""Fixtures: the default gate run once per session, reference servers in-process and as a
separate `serve` process, and a plain transport to inspect what a run left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.config import RunConfig
from conformance.engine import run
from conformance.reference import faces
from conformance.reference.server import ReferenceServer
from conformance.results import RunResult
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings

from ..serving import running_serve

CLI = [sys.executable, "-m", "conformance"]


def loopback_transport(url: str, budget: int | None = None) -> Transport:
    return Transport(TransportSettings(url, max_requests=budget), LOOPBACK_CREDENTIALS)


def collections(url: str) -> list[str]:
    transport = loopback_transport(url)
    try:
        body = transport.call("ListCollections", {}).json
    finally:
        transport.close()
    assert isinstance(body, dict)
    return list(body.get("CollectionIds") or [])


def cli_env() -> dict[str, str]:
    """No credentials: loopback endpoints must work without any (dummy ones are used)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["COLUMNS"] = "160"
    return env


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`searchusers-conformance ARGS` in a fresh process, as a user or CI would call it."""
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=cli_env(), cwd=cwd, timeout=120
    )


def person_folders(root: Path, people: int, images: int) -> Path:
    """`--faces` layout: one sub-folder per person (names needing sanitising), PNGs inside."""
    for person in range(people):
        folder = root / f"person {person}!"
        folder.mkdir(parents=True)
        for variant in range(images):
            image = faces.person_image(100 + person, variant * 0.05, 48, variant)
            (folder / f"{variant}.png").write_bytes(image)
    return root


@pytest.fixture(scope="session")
def gate(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The default gate against the embedded reference, exactly as `run` without options."""
    examples = tmp_path_factory.mktemp("examples")
    return run(RunConfig(examples_dir=examples))


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(quiet=True) as srv:
        yield srv


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[str]:
    """`searchusers-conformance serve` in its own process; yields its URL."""
    with running_serve(stderr=subprocess.DEVNULL, env=cli_env(), cwd=tmp_path) as (_, url):
        yield url
