"""Reproductions reproduce: a failing seeded run with --keep-collection leaves its collection, and
each failure's boto3 snippet, run as printed in a fresh interpreter against the same target,
shows the failure; the printed cleanup line then deletes the collection."""

from __future__ import annotations

import ast
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from conformance.config import COLLECTION_PREFIX
from tests.engine.conftest import cli_env, collections, run_cli
from tests.serving import running_serve


def _kwargs_of(snippet: str) -> dict[str, Any]:
    for node in ast.walk(ast.parse(snippet)):
        if isinstance(node, ast.Call) and node.keywords and node.keywords[0].arg is None:
            value: dict[str, Any] = ast.literal_eval(node.keywords[0].value)
            return value
    raise AssertionError("no **kwargs call in the snippet")


def test_a_kept_collection_lets_the_printed_boto3_snippet_show_the_failure(
    tmp_path: Path,
) -> None:
    popen = {"stderr": subprocess.DEVNULL, "env": cli_env(), "cwd": tmp_path}
    with running_serve("--fault", "ignore-max-users", **popen) as (_, url):
        reports = tmp_path / "reports"
        argv = ["run", "--endpoint-url", url, "--keep-collection", "--max-examples", "3"]
        done = run_cli([*argv, "--report-dir", str(reports)], tmp_path)
        assert done.returncode == 1, done.stderr
        kept = [c for c in collections(url) if c.startswith(COLLECTION_PREFIX)]
        assert len(kept) == 1

        report = json.loads((reports / "report.json").read_text())
        rule = next(r for r in report["rules"] if r["id"] == "results.max-users")
        assert rule["status"] == "fail"
        snippet = next(
            repro["boto3"]
            for violation in rule["violations"]
            for repro in violation["reproductions"]
            if repro["boto3"]
        )
        assert kept[0] in snippet and "aws_access_key_id='testing'" in snippet
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
        shown = subprocess.run(
            [sys.executable, "-c", snippet], capture_output=True, text=True, env=env, timeout=60
        )
        assert shown.returncode == 0, shown.stderr
        answer = ast.literal_eval(shown.stdout.strip())
        assert len(answer["UserMatches"]) > _kwargs_of(snippet)["MaxUsers"]  # the failure

        line = next(x for x in done.stderr.splitlines() if f"kept collection {kept[0]}" in x)
        command = shlex.split(line.split("`")[1])
        assert command[:2] == ["searchusers-conformance", "cleanup"]
        cleaned = run_cli(command[1:], tmp_path)
        assert cleaned.returncode == 0, cleaned.stderr
        assert [c for c in collections(url) if c.startswith(COLLECTION_PREFIX)] == []


def test_keep_collection_is_refused_where_nothing_could_be_kept(tmp_path: Path) -> None:
    done = run_cli(["run", "--keep-collection"], tmp_path)  # the embedded reference
    assert done.returncode == 4
    assert "--keep-collection" in done.stderr.strip().splitlines()[-1]
