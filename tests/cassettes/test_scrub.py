from __future__ import annotations

import json

import pytest
from vcr.request import Request

from conformance.recording import (
    MASK,
    PLACEHOLDER_ACCOUNT,
    scrub_bytes,
    scrub_request,
    scrub_response,
    scrub_text,
    scrub_uri,
)

from .conftest import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Credential={ACCESS_KEY}/20240101/us-east-1/rekognition/aws4_request", ACCESS_KEY),
        ("temporary ASIAY34FZKBOKMUTVV7A key", "ASIAY34FZKBOKMUTVV7A"),
        (f"aws_secret_access_key = {SECRET_KEY}", SECRET_KEY),
        (f'{{"SecretAccessKey": "{SECRET_KEY}"}}', SECRET_KEY),
        (f'{{"SessionToken": "{SESSION_TOKEN}"}}', SESSION_TOKEN[:40]),
        (f"token {SESSION_TOKEN} end", SESSION_TOKEN[:40]),
        ("Signature=" + "ab" * 32, "ab" * 32),
        ("aws:rekognition:us-east-1:210987654321:collection/c", "210987654321"),
        ("arn:aws-cn:iam::210987654321:user/bob", "210987654321"),
        ('{"Account": "210987654321"}', "210987654321"),
        ("http://admin:hunter2@emulator.local:4566/", "hunter2"),
    ],
)
def test_each_kind_of_secret_is_masked(text: str, secret: str) -> None:
    assert secret not in scrub_text(text)


def test_account_ids_become_the_fake_placeholder_and_arns_stay_well_formed() -> None:
    arn = "arn:aws:rekognition:eu-west-1:210987654321:collection/x"
    assert scrub_text(arn) == f"arn:aws:rekognition:eu-west-1:{PLACEHOLDER_ACCOUNT}:collection/x"


@pytest.mark.parametrize(
    "text",
    [
        '{"FaceId": "38271d79-7bad-4d26-9bb6-c2d7f1ed0b4a", "NextToken": "cDF8YWJjfGZvbw"}',
        # generated ids may be 40 mixed-case characters: without a naming keyword, not a secret
        '{"UserId": "q8Rm2vLwX0cTz7Nk4Yb1Hs9Jd3Fp6Ga5Ue0Wi2Kx"}',
        "order 123456789012 of AKIA1 at http://127.0.0.1:8080/",
        '{"Similarity": 99.88186645507812}',
    ],
)
def test_what_is_not_a_secret_is_left_byte_identical(text: str) -> None:
    assert scrub_text(text) is text
    assert scrub_bytes(text.encode()) == text.encode()


def test_scrubbed_json_stays_valid_json() -> None:
    body = json.dumps({"Message": f"denied for {ACCESS_KEY}", "SessionToken": SESSION_TOKEN})
    parsed = json.loads(scrub_text(body))
    assert parsed["SessionToken"] == MASK and ACCESS_KEY not in parsed["Message"]


def test_binary_bodies_survive_scrubbing() -> None:
    blob = bytes(range(256)) * 4
    assert scrub_bytes(blob) == blob


def test_presigned_url_parameters_are_masked() -> None:
    uri = (
        "https://b.s3.amazonaws.com/k?X-Amz-Credential=" + ACCESS_KEY + "%2F20240101"
        "&X-Amz-Signature=" + "c" * 64 + "&X-Amz-Security-Token=abc&versionId=7"
    )
    cleaned = scrub_uri(uri)
    assert ACCESS_KEY not in cleaned and "c" * 64 not in cleaned and "abc" not in cleaned
    assert "versionId=7" in cleaned


def test_request_hook_removes_signing_headers_and_leaves_the_live_request_alone() -> None:
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/x, Signature=" + "d" * 64,
        "X-Amz-Security-Token": SESSION_TOKEN,
        "X-Amz-Date": "20240101T000000Z",
        "amz-sdk-invocation-id": "0b1f",
        "amz-sdk-request": "attempt=1",
        "X-Amz-Target": "RekognitionService.SearchUsers",
    }
    live = Request("POST", "http://127.0.0.1:5000/", b'{"CollectionId": "c"}', headers)
    recorded = scrub_request(live)
    assert {k.lower() for k in recorded.headers} == {"x-amz-target"}
    assert "Authorization" in live.headers  # the request actually sent is untouched


def test_response_hook_scrubs_headers_and_body() -> None:
    response = {
        "status": {"code": 400, "message": "Bad Request"},
        "headers": {"Set-Cookie": ["s=1"], "x-amzn-RequestId": ["r"]},
        "body": {"string": f'{{"Message": "key {ACCESS_KEY} denied"}}'.encode()},
    }
    cleaned = scrub_response(response)
    assert "Set-Cookie" not in cleaned["headers"]
    assert ACCESS_KEY.encode() not in cleaned["body"]["string"]
