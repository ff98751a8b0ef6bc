"""Lint: every secret-looking value is found, with its line, and never repeated."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.cli import main
from conformance.recording import lint

from .conftest import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, SHIPPED

CLEAN = (SHIPPED / "aws-example-search-users.yaml").read_text()


def test_the_shipped_cassettes_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = sorted(SHIPPED.rglob("*.yaml"))  # `cassettes lint` walks sub-folders too
    assert len(shipped) >= 3
    assert [p for path in shipped for p in lint(path)] == []
    assert main(["cassettes", "lint", str(SHIPPED)]) == 0
    assert f"{len(shipped)} cassette(s) clean" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        (
            f"      Authorization:\n      - AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/x\n",
            "Authorization header",
        ),
        (f"      X-Amz-Security-Token:\n      - {SESSION_TOKEN}\n", "session token"),
        (f"      X-Secret:\n      - aws_secret_access_key={SECRET_KEY}\n", "secret access key"),
        ("      X-Arn:\n      - arn:aws:iam::210987654321:role/r\n", "account id in an ARN"),
        ("      X-Key:\n      - ASIAY34FZKBOKMUTVV7A\n", "access key id"),
    ],
)
def test_a_planted_secret_fails_lint_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], planted: str, kind: str
) -> None:
    marker = "      X-Amz-Target:\n"
    path = tmp_path / "leaky.yaml"
    path.write_text(CLEAN.replace(marker, planted + marker, 1))
    line = path.read_text().splitlines().index(planted.splitlines()[0]) + 1
    problems = lint(path)
    assert any(kind in p.message for p in problems), problems
    assert main(["cassettes", "lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert any(f"{path}:{n}:" in out for n in (line, line + 1))
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN[:20], "210987654321"):
        assert secret not in out


def test_a_secret_in_a_binary_body_is_found(tmp_path: Path) -> None:
    import base64

    blob = base64.b64encode(f"\x00\x01 {ACCESS_KEY} \x02".encode()).decode()
    path = tmp_path / "binary.yaml"
    path.write_text(
        CLEAN.replace(
            '    body: \'{"CollectionId"',
            f'    body: !!binary |\n      {blob}\n    x: \'{{"CollectionId"',
            1,
        )
    )
    assert any("access key id" in p.message for p in lint(path))


def test_lint_of_a_missing_path_is_a_usage_error() -> None:
    assert main(["cassettes", "lint", "/nonexistent/cassettes"]) == 4


def test_a_file_that_is_not_yaml_is_still_scanned_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(f"interactions:\n- request: [unclosed\n  key: {ACCESS_KEY}\n")
    problems = lint(path)
    assert any(p.line == 1 and "not valid YAML" in p.message for p in problems)
    assert any(p.line == 3 and "access key id" in p.message for p in problems)
    assert all(ACCESS_KEY not in str(p) for p in problems)
