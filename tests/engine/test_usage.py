"""What CI and a person at a terminal get from the command line itself: exit codes that tell a
misconfigured step (4) from an unverifiable target (2), the usage of the command they mistyped,
help on every option, and no traceback when a pipe closes early."""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

import pytest

from conformance.cli import build_parser, main, parsers
from conformance.errors import EXIT_CODES, EXIT_USAGE
from tests.engine.conftest import CLI, cli_env, run_cli

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--max-requests", "ten"],  # a bad number
        ["run", "--endpoint-url", "http://127.0.0.1:9", "--aws"],  # conflicting flags
        ["run", "--faces", "/nonexistent/faces"],  # an unreadable --faces
        ["run", "--max-requets", "10"],  # an unknown option
        ["run", "--operations", "SearchFaces"],  # not a search the gate judges
        ["cleanup", "--older-than", "soon", "--endpoint-url", "http://127.0.0.1:9"],
    ],
)
def test_usage_errors_exit_4_not_2(argv: list[str], tmp_path: Path) -> None:
    done = run_cli(argv, tmp_path)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing ran, nothing was written


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["run", "--max-requets", "10"], "run"),
        (["cleanup", "--endpoint-url", "http://x", "--dryrun"], "cleanup"),
        (["serve", "--prot", "8080"], "serve"),
        (["cassettes", "lint", "cassettes", "--strcit"], "cassettes lint"),
    ],
)
def test_a_typo_prints_the_usage_of_the_command_it_was_given_to(
    argv: list[str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = argv[1] if command == "run" or command == "serve" else argv[-1]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"usage: searchusers-conformance {command} "), err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"searchusers-conformance {command}: error: unrecognized arguments: ")
    assert typo in last


def test_every_option_of_every_command_has_help() -> None:
    undocumented = [
        f"{parser.prog} {action.option_strings or action.dest}"
        for parser in parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not (action.help or "").strip()
    ]
    assert undocumented == []


def test_run_help_speaks_to_users_and_lists_the_exit_codes() -> None:
    run = next(p for p in parsers(build_parser()) if p.prog == "searchusers-conformance run")
    text = run.format_help()
    assert "argparse" not in text and "`searchusers-conformance run`" not in text
    for code, meaning in EXIT_CODES:
        assert f"  {code}  {meaning}" in text


def test_readme_documents_the_exit_codes() -> None:
    text = README.read_text()
    for code, meaning in EXIT_CODES:
        assert f"| {code} | {meaning.split(' (')[0]}" in text, code


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`serve --list-faults | head`: the reader left, which is no error worth a traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line, every time
    try:
        done = subprocess.run(
            [*CLI, "serve", "--list-faults"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            cwd=tmp_path,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141  # what a shell reports for SIGPIPE
