"""The built wheel works outside the repository: shipped cassettes by name, schemas checked.

A clone hides packaging mistakes (the top-level `cassettes/` and `schemas/` folders are right
there), so this builds the wheel with the project's own build backend, unpacks it into a folder
of its own (a pure-Python wheel's files are its installation) and runs it from another folder,
ahead of the editable checkout on the path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's files, unpacked: what `pip install` puts into site-packages."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_shipped_cassettes_are_package_data_reachable_by_name(
    installed: Path, tmp_path: Path
) -> None:
    probe = (
        "import conformance, conformance.cassettes as c\n"
        "print(conformance.__file__)\n"
        "print(c.path('aws-example-search-users'))\n"
        "print(','.join(c.names()))\n"
    )
    done = run(installed, tmp_path, "-c", probe)
    assert done.returncode == 0, done.stderr
    module, cassette, names = done.stdout.splitlines()
    assert Path(module).is_relative_to(installed)
    assert Path(cassette).is_relative_to(installed) and Path(cassette).is_file()
    shipped = {"aws-example-search-users", "reference-gate", "search-users-by-image/aws-example"}
    assert shipped <= set(names.split(","))
    shown = run(installed, tmp_path, "-m", "conformance", "cassettes", "show", "reference-gate")
    assert shown.returncode == 0, shown.stderr
    assert str(installed) in shown.stdout and "SearchUsers" in shown.stdout


def test_schemas_check_works_outside_the_repository(installed: Path, tmp_path: Path) -> None:
    done = run(installed, tmp_path, "-m", "conformance", "schemas", "check")
    assert done.returncode == 0, done.stderr
    assert "_schemas match botocore" in done.stdout
    missing = run(installed, tmp_path, "-m", "conformance", "schemas", "check", "--dir", "none")
    assert missing.returncode != 0
    assert missing.stdout == "" and len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr
