from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.plugin.settings import SETTINGS

CONFIG_PROBE = """
import json
from pathlib import Path

def test_probe(searchusers_config):
    c = searchusers_config
    Path("probe.json").write_text(json.dumps({
        "endpoint_url": c.endpoint_url, "region": c.region, "seed": c.seed,
        "max_requests": c.max_requests, "rps": c.rps, "strict": c.strict,
        "read_only": c.read_only, "collection_id": c.collection_id,
        "report_dir": str(c.report_dir), "faults": list(c.faults),
        "max_examples": c.max_examples, "examples_dir": str(c.examples_dir),
        "operations": list(c.operations),
    }))
"""


def _probe(pytester: pytest.Pytester, *args: str) -> dict[str, object]:
    import json

    pytester.makepyfile(test_probe=CONFIG_PROBE)
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    data: dict[str, object] = json.loads((pytester.path / "probe.json").read_text())
    return data


def test_every_setting_is_an_option_and_an_ini_key(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest("--help").stdout.str()
    for setting in SETTINGS:
        assert setting.option in out
        assert setting.ini in out


def test_defaults_match_run_config(pytester: pytest.Pytester) -> None:
    data = _probe(pytester)
    assert data["endpoint_url"] is None and data["region"] == "us-east-1"
    assert data["max_requests"] == 300 and data["strict"] is False


def test_command_line_options_build_the_config(pytester: pytest.Pytester) -> None:
    data = _probe(
        pytester,
        "--su-endpoint-url=http://emu:4566",
        "--su-region=eu-west-1",
        "--su-seed=7",
        "--su-max-requests=none",
        "--su-rps=2.5",
        "--su-strict",
        "--su-read-only",
        "--su-collection-id=existing",
        "--su-report-dir=out",
    )
    assert data["endpoint_url"] == "http://emu:4566" and data["region"] == "eu-west-1"
    assert data["seed"] == 7 and data["max_requests"] is None and data["rps"] == 2.5
    assert data["strict"] is True and data["read_only"] is True
    assert data["collection_id"] == "existing"
    assert data["report_dir"] == str(pytester.path / "out")


def test_ini_keys_build_the_config_and_options_override_them(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nsu_region = ap-south-1\nsu_seed = 3\nsu_strict = true\n"
        "su_faults = slow, wrong-order\nsu_max_examples = 5\n"
    )
    data = _probe(pytester, "--su-seed=11")
    assert data["region"] == "ap-south-1" and data["strict"] is True
    assert data["seed"] == 11  # the command line wins
    assert data["faults"] == ["slow", "wrong-order"] and data["max_examples"] == 5


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--su-max-requests=lots"], "--su-max-requests / su_max_requests"),
        (["--su-rps=fast"], "--su-rps / su_rps"),
        (["--su-read-only"], "--read-only needs --collection-id"),
        (["--su-aws", "--su-endpoint-url=http://x"], "alternatives"),
    ],
)
def test_bad_settings_are_one_line_usage_errors(
    pytester: pytest.Pytester, args: list[str], fragment: str
) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1 and fragment in errors[0]
    assert "Traceback" not in result.stderr.str()


def test_disabling_the_gate_leaves_the_vcr_plugin_working(pytester: pytest.Pytester) -> None:
    """Both plugins live in one package, and importing `conformance.plugin.vcr` imports the
    gate's module too: pytest must still register it only under its own entry point name."""
    import importlib.metadata

    names = {e.name for e in importlib.metadata.entry_points(group="pytest11")}
    if "searchusers_conformance_vcr" not in names:
        pytest.skip("the package's entry points are not installed")
    out = pytester.runpytest("-p", "no:searchusers_conformance", "--help").stdout.str()
    assert "--su-endpoint-url" not in out and "su_endpoint_url" not in out
    assert "su_vcr_targets" in out
    both = pytester.runpytest("--help").stdout.str()
    assert "--su-endpoint-url" in both and "su_vcr_targets" in both


def test_bad_ini_flag_value(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsu_strict = maybe\n")
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "su_strict" in result.stderr.str()


def test_importing_the_plugin_stays_cheap() -> None:
    """Loaded by every pytest run: it must not drag in boto3, rich or the engine."""
    code = (
        "import sys, conformance.plugin\n"
        "heavy = ('boto3', 'botocore', 'rich', 'hypothesis', 'conformance.engine',"
        " 'conformance.reference', 'conformance.rules')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert out.stdout.strip() == "[]"


def test_the_state_dir_holds_the_example_database(pytester: pytest.Pytester) -> None:
    """--su-state-dir moves what a run keeps out of the project's working tree."""
    data = _probe(pytester, "--su-state-dir=elsewhere/state")
    assert data["examples_dir"] == str(pytester.path / "elsewhere" / "state" / "examples")
    assert _probe(pytester)["examples_dir"] == str(Path(".conformance") / "examples")


def test_operations_select_the_searches_as_the_cli_does(pytester: pytest.Pytester) -> None:
    assert _probe(pytester)["operations"] == ["SearchUsers", "SearchUsersByImage"]
    only_image = _probe(pytester, "--su-operations=SearchUsersByImage")
    assert only_image["operations"] == ["SearchUsersByImage"]
    pytester.makeini("[pytest]\nsu_operations = SearchUsersByImage, SearchUsers\n")
    assert _probe(pytester)["operations"] == ["SearchUsers", "SearchUsersByImage"]
    result = pytester.runpytest("-p", "no:cacheprovider", "--su-operations=SearchFaces")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--su-operations / su_operations: 'SearchFaces': name one or both of" in (
        result.stderr.str()
    )
