"""Targets lacking operations: the cause comes first, dependents are "not verified", exit 2.

Every target here is a real HTTP server on loopback (`ScriptedServer`): either a proxy in front
of the reference that answers some operations the way an emulator lacking them does (moto's
HTTP 500 `text/html`, an `UnknownOperationException`, a 501), or nothing but such answers.
What reached the server is read server-side, so "not sent" is proven, not assumed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance import availability
from conformance.cli import main
from conformance.config import RunConfig
from conformance.engine import run
from conformance.errors import EXIT_UNVERIFIED
from tests.safety.conftest import HANG_UP, Reply, ScriptedServer, aws_error, error_line

FAST = ["--max-examples", "2"]
MOTO_PAGE = (
    b"<!doctype html>\n<html lang=en><title>500 Internal Server Error</title>\n"
    b"<h1>Internal Server Error</h1><p>The server encountered an internal error.</p>"
)


def moto_500() -> Reply:
    return Reply(500, MOTO_PAGE, {"Content-Type": "text/html; charset=utf-8"})


def lacking(*operations: str, reply: Callable[[], Reply] = moto_500) -> Any:
    """A script: these operations answer as if absent, the rest go to the reference."""
    return lambda operation, body: reply() if operation in operations else None


pytestmark = pytest.mark.usefixtures("isolated")


def first_lines(text: str, count: int) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()][:count]


def test_missing_search_users_is_the_first_line_and_nothing_fails(
    scripted: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted.script = lacking("SearchUsers")
    reports = tmp_path / "reports"
    argv = ["run", "--endpoint-url", scripted.url, "--report-dir", str(reports), *FAST]
    assert main(argv) == EXIT_UNVERIFIED
    out, err = capsys.readouterr()
    cause = "SearchUsers is not implemented by this target (1/1 answers: HTTP 500 text/html)"
    assert first_lines(out, 1) == [cause]
    assert f"warning: {cause}" in err
    assert err.index(cause) < err.index("phase seed")  # said before seeding spends anything
    assert " ".join(out.split()).endswith(f"verdict: not verified: {cause}")
    # the probe, retried once as any server error is; after it no SearchUsers was sent
    assert scripted.operations()["SearchUsers"] == 2

    report = json.loads((reports / "report.json").read_text())
    assert report["exit_code"] == EXIT_UNVERIFIED
    assert [gap["message"] for gap in report["unavailable"]] == [cause]
    assert not [r["id"] for r in report["rules"] if r["status"] == "fail"]
    searching = [r for r in report["rules"] if r["family"] != "stateful"]
    assert {(r["status"], r["reason"]) for r in searching if r["checked"] == 0} == {
        ("not verified", "SearchUsers unavailable")
    }
    assert first_lines((reports / "report.md").read_text(), 2)[1] == f"**{cause}**"
    # one number of requests everywhere: stderr, stdout, report.json and what the server got
    total = report["stats"]["total"]
    assert total == sum(scripted.operations().values())
    assert f"sent {total} requests (" in err
    assert f"requests: {total} (" in out
    assert sum(report["stats"]["phases"].values()) == total
    # the searching phases sent nothing, and the summary sets that beside their planned share
    assert "boundary" not in report["stats"]["phases"]
    assert report["stats"]["planned_phases"]["boundary"] > 0
    assert "boundary 0/" in " ".join(out.split())
    suite = ET.parse(reports / "junit.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["unavailable"] == cause
    assert suite.get("failures") == "0"


@pytest.mark.parametrize(
    ("reply", "shape"),
    [
        (lambda: aws_error("UnknownOperationException"), "HTTP 400 UnknownOperationException"),
        (
            lambda: aws_error("InternalFailure", 501, "API action not yet implemented"),
            "HTTP 501 InternalFailure",
        ),
        (lambda: Reply(404, b"Not Found", {"Content-Type": "text/plain"}), "HTTP 404 text/plain"),
    ],
    ids=["unknown-operation", "localstack-501", "route-404"],
)
def test_other_shapes_of_a_missing_search_users(
    scripted: ScriptedServer,
    reply: Callable[[], Reply],
    shape: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    scripted.script = lacking("SearchUsers", reply=reply)
    assert main(["run", "--endpoint-url", scripted.url, *FAST]) == EXIT_UNVERIFIED
    out = capsys.readouterr().out
    assert first_lines(out, 1) == [
        f"SearchUsers is not implemented by this target (1/1 answers: {shape})"
    ]


def test_every_missing_operation_is_named_in_one_run_in_implementation_order(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """ListFaces missing means no collection can be judged: the run stops before seeding,
    having probed everything, and CreateCollection is tried once and undone."""
    scripted.script = lacking("DeleteFaces", "SearchUsers", "ListFaces", "AssociateFaces")
    assert main(["run", "--endpoint-url", scripted.url, *FAST]) == EXIT_UNVERIFIED
    err = capsys.readouterr().err
    line = error_line(err)
    assert (
        "does not implement 4 operations the run needs (in the order to implement them): "
        "AssociateFaces, ListFaces, SearchUsers, DeleteFaces "
        "(every answer: HTTP 500 text/html);" in line
    ), line
    assert "without AssociateFaces, ListFaces the run cannot set up" in line
    sent = scripted.operations()
    assert sent["CreateCollection"] == 1 and sent["IndexFaces"] == 1  # probes, nothing seeded
    assert sent["DeleteCollection"] == 2  # its probe, then the undo of the CreateCollection probe
    assert collections_left(scripted) == []


def test_an_emulator_lacking_everything_gets_the_whole_list_and_no_collection(
    bare: ScriptedServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bare.script = lambda operation, body: moto_500()
    reports = tmp_path / "reports"
    argv = ["run", "--endpoint-url", bare.url, "--report-dir", str(reports), *FAST]
    assert main(argv) == EXIT_UNVERIFIED
    err = capsys.readouterr().err
    line = error_line(err)
    expected = [op for op in availability.IMPLEMENTATION_ORDER if op != "CreateCollection"]
    assert f"the run needs (in the order to implement them): {', '.join(expected)}" in line
    assert "CreateCollection was not tried" in line  # DeleteCollection could not undo it
    assert "CreateCollection" not in bare.seen
    assert sorted(bare.operations().values()) == [2] * len(expected)  # one probe (+ one retry)
    # the run could not start, yet its reports count (and keep) the probes it paid for
    total = sum(bare.operations().values())
    report = json.loads((reports / "report.json").read_text())
    assert report["start_error"] == line.split("error: ", 1)[1]
    assert report["stats"]["total"] == total
    assert report["stats"]["phases"] == {"availability": total}
    assert f"sent {total} requests (" in err
    assert f"- requests: {total} (" in (reports / "report.md").read_text()


def test_a_typed_internal_error_is_an_implemented_operation(scripted: ScriptedServer) -> None:
    """A correct implementation having a bad moment: its probe answer (and the retry) is a
    typed AWS error, so SearchUsers is judged as usual, not declared missing."""
    answered: list[int] = []

    def flaky(operation: str | None, body: Any) -> Reply | None:
        if operation != "SearchUsers":
            return None
        answered.append(1)
        if len(answered) > 2:
            return None
        error = aws_error("InternalServerError", 500)
        return Reply(error.status, error.body, {**error.headers, "x-amzn-RequestId": "r-500"})

    scripted.script = flaky
    result = run(RunConfig(endpoint_url=scripted.url, max_examples=2, examples_dir=None))
    assert result.unavailable == []
    assert "not implemented" not in (result.unverified_reason or "")
    assert scripted.operations()["SearchUsers"] > 20  # every phase searched
    # whatever a rule makes of the 500 itself, it is about that answer, not a cascade
    cited = {e.index for v in result.failing() for f in v.violations for e in f.exchanges}
    five_hundreds = {e.index for e in result.exchanges if e.status == 500}
    assert cited <= five_hundreds


def collections_left(server: ScriptedServer) -> list[str]:
    assert server.backend is not None
    from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings

    transport = Transport(TransportSettings(server.backend), LOOPBACK_CREDENTIALS)
    try:
        body = transport.call("ListCollections", {}).json
    finally:
        transport.close()
    return list(body.get("CollectionIds") or [])


def test_an_operation_hung_up_on_every_call_is_named_unimplemented(
    scripted: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A proxy that resets the connection on SearchUsers and forwards the rest: the run names
    SearchUsers missing first, instead of ending with "cannot reach" at the first search."""
    scripted.script = lacking("SearchUsers", reply=lambda: HANG_UP)
    reports = tmp_path / "reports"
    argv = ["run", "--endpoint-url", scripted.url, "--report-dir", str(reports), *FAST]
    assert main(argv) == EXIT_UNVERIFIED
    out, err = capsys.readouterr()
    cause = (
        "SearchUsers is not implemented by this target "
        "(2/2 calls: connection closed without an answer)"
    )
    assert first_lines(out, 1) == [cause]
    assert "cannot reach" not in out + err
    assert scripted.operations()["SearchUsers"] == 2  # the probe and its one retry, no more
    report = json.loads((reports / "report.json").read_text())
    assert [gap["message"] for gap in report["unavailable"]] == [cause]
    assert not [r["id"] for r in report["rules"] if r["status"] == "fail"]
    searching = [r for r in report["rules"] if r["family"] != "stateful" and r["checked"] == 0]
    assert {r["reason"] for r in searching} == {"SearchUsers unavailable"}
    assert collections_left(scripted) == []


def test_a_target_hanging_up_on_everything_is_unreachable(
    bare: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    bare.script = lambda operation, body: HANG_UP
    assert main(["run", "--endpoint-url", bare.url, *FAST]) == EXIT_UNVERIFIED
    line = error_line(capsys.readouterr().err)
    assert "cannot reach" in line and "on every call" in line, line
    assert "not implemented" not in line
    assert "CreateCollection" not in bare.seen  # nothing was created to be left behind


def test_one_hang_up_then_answers_is_not_a_missing_operation(scripted: ScriptedServer) -> None:
    """A dropped keep-alive or a restart: the probe's second try is answered, so SearchUsers is
    judged as usual."""
    calls: list[int] = []

    def once(operation: str | None, body: Any) -> Reply | None:
        if operation != "SearchUsers":
            return None
        calls.append(1)
        return HANG_UP if len(calls) == 1 else None

    scripted.script = once
    result = run(RunConfig(endpoint_url=scripted.url, max_examples=2, examples_dir=None))
    assert result.unavailable == []
    assert result.unverified_reason is None
    assert scripted.operations()["SearchUsers"] > 20
