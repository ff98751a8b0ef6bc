"""What a run keeps for the next one lives in one folder the user chooses (`--state-dir`)."""

from __future__ import annotations

from pathlib import Path

from tests.engine.conftest import run_cli


def test_with_a_state_dir_nothing_is_written_to_the_working_directory(tmp_path: Path) -> None:
    cwd = tmp_path / "project"
    cwd.mkdir()
    state = tmp_path / "state"
    done = run_cli(
        ["run", "--state-dir", str(state), "--max-examples", "3", "--fault", "ignore-max-users"],
        cwd,
    )
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in cwd.iterdir()) == []  # no .hypothesis, no .conformance
    assert (state / "hypothesis").is_dir()  # hypothesis's own caches followed the option
