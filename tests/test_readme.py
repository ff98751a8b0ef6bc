"""The README's rule catalog is generated from the code; this keeps the two from drifting.
Its Python examples run here as written, in a fresh interpreter outside the repository.

Regenerate with: `.venv/bin/python -m tests.test_readme`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reporting.markdown import render_catalog
from conformance.rules import catalog

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- catalog:start -->", "<!-- catalog:end -->"


def rendered(text: str) -> str:
    block = f"{START}\n{render_catalog(catalog()).rstrip()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)


def test_readme_catalog_is_current() -> None:
    text = README.read_text()
    assert rendered(text) == text, (
        "README catalog is stale: run .venv/bin/python -m tests.test_readme"
    )


def test_readme_opens_with_exactly_the_two_commands() -> None:
    text = README.read_text()
    head = text.split("## Who it is for")[0]
    commands = re.findall(r"```sh\n(.*?)\n```", head, flags=re.S)
    assert len(commands) == 2
    assert commands[0].endswith("searchusers-conformance run")
    ci = (README.parent / ".ci" / "run").read_text()
    assert commands[1] in ci, ".ci/run must call the README's test command"
    assert all(shlex.split(c) for c in commands)


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


BLOCKS = python_blocks(README.read_text())


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_readme_python_block_runs_as_written(block: str, tmp_path: Path) -> None:
    """A block defining tests is a user's test file, run by pytest with the plugin and its
    defaults (the embedded reference); any other block is a script."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if "def test_" in block:
        (tmp_path / "pytest.ini").write_text("[pytest]\n")
        (tmp_path / "test_example.py").write_text(block)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"]
    else:
        command = [sys.executable, "-c", block]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    if "def test_" in block:
        ran = len(re.findall(r"^def test_", block, flags=re.M))
        assert re.search(rf"\b{ran} passed\b", done.stdout) and "skipped" not in done.stdout


if __name__ == "__main__":
    README.write_text(rendered(README.read_text()))
