"""The `schemas` command: generate is reproducible, check is the drift gate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.contract.schemas import schema_root

COMMITTED = Path(str(schema_root()))


def test_check_passes_on_committed_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "check", "--dir", str(COMMITTED)]) == 0
    assert "match" in capsys.readouterr().out


@pytest.fixture
def copy_of_schemas(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    shutil.copytree(COMMITTED, target)
    return target


def test_check_fails_with_diff_when_tampered(
    copy_of_schemas: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = copy_of_schemas / "SearchUsers.request.json"
    victim.write_text(victim.read_text().replace('"maxLength": 255', '"maxLength": 256'))
    assert main(["schemas", "check", "--dir", str(copy_of_schemas)]) == 1
    out = capsys.readouterr().out
    assert "--- " in out and "+++ " in out
    assert '-      "maxLength": 256,' in out
    assert '+      "maxLength": 255,' in out


def test_check_flags_missing_and_extra_files(
    copy_of_schemas: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (copy_of_schemas / "error.json").unlink()
    (copy_of_schemas / "Stale.request.json").write_text("{}\n")
    assert main(["schemas", "check", "--dir", str(copy_of_schemas)]) == 1
    out = capsys.readouterr().out
    assert "error.json" in out and "Stale.request.json" in out


def test_generate_repairs_and_is_byte_identical(copy_of_schemas: Path) -> None:
    (copy_of_schemas / "error.json").write_text("{}")
    assert main(["schemas", "generate", "--dir", str(copy_of_schemas)]) == 0
    for original in COMMITTED.glob("*.json"):
        assert (copy_of_schemas / original.name).read_bytes() == original.read_bytes()
    assert main(["schemas", "check", "--dir", str(copy_of_schemas)]) == 0


def test_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schemas", "check", "--dir", str(tmp_path / "nope")]) == 4
    assert "error:" in capsys.readouterr().err
