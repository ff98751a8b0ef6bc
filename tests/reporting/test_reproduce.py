from __future__ import annotations

import ast
import json
import shlex
from typing import Any

import pytest

from conformance.reporting.reproduce import Endpoint, endpoint_of, is_raw, reproduce
from conformance.results import RunSettings
from tests.core.conftest import ScriptedServer
from tests.reporting.conftest import make_exchange

LOCAL = Endpoint("http://127.0.0.1:4566", "eu-west-1")


def _call_kwargs(snippet: str) -> dict[str, Any]:
    """The keyword dict the snippet passes to the client method, evaluated back."""
    tree = ast.parse(snippet)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.keywords and node.keywords[0].arg is None:
            value: dict[str, Any] = ast.literal_eval(node.keywords[0].value)
            return value
    raise AssertionError("no **kwargs call in snippet")


def test_valid_request_uses_a_plain_client_and_cli_flags() -> None:
    params = {
        "CollectionId": "c1",
        "UserId": "u:1.a-b_c",
        "UserMatchThreshold": 70.5,
        "MaxUsers": 2,
    }
    repro = reproduce(make_exchange(params), LOCAL)
    assert repro.boto3 is not None and not repro.raw
    assert "parameter_validation" not in repro.boto3
    assert "endpoint_url='http://127.0.0.1:4566'" in repro.boto3
    assert "client.search_users(" in repro.boto3
    assert _call_kwargs(repro.boto3) == params
    words = shlex.split(repro.shell)
    assert words[:3] == ["aws", "rekognition", "search-users"]
    assert words[words.index("--user-id") + 1] == "u:1.a-b_c"
    assert words[words.index("--user-match-threshold") + 1] == "70.5"
    assert words[words.index("--endpoint-url") + 1] == LOCAL.url


def test_invalid_request_turns_off_validation_and_retries() -> None:
    params = {"CollectionId": "c1", "UserId": "alice", "MaxUsers": 0, "UserMatchThreshold": -1.0}
    repro = reproduce(make_exchange(params), LOCAL)
    assert repro.boto3 is not None
    assert "parameter_validation=False" in repro.boto3
    assert "'total_max_attempts': 1" in repro.boto3
    assert "AWS_MAX_ATTEMPTS=1 aws rekognition" in repro.shell
    assert "parameter_validation = false" in repro.shell
    words = shlex.split(repro.shell.splitlines()[-1])
    assert json.loads(words[words.index("--cli-input-json") + 1]) == params


def test_values_starting_with_a_dash_are_not_taken_for_flags() -> None:
    repro = reproduce(make_exchange({"CollectionId": "c1", "UserId": "-alice"}), LOCAL)
    assert "--user-id=-alice" in shlex.split(repro.shell)


def test_ill_typed_members_fall_back_to_cli_input_json() -> None:
    params = {"CollectionId": "c1", "UserId": "alice", "MaxUsers": "ten"}
    repro = reproduce(make_exchange(params), LOCAL)
    words = shlex.split(repro.shell.splitlines()[-1])
    assert json.loads(words[words.index("--cli-input-json") + 1]) == params


def test_aws_target_has_no_endpoint_override() -> None:
    repro = reproduce(make_exchange(), Endpoint(None, "us-west-2"))
    assert repro.boto3 is not None and "endpoint_url" not in repro.boto3
    assert "--endpoint-url" not in repro.shell
    assert "region_name='us-west-2'" in repro.boto3


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", {"content-type": "application/x-amz-json-1.1"}),
        (b'{"CollectionId": "c1"}', {"content-type": "text/plain"}),
    ],
)
def test_raw_probes_get_a_signed_curl_line(body: bytes, headers: dict[str, str]) -> None:
    exchange = make_exchange(None, body=body, headers=headers, operation="SearchUsers")
    repro = reproduce(exchange, LOCAL)
    assert repro.raw and repro.boto3 is None
    words = shlex.split(repro.shell)
    assert words[0] == "curl"
    assert words[words.index("--data-binary") + 1] == body.decode()
    assert "aws:amz:eu-west-1:rekognition" in words
    assert "raw HTTP: boto3 and the AWS CLI cannot send" in repro.text()


def test_missing_target_header_is_not_invented() -> None:
    exchange = make_exchange(None, body=b"{}", headers={}, operation=None)
    words = shlex.split(reproduce(exchange, LOCAL).shell)
    assert not any(w.lower().startswith("x-amz-target") for w in words)
    assert "Content-Type:" in words  # suppresses curl's form content type


def test_sdk_exchange_is_not_raw() -> None:
    assert not is_raw(make_exchange({"CollectionId": "c1", "FaceId": "x"}))


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (RunSettings(aws=True, region="eu-west-1"), Endpoint(None, "eu-west-1")),
        (RunSettings(endpoint_url="http://h:1"), Endpoint("http://h:1", "us-east-1")),
        (
            RunSettings(endpoint_url="https://emu:4566", credentials="loopback", profile="p"),
            Endpoint("https://emu:4566", "us-east-1", loopback_credentials=True, profile="p"),
        ),
    ],
)
def test_endpoint_of_reads_settings(settings: RunSettings, expected: Endpoint) -> None:
    assert endpoint_of(settings) == expected


