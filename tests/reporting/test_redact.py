from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.secrets import patterns
from conformance.secrets.redact import redact

KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"key {KEY} leaked", KEY),
        ("temporary ASIAY34FZKBOKMUTVV7A here", "ASIAY34FZKBOKMUTVV7A"),
        ("arn:aws:rekognition:us-east-1:123456789012:collection/c1", "123456789012"),
        ("arn:aws-cn:iam::210987654321:user/bob", "210987654321"),
        ("http://admin:hunter2@emulator.local:4566/", "hunter2"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_keeps_what_is_not_a_secret() -> None:
    text = "order 123456789012 of AKIA1 at http://127.0.0.1:8080/ in collection c-1"
    assert redact(text) == text


def test_masked_arn_keeps_its_shape() -> None:
    assert redact("arn:aws:rekognition:eu-west-1:123456789012:collection/x") == (
        "arn:aws:rekognition:eu-west-1:************:collection/x"
    )


def test_redacting_serialised_json_keeps_it_valid() -> None:
    document = json.dumps({"message": f"denied for {KEY}", "arn": "arn:aws:s3::123456789012:b/k"})
    parsed = json.loads(redact(document))
    assert KEY not in parsed["message"]
    assert "123456789012" not in parsed["arn"]


SESSION = "IQoJb3JpZ2luX2VjEXAMPLEtokenMaterial0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f'{{"SessionToken": "{SESSION}"}}', SESSION),
        (f"token {SESSION} echoed", SESSION),
        ("x-amz-signature=" + "ab" * 32, "ab" * 32),
        ('{"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', "wJalrXUtnFEMI"),
        ('{"AccountId": "210987654321"}', "210987654321"),
    ],
)
def test_reports_hide_what_cassettes_scrub(text: str, secret: str) -> None:
    assert secret not in redact(text)


SECRET = "q8Rm2vLwX0cTz7Nk4Yb1Hs9Jd3Fp6Ga5Ue0Wi2Ko"
SCREENED_PIECES = [
    "AKIAZ7QX3MHFS6TQ4WJP", "ASIAY34FZKBOKMUTVV7A", "arn:aws:iam::123456789012:user/b",
    "aws-cn:s3::210987654321:b", "http://user:pw@host", "IQoJb3JpZ2luAbc=", "FwoGZXIvYXdzQ",
    f"SECRET_KEY={SECRET}", f"Private_Key: {SECRET}", f"\u017fecret_key={SECRET}",
    "X-Amz-Signature=" + "a" * 64, '"SessionToken": "t"', '"AccountId": "123456789012"',
    ":", "@", '"', " ", "\u212a", "é", "+/=",
]  # fmt: skip


@given(st.lists(st.sampled_from(SCREENED_PIECES) | st.text(max_size=3), max_size=12))
@settings(max_examples=300, database=None)
def test_the_literal_screen_never_changes_what_a_pattern_replaces(pieces: list[str]) -> None:
    """`patterns.sub` skips a pattern only when the text lacks what any match needs: the result
    is always the pattern's own `sub`, with or without the screen."""
    text = "".join(pieces)
    for pattern in patterns._SCREENS:
        assert patterns.sub(pattern, "<m>", text) == pattern.sub("<m>", text), pattern.pattern
