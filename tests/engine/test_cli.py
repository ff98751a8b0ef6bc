"""`searchusers-conformance run` as users call it: exit codes, one-line errors, the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.reference import faces
from tests.engine.conftest import person_folders, run_cli


def test_run_subprocess_conforms_and_prints_a_summary(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    done = run_cli(["run", "--max-examples", "10", "--report-dir", str(reports)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "verdict: conforms" in done.stdout
    assert "results.order" in done.stdout
    assert "Plan against embedded reference" in done.stderr
    assert "seed " in done.stderr
    assert sorted(p.name for p in reports.iterdir()) == ["junit.xml", "report.json", "report.md"]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--read-only"], "--read-only"),
        (["--collection-id", "c"], "--collection-id"),
        (["--endpoint-url", "http://x", "--aws"], "--aws"),
        (
            ["--endpoint-url", "http://x", "--collection-id", "c", "--read-only", "--faces", "d"],
            "--faces",
        ),
        (["--collection-id", "c", "--read-only"], "--read-only"),
        (["--endpoint-url", "ftp://x"], "--endpoint-url"),
        (["--seed", "abc"], "--seed"),
        (["--max-requests", "-1"], "--max-requests"),
        (["--rps", "0"], "--rps"),
        (["--max-examples", "-3"], "--max-examples"),
        (["--aws", "--fault", "unordered-results"], "--fault"),
        (["--fault", "no-such-fault"], "no-such-fault"),
    ],
)
def test_bad_options_exit_4_with_one_line(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *argv]) == 4
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert err.startswith("searchusers-conformance: error:") and named in err


def test_unwritable_report_dir_fails_before_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["run", "--report-dir", str(blocker / "reports")]) == 4
    captured = capsys.readouterr()
    assert "cannot create report folder" in captured.err
    assert "Plan against" not in captured.err


def test_budget_of_20_stops_not_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--max-requests", "20"]) == 2
    captured = capsys.readouterr()
    assert "not verified" in captured.out
    assert "request budget of 20 exhausted" in captured.out
    assert "requests: 20 " in captured.out  # the teardown's reserved request included


def test_unreachable_endpoint_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--endpoint-url", "http://127.0.0.1:9", "--max-examples", "0"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("searchusers-conformance: error: cannot reach http://127.0.0.1:9")


def test_faces_folder_seeds_and_conforms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    people = person_folders(tmp_path / "faces", people=4, images=3)
    assert main(["run", "--faces", str(people), "--max-examples", "5"]) == 0
    captured = capsys.readouterr()
    assert "verdict: conforms" in captured.out
    assert "IndexFaces" in captured.err  # the plan counts the folder's images


def test_faces_without_a_face_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "faces" / "ghost").mkdir(parents=True)
    (tmp_path / "faces" / "ghost" / "blank.png").write_bytes(faces.blank_image())
    assert main(["run", "--faces", str(tmp_path / "faces")]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("searchusers-conformance: error: IndexFaces indexed no face")


def test_aws_without_credentials_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["run", "--aws", "--max-examples", "0"]) == 4
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("searchusers-conformance: error: no AWS credentials found")


def test_a_run_checks_builds_and_plans_once_and_executes_the_plan_it_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import conformance.engine as engine
    from conformance import targets
    from conformance.config import RunConfig
    from conformance.engine import live

    validated: list[RunConfig] = []
    built: list[targets.Target] = []
    prepared: list[live.Prepared] = []
    executed: list[object] = []
    original_validate, original_build = RunConfig.validate, targets.build
    original_prepare, original_exercise = engine.prepare, live._exercise

    def validate(config: RunConfig) -> None:
        validated.append(config)
        original_validate(config)

    def build(config: RunConfig) -> targets.Target:
        built.append(original_build(config))
        return built[-1]

    def prepare(config: RunConfig) -> live.Prepared:
        prepared.append(original_prepare(config))
        return prepared[-1]

    def exercise(config: RunConfig, session: Any, the_plan: Any, *rest: Any) -> list[str]:
        executed.append(the_plan)
        return original_exercise(config, session, the_plan, *rest)

    monkeypatch.setattr(RunConfig, "validate", validate)
    monkeypatch.setattr(live, "build", build)
    monkeypatch.setattr(engine, "prepare", prepare)
    monkeypatch.setattr(live, "_exercise", exercise)
    # a budget the fixed phases exceed: the run stops early (exit 2), which is all this needs
    assert main(["run", "--max-requests", "40", "--max-examples", "1"]) == 2
    assert (len(validated), len(built), len(prepared)) == (1, 1, 1)
    assert executed == [prepared[0].plan] and executed[0] is prepared[0].plan
