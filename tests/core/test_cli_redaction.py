from __future__ import annotations

import socket
from pathlib import Path

import pytest

from conformance.cli import main

CASSETTE = Path(__file__).resolve().parents[2] / "cassettes" / "aws-example-search-users.yaml"


def test_errors_never_print_credentials_from_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://admin:hunter2@127.0.0.1:{port}"
    assert (
        main(
            [
                "parity",
                "--cassette",
                str(CASSETTE),
                "--endpoint-url",
                url,
            ]
        )
        == 2
    )
    captured = capsys.readouterr()
    assert "hunter2" not in captured.out + captured.err
    assert "cannot reach" in captured.err