@pytest.mark.parametrize("settings", [RunSettings(), RunSettings(cassette="c.yaml")])
def test_embedded_reference_gets_a_placeholder_and_a_note(settings: RunSettings) -> None:
    where = endpoint_of(settings)
    assert where.url is not None and where.url.startswith("http://127.0.0.1")
    assert "serve" in where.note


def test_boto3_snippet_really_sends_the_invalid_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """The snippet, run as printed, must put the invalid member on the wire unchanged."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    server = ScriptedServer()
    try:
        server.reply(400, {"__type": "InvalidParameterException", "Message": "bad"})
        params = {"CollectionId": "c1", "UserId": "alice", "MaxUsers": 0}
        repro = reproduce(make_exchange(params), Endpoint(server.url, "us-east-1"))
        assert repro.boto3 is not None
        exec(compile(repro.boto3, "<repro>", "exec"), {})
        assert len(server.requests) == 1  # retries off: exactly one attempt
        assert json.loads(server.requests[0][1]) == params
    finally:
        server.close()


def test_seeded_collections_are_flagged_as_gone() -> None:
    exchange = make_exchange({"CollectionId": "su-conformance-abc123", "UserId": "u"})
    assert "su-conformance-abc123 and deleted it" in reproduce(exchange, LOCAL).text()
    assert "deleted" not in reproduce(make_exchange(), LOCAL).text()


def test_made_up_missing_collections_are_not_said_to_be_created() -> None:
    """Availability probes and discovery address names made up to be absent: the note must not
    send the user looking for a collection (or a --keep-collection) that never existed."""
    name = "su-conformance-missing-probe-0123abcd"
    text = reproduce(make_exchange({"CollectionId": name, "UserId": "u"}), LOCAL).text()
    assert "certainly does not exist" in text
    assert "created" not in text.replace("nothing was created", "") and "deleted" not in text


def _run_snippet(code: str, tmp_path: Any) -> str:
    """Run a snippet as a user would: its own interpreter, no AWS_* settings at all."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_value_boto3_cannot_send_gets_the_raw_forms_first(tmp_path: Any) -> None:
    """botocore refuses {"value": 80} for a float member: the raw request is the reproduction."""
    params = {"CollectionId": "c1", "UserId": "alice", "UserMatchThreshold": {"value": 80}}
    exchange = make_exchange(params)
    assert is_raw(exchange)
    where = Endpoint("http://127.0.0.1:4566", "us-east-1", loopback_credentials=True)
    repro = reproduce(exchange, where)
    assert repro.raw and repro.boto3 is None and repro.python is not None
    lines = repro.text().splitlines()
    assert lines[0].startswith("# raw HTTP") and lines[1].startswith("curl ")
    server = ScriptedServer()
    try:
        server.reply(400, {"__type": "InvalidParameterException", "Message": "bad"})
        code = repro.python.replace("http://127.0.0.1:4566", server.url)
        out = _run_snippet(code, tmp_path)
        assert out.startswith("400 ") and "InvalidParameterException" in out
        headers, body = server.requests[0]
        assert json.loads(body) == params  # the exact value, on the wire
        assert "Credential=testing/" in headers["Authorization"]
    finally:
        server.close()


def test_loopback_runs_name_their_dummy_credentials(tmp_path: Any) -> None:
    """The gate signed with dummy credentials on loopback: so does every reproduction, which
    then runs on a machine with no AWS configuration at all."""
    server = ScriptedServer()
    try:
        where = Endpoint(server.url, "us-east-1", loopback_credentials=True)
        repro = reproduce(make_exchange({"CollectionId": "c1", "UserId": "alice"}), where)
        assert repro.boto3 is not None and "aws_access_key_id='testing'" in repro.boto3
        assert repro.shell.startswith("AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws")
        server.reply(200, {"UserMatches": [], "FaceModelVersion": "7.0"})
        assert "'UserMatches': []" in _run_snippet(repro.boto3, tmp_path)
        assert "Credential=testing/" in server.requests[0][0]["Authorization"]
    finally:
        server.close()


def test_chain_credentials_are_left_to_the_chain_and_its_profile() -> None:
    where = Endpoint(None, "eu-west-1", profile="audit")
    repro = reproduce(make_exchange(), where)
    assert repro.boto3 is not None and "aws_access_key_id" not in repro.boto3
    assert "boto3.Session(profile_name='audit').client(" in repro.boto3
    assert shlex.split(repro.shell)[-2:] == ["--profile", "audit"]
    raw = reproduce(make_exchange(None, body=b"{broken", operation="SearchUsers"), where)
    assert '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in raw.shell
    assert raw.python is not None and "boto3.Session(profile_name='audit')" in raw.python


def test_a_kept_collection_is_named_with_its_cleanup_line() -> None:
    where = Endpoint(
        "http://127.0.0.1:4566",
        kept_collection="su-conformance-abc123",
        cleanup="searchusers-conformance cleanup --collection-id su-conformance-abc123",
    )
    exchange = make_exchange({"CollectionId": "su-conformance-abc123", "UserId": "u"})
    text = reproduce(exchange, where).text()
    assert "kept su-conformance-abc123 (--keep-collection)" in text
    assert "`searchusers-conformance cleanup --collection-id su-conformance-abc123`" in text
