"""The README's rule catalog is generated from the code; this keeps the two from drifting.

Regenerate with: `.venv/bin/python -m tests.test_readme`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from conformance.reports import render_catalog
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


if __name__ == "__main__":
    README.write_text(rendered(README.read_text()))
