"""The pytest-recording companion plugin, as a user's project would use it."""

from __future__ import annotations

import importlib.metadata
import textwrap

import pytest

from conformance.reference.server import ReferenceServer

from .conftest import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN

USER_TESTS = f"""
import os

import boto3
import pytest
from botocore.config import Config


def client():
    return boto3.client(
        "rekognition",
        endpoint_url=os.environ["TARGET_URL"],
        region_name="us-east-1",
        aws_access_key_id="{ACCESS_KEY}",
        aws_secret_access_key="{SECRET_KEY}",
        aws_session_token="{SESSION_TOKEN}",
        config=Config(retries={{"max_attempts": 0}}),
    )


@pytest.mark.vcr
def test_search():
    rekognition = client()
    rekognition.create_collection(CollectionId="c1")
    rekognition.create_user(CollectionId="c1", UserId="alice")
    answer = rekognition.search_users(UserId="alice", CollectionId="c1", MaxUsers=2)
    assert answer["UserMatches"] == []
    assert rekognition.list_collections()["CollectionIds"] == ["c1"]


def test_config(vcr_config):
    assert vcr_config == {{}}  # pytest-recording's own fixture, untouched
"""


def _recorded(target: str, body: str, answer: str) -> str:
    return f"""- request:
    body: '{body}'
    headers: {{X-Amz-Target: [RekognitionService.{target}]}}
    method: POST
    uri: http://127.0.0.1:9/
  response:
    body: {{string: '{answer}'}}
    headers: {{Content-Type: [application/x-amz-json-1.1]}}
    status: {{code: 200, message: OK}}
"""


# The same calls recorded at another port, ListCollections first, members in another order.
RECORDED = (
    "interactions:\n"
    + _recorded("CreateCollection", '{"CollectionId": "c1"}', '{"StatusCode": 200}')
    + _recorded("CreateUser", '{"UserId": "alice", "CollectionId": "c1"}', "{}")
    + _recorded("ListCollections", "{}", '{"CollectionIds": ["c1"]}')
    + _recorded(
        "SearchUsers",
        '{"MaxUsers": 2, "UserId": "alice", "CollectionId": "c1"}',
        '{"UserMatches": []}',
    )
    + "version: 1\n"
)


def _registered() -> bool:
    names = {e.name for e in importlib.metadata.entry_points(group="pytest11")}
    return "searchusers_conformance_vcr" in names


def _plugin_args() -> list[str]:
    """Load the plugin by hand where the entry point is not installed (twice is an error)."""
    return [] if _registered() else ["-p", "conformance.plugin.vcr"]


def _without_plugin() -> list[str]:
    return ["-p", "no:searchusers_conformance_vcr"] if _registered() else []


def test_replay_matches_on_target_and_json_with_the_network_blocked(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    cassette = pytester.path / "cassettes" / "test_user" / "test_search.yaml"
    cassette.parent.mkdir(parents=True)
    cassette.write_text(RECORDED)
    monkeypatch.setenv("TARGET_URL", "http://127.0.0.1:1")
    result = pytester.runpytest_subprocess(
        *_plugin_args(), "--block-network", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2)
    # without the plugin, even at the recorded port, vcrpy's defaults answer SearchUsers with
    # the recorded ListCollections (the next unplayed `POST /`)
    monkeypatch.setenv("TARGET_URL", "http://127.0.0.1:9")
    bare = pytester.runpytest_subprocess(
        *_without_plugin(), "--block-network", "-p", "no:cacheprovider"
    )
    bare.assert_outcomes(failed=1, passed=1)
    assert "KeyError: 'UserMatches'" in bare.stdout.str()


def test_recording_scrubs_and_honours_record_mode(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    with ReferenceServer(quiet=True) as server:
        monkeypatch.setenv("TARGET_URL", server.url)
        # default record mode is none: nothing recorded, nothing sent
        none = pytester.runpytest_subprocess(*_plugin_args(), "-p", "no:cacheprovider")
        none.assert_outcomes(failed=1, passed=1)
        once = pytester.runpytest_subprocess(
            *_plugin_args(), "--record-mode", "once", "-p", "no:cacheprovider"
        )
        once.assert_outcomes(passed=2)
    text = (pytester.path / "cassettes" / "test_user" / "test_search.yaml").read_text()
    assert "RekognitionService.SearchUsers" in text
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN[:30], "Authorization", "X-Amz-Date"):
        assert secret not in text
    # and the recording replays offline with a different port
    monkeypatch.setenv("TARGET_URL", "http://127.0.0.1:1")
    again = pytester.runpytest_subprocess(
        *_plugin_args(), "--block-network", "-p", "no:cacheprovider"
    )
    again.assert_outcomes(passed=2)


def test_the_plugin_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    probe = textwrap.dedent(
        """
        import sys
        import conformance.plugin.vcr
        heavy = [m for m in ("vcr", "yaml", "botocore", "conformance.recording") if m in sys.modules]
        print(",".join(heavy))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
