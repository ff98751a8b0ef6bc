"""Installed, the plugins load in every pytest run of the environment; in a project that does not
use them they must cost nothing measurable: importing them loads no other module of ours and
nothing pytest had not loaded, and collecting a plain project loads nothing more.
(benchmarks/collection.py prints the timings.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
import pytest
before = set(sys.modules)
import conformance.plugin, conformance.plugin.vcr
imported = sorted(set(sys.modules) - before)
code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider"])
ours = sorted(m for m in sys.modules if m.split(".")[0] == "conformance")
print(json.dumps({"imported": imported, "after_collection": ours, "code": int(code)}))
"""


def test_plugins_load_nothing_in_a_project_that_does_not_use_them(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_plain.py").write_text("def test_one():\n    assert 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    plugins = ["conformance", "conformance.plugin", "conformance.plugin.vcr"]
    assert found["imported"] == plugins
    assert found["after_collection"] == plugins and found["code"] == 0
