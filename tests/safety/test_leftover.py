"""The leftover-collection warning: only when a collection may exist, and with the exact command
that deletes that collection now (plain `cleanup` keeps collections younger than an hour)."""

from __future__ import annotations

import shlex

import pytest

from conformance.cli import main
from conformance.config import COLLECTION_PREFIX
from tests.engine.conftest import collections
from tests.safety.conftest import Reply, ScriptedServer, aws_error, closed_port_url

FAST = ["--max-examples", "2"]


pytestmark = pytest.mark.usefixtures("isolated")


def test_no_leftover_warning_when_nothing_was_reached(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--endpoint-url", closed_port_url(), *FAST]) == 2
    err = capsys.readouterr().err
    assert "cannot reach" in err
    assert "could not delete" not in err and "cleanup" not in err


def test_no_leftover_warning_when_create_collection_was_refused(
    bare: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    bare.script = lambda op, body: aws_error("AccessDeniedException", 400)
    assert main(["run", "--endpoint-url", bare.url, *FAST]) == 2
    err = capsys.readouterr().err
    assert "AccessDeniedException" in err
    assert "could not delete" not in err
    # nothing to delete, no teardown: the only DeleteCollection is the availability probe's,
    # of a collection that never existed
    deleted = [
        b["CollectionId"]
        for op, b in zip(bare.seen, bare.bodies, strict=True)
        if op == "DeleteCollection"
    ]
    assert all(c.startswith("su-conformance-missing-") for c in deleted), deleted


def test_leftover_warning_prints_the_command_that_deletes_it_now(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse_delete(op: str | None, body: object) -> Reply | None:
        return aws_error("InternalServerError", 500) if op == "DeleteCollection" else None

    scripted.script = refuse_delete
    main(["run", "--endpoint-url", scripted.url, *FAST])
    warning = next(
        line for line in capsys.readouterr().err.splitlines() if "could not delete" in line
    )
    left = [c for c in collections(scripted.url) if c.startswith(COLLECTION_PREFIX)]
    assert len(left) == 1 and left[0] in warning
    command = warning.split("`")[1]
    words = shlex.split(command)
    assert words[:2] == ["searchusers-conformance", "cleanup"]
    scripted.script = lambda op, body: None  # the target recovered
    assert main(words[1:]) == 0  # as printed, minutes (not an hour) after the run
    assert f"deleted {left[0]}" in capsys.readouterr().out
    assert [c for c in collections(scripted.url) if c.startswith(COLLECTION_PREFIX)] == []


def test_cleanup_by_id_refuses_a_collection_that_is_not_the_suites(
    scripted: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["cleanup", "--endpoint-url", scripted.url, "--collection-id", "customer-faces"]
    assert main(argv) == 4
    assert "only deletes su-conformance-*" in capsys.readouterr().err
    assert scripted.operations() == {}
