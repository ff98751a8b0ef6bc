"""A 1 KB "billion laughs" cassette is refused in one line, by every command that reads one.

Before the bound, `cassettes lint` walked the aliases' expansion forever and `run --cassette`
and `show` grew by tens of MB a second turning the expanded body into text. Each command runs as
a real process; the subprocess timeout only stops a regression from hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import vcr
import yaml

from conformance.recording import bounded_yaml, configure

CLI = [sys.executable, "-m", "conformance"]


def bomb_text() -> str:
    """A valid vcrpy cassette whose response body is nine levels of nine aliases each (9**9,
    about 387 million strings once expanded) -- about 1 KB on disk."""
    levels = "\n".join(
        f"        - &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]" for level in range(1, 10)
    )
    return f"""interactions:
- request:
    body: '{{"CollectionId": "c", "UserId": "u"}}'
    headers:
      X-Amz-Target: [RekognitionService.SearchUsers]
    method: POST
    uri: http://127.0.0.1:1/
  response:
    body:
      string:
        - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]
{levels}
    headers: {{}}
    status: {{code: 200, message: OK}}
version: 1
"""


@pytest.fixture
def bomb(tmp_path: Path) -> Path:
    path = tmp_path / "laughs.yaml"
    path.write_text(bomb_text())
    assert path.stat().st_size < 1200
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["cassettes", "lint"],
        ["cassettes", "show"],
        ["run", "--cassette"],
        ["parity", "--cassette"],
    ],
    ids=lambda c: " ".join(c),
)
def test_bomb_is_refused_in_one_line(bomb: Path, tmp_path: Path, command: list[str]) -> None:
    done = subprocess.run(
        [*CLI, *command, str(bomb)], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"{bomb}: its aliases expand" in lines[0], lines[0]
    assert "refused" in lines[0]


def test_vcrpy_replay_refuses_the_bomb(bomb: Path) -> None:
    """`@pytest.mark.vcr` tests load cassettes through vcrpy's serializer, which we replace."""
    recorder = configure(vcr.VCR(record_mode="none"))
    with pytest.raises(bounded_yaml.AliasBomb), recorder.use_cassette(str(bomb)):
        pass


def test_a_few_aliases_still_load() -> None:
    """PyYAML's dumper writes `&id001` for an object met twice: such cassettes keep loading."""
    shared = ["application/x-amz-json-1.1"]
    text = yaml.dump({"a": {"h": shared}, "b": {"h": shared}, "version": 1})
    assert "&id001" in text
    assert bounded_yaml.load(text, yaml.SafeLoader)["b"]["h"] == shared


def test_self_referring_alias_is_refused() -> None:
    with pytest.raises(bounded_yaml.AliasBomb, match="refers to itself"):
        bounded_yaml.load("a: &a [1, *a]\n", yaml.SafeLoader)
