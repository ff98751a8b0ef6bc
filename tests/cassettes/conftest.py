"""Shared pieces for cassette tests: a reference server, realistic fake credentials, a spy on
what really went over the wire, and one recording of the full gate per session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.credentials
import botocore.httpsession
import pytest

from conformance import engine
from conformance.cli import main
from conformance.config import RunConfig
from conformance.reference.server import ReferenceServer
from conformance.results import RunResult

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "cassettes"

# Shaped like real ones (AKIA + 16, 40-char secret, an STS session token), but invented.
ACCESS_KEY = "AKIAZ7QX3MHFS6TQ4WJP"
SECRET_KEY = "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"
SESSION_TOKEN = (
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDk7v3yTq1x9Wn2Lr5Zp8Ab4Cd6Ef0Gh2"
    "Ij4Kl6Mn8Op0Qr2St4Uv6Wx8Yz0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdEfGhIjKlMnOp=="
)
CREDENTIALS = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(quiet=True) as running:
        yield running


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """Headers of every request botocore really sent (signed, before any scrubbing)."""
    sent: list[dict[str, str]] = []
    original = botocore.httpsession.URLLib3Session.send

    def spy(self: Any, request: Any) -> Any:
        sent.append(
            {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in request.headers.items()}
        )
        return original(self, request)

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", spy)
    return sent


@dataclass(frozen=True)
class Recorded:
    path: Path
    live: RunResult
    """The result of the very run that was recorded."""


@pytest.fixture(scope="session")
def gate_recording(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """The gate against the embedded reference, every phase of it, recorded by the `record`
    command (5 property examples, the fault catalog's setting: more add requests, not kinds)."""
    path = tmp_path_factory.mktemp("gate") / "gate.yaml"
    results: list[RunResult] = []
    original = engine.run

    def keep(config: RunConfig, **kwargs: Any) -> RunResult:
        results.append(original(config, **kwargs))
        return results[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "run", keep)
        code = main(["record", "--cassette", str(path), "--seed", "11", "--max-examples", "5"])
    assert code == 0 and path.exists() and len(results) == 1
    return Recorded(path, results[0])


@pytest.fixture(scope="session")
def gate_cassette(gate_recording: Recorded) -> Path:
    return gate_recording.path
