"""An HTTPS emulator with a private CA can be judged: `--ca-bundle`, or boto3's AWS_CA_BUNDLE.

The certificates come from the `openssl` command (a CA, and a server certificate it signs for
127.0.0.1); a real TLS proxy on loopback terminates HTTPS in front of the embedded reference.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.reference.server import ReferenceServer
from tests.safety.conftest import clean_env, error_line, run_cli

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=su-conformance test CA", "-keyout", "ca.key", "-out", "ca.pem", cwd=where)  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "server.key", "-out", "server.csr", cwd=where)  # fmt: skip
    (where / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.cnf", "-out", "server.pem", cwd=where)  # fmt: skip
    return where


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def tls_proxy(certificates: Path, backend_port: int) -> Iterator[str]:
    """HTTPS on a loopback port, forwarded byte for byte to the plain-HTTP backend."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    listener = socket.create_server(("127.0.0.1", 0))

    def accept() -> None:
        while True:
            try:
                raw, _ = listener.accept()
                client = context.wrap_socket(raw, server_side=True)
            except (OSError, ssl.SSLError):
                if listener.fileno() == -1:
                    return
                continue
            backend = socket.create_connection(("127.0.0.1", backend_port))
            for a, b in ((client, backend), (backend, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@pytest.fixture
def https_reference(certificates: Path) -> Iterator[str]:
    with ReferenceServer(quiet=True) as backend:
        port = int(backend.url.rsplit(":", 1)[1])
        with tls_proxy(certificates, port) as url:
            yield url


def test_the_gate_judges_a_private_ca_emulator_with_ca_bundle(
    https_reference: str, certificates: Path, tmp_path: Path
) -> None:
    bundle = str(certificates / "ca.pem")
    args = ["run", "--endpoint-url", https_reference, "--ca-bundle", bundle, "--max-examples", "2"]
    done = run_cli(args, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]


def test_aws_ca_bundle_is_honoured(
    https_reference: str, certificates: Path, tmp_path: Path
) -> None:
    args = ["cleanup", "--endpoint-url", https_reference, "--dry-run"]
    untrusted = run_cli(args, tmp_path)
    assert untrusted.returncode == 2
    assert "TLS failure" in error_line(untrusted.stderr)
    env = clean_env(AWS_CA_BUNDLE=str(certificates / "ca.pem"))
    trusted = run_cli(args, tmp_path, env=env)
    assert trusted.returncode == 0, trusted.stderr[-2000:]


def test_a_missing_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    args = ["run", "--endpoint-url", "https://127.0.0.1:1", "--ca-bundle", "absent.pem"]
    done = run_cli(args, tmp_path)
    assert "--ca-bundle 'absent.pem' is not a file" in error_line(done.stderr)
