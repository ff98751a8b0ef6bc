"""Every kind of bad input ends with one line naming the problem and the right exit code.

A target that cannot be judged (unreachable, not speaking JSON, refusing our credentials) is
"not verified" (exit 2), never "violations"; a target that was set up fine and then answers
SearchUsers with something that is not the contract *is* in violation (exit 1); options and
inputs that cannot work (a missing folder, conflicting flags, an unknown collection) are usage
errors (exit 4).
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.reference import faces
from tests.safety.conftest import Reply, ScriptedServer, aws_error, error_line, html

FAST = ["--max-examples", "2", "--settle", "0.5"]
"""The scripted servers forward to the reference, which shows its writes at once: a longer wait
only runs out where a broken answer (a denied or unparsable search) never shows them."""
USAGE = 4
PREFIX = "searchusers-conformance: error: "


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the hypothesis example database lands here
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def fails(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 2) -> str:
    assert main(argv) == code
    line = error_line(capsys.readouterr().err)
    assert line.startswith(PREFIX), line
    return line[len(PREFIX) :]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    message = fails(["run", "--endpoint-url", f"http://127.0.0.1:{port}", *FAST], capsys)
    assert message.startswith(f"cannot reach http://127.0.0.1:{port}"), message
    assert "refused" in message


def test_unknown_host(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    message = fails(["run", "--endpoint-url", "http://su-conformance.invalid", *FAST], capsys)
    assert "su-conformance.invalid" in message and "unknown host" in message, message


def test_tls_to_a_plain_http_server(
    bare: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = bare.url.replace("http://", "https://")
    message = fails(["run", "--endpoint-url", url, *FAST], capsys)
    assert message.startswith(f"TLS failure talking to {url}"), message


def test_html_502_everywhere(bare: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    bare.script = lambda op, body: html(502)
    message = fails(["run", "--endpoint-url", bare.url, *FAST], capsys)
    assert "CreateCollection answered HTTP 502" in message, message
    assert "Bad Gateway" in message  # a body excerpt says what answered instead


def test_html_502_read_only(bare: ScriptedServer, capsys: pytest.CaptureFixture[str]) -> None:
    bare.script = lambda op, body: html(502)
    argv = ["run", "--endpoint-url", bare.url, "--collection-id", "c", "--read-only"]
    message = fails(argv, capsys)
    assert "DescribeCollection" in message and "HTTP 502" in message and "Bad Gateway" in message


@pytest.mark.parametrize(
    ("reply", "named"),
    [
        (Reply(200, b'{"FaceRecords": [{"Face": {"FaceId": "1'), "not JSON"),
        (Reply(200, b"OK, indexed"), "not JSON"),
        (Reply(200, b""), "empty body"),
    ],
    ids=["truncated-json", "non-json", "empty-body"],
)
def test_seeding_answers_that_are_not_json(
    scripted: ScriptedServer, reply: Reply, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted.script = lambda op, body: reply if op == "IndexFaces" else None
    message = fails(["run", "--endpoint-url", scripted.url, *FAST], capsys)
    assert message.startswith("seeding failed: IndexFaces answered HTTP 200"), message
    assert named in message


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b'{"UserMatches": [{"Similarity": 9'),
        Reply(200, b"<html>matches</html>", {"Content-Type": "text/html"}),
        Reply(200, b""),
    ],
    ids=["truncated-json", "non-json", "empty-body"],
)
def test_search_answers_that_are_not_json_are_violations(
    scripted: ScriptedServer, reply: Reply, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted.script = lambda op, body: reply if op == "SearchUsers" else None
    assert main(["run", "--endpoint-url", scripted.url, *FAST]) == 1
    out = capsys.readouterr().out
    assert "FAILED: response.json-body" in out and re.search(r"verdict: \d+ violation", out)


@pytest.mark.parametrize("content_type", [None, "text/plain"], ids=["missing", "wrong"])
def test_content_type_missing_or_wrong_is_a_violation(
    scripted: ScriptedServer, content_type: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    def rewrite(op: str | None, reply: Reply) -> Reply:
        if op != "SearchUsers":
            return reply
        headers = {k: v for k, v in reply.headers.items() if k.lower() != "content-type"}
        if content_type:
            headers["Content-Type"] = content_type
        return Reply(reply.status, reply.body, headers)

    scripted.rewrite = rewrite
    assert main(["run", "--endpoint-url", scripted.url, *FAST]) == 1
    out = capsys.readouterr().out
    assert "FAILED: response.content-type" in out and re.search(r"verdict: \d+ violation", out)


@pytest.mark.parametrize(
    "kind", ["AccessDeniedException", "InvalidSignatureException", "ExpiredTokenException"]
)
def test_credentials_refused_on_every_call(
    bare: ScriptedServer, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bare.script = lambda op, body: aws_error(kind, 403 if kind != "AccessDeniedException" else 400)
    message = fails(["run", "--endpoint-url", bare.url, *FAST], capsys)
    assert "CreateCollection answered HTTP" in message and kind in message, message
    assert "credentials" in message


def test_credentials_refused_read_only(
    bare: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    bare.script = lambda op, body: aws_error("AccessDeniedException")
    argv = ["run", "--endpoint-url", bare.url, "--collection-id", "c", "--read-only"]
    message = fails(argv, capsys)
    assert "DescribeCollection" in message and "AccessDeniedException" in message, message


def test_search_denied_after_a_successful_setup_is_not_verified(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """An IAM policy without rekognition:SearchUsers says nothing about the implementation."""
    scripted.script = lambda op, body: (
        aws_error("AccessDeniedException") if op == "SearchUsers" else None
    )
    assert main(["run", "--endpoint-url", scripted.url, *FAST]) == 2
    out = capsys.readouterr().out
    assert "not verified" in out and "AccessDeniedException" in out


def test_unknown_collection_read_only(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "--endpoint-url", scripted.url, "--collection-id", "nobody", "--read-only"]
    message = fails(argv, capsys, USAGE)
    assert message == "collection 'nobody' does not exist on the target"


@pytest.mark.parametrize("with_user", [False, True], ids=["no-users", "no-faces"])
def test_empty_collection_read_only(
    scripted: ScriptedServer, with_user: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.engine.conftest import loopback_transport

    transport = loopback_transport(scripted.url)
    transport.call("CreateCollection", {"CollectionId": "empty"})
    if with_user:
        transport.call("CreateUser", {"CollectionId": "empty", "UserId": "alone"})
    transport.close()
    argv = ["run", "--endpoint-url", scripted.url, "--collection-id", "empty", "--read-only"]
    message = fails(argv, capsys)
    assert (
        message
        == f"collection 'empty' has {'no faces' if with_user else 'no users'}: nothing to verify"
    )


def test_faces_folder_without_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "faces" / "alice").mkdir(parents=True)
    (tmp_path / "faces" / "alice" / "notes.txt").write_text("no photo here")
    message = fails(["run", "--faces", str(tmp_path / "faces")], capsys, USAGE)
    assert "no .png/.jpg images" in message


def test_faces_folder_that_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = fails(["run", "--faces", str(tmp_path / "nowhere")], capsys, USAGE)
    assert "not a directory" in message


def test_images_without_faces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "faces" / "ghost").mkdir(parents=True)
    (tmp_path / "faces" / "ghost" / "blank.png").write_bytes(faces.blank_image())
    message = fails(["run", "--faces", str(tmp_path / "faces")], capsys)
    assert message.startswith("IndexFaces indexed no face")


def test_unwritable_report_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    message = fails(["run", "--report-dir", str(tmp_path / "file" / "reports")], capsys, USAGE)
    assert message.startswith("cannot create report folder")


def test_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", "--no-such-option"])
    assert exited.value.code == USAGE
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert "Traceback" not in err, err
    assert lines[0].startswith("usage: searchusers-conformance run ")  # run's usage, not the top's
    assert (
        lines[-1] == "searchusers-conformance run: error: unrecognized arguments: --no-such-option"
    )


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--endpoint-url", "http://127.0.0.1:9", "--aws"], "--aws"),
        (["--cassette", "x.yaml", "--read-only", "--collection-id", "c"], "--cassette"),
        (["--collection-id", "c"], "--collection-id"),
        (["--faces", "d", "--collection-id", "c", "--read-only", "--aws"], "--faces"),
    ],
)
def test_conflicting_options(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert named in fails(["run", *argv], capsys, USAGE)


def test_corrupt_cassette(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cassette = tmp_path / "cut.yaml"
    cassette.write_text("interactions:\n- request:\n    body: '{\"Coll\n    headers: {X-Amz-")
    message = fails(["run", "--cassette", str(cassette)], capsys)
    assert str(cassette) in message
