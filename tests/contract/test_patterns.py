"""Trailing-newline ids are rejected by every validation path, and anchoring is right."""

from __future__ import annotations

import fastjsonschema
import jsonschema
import pytest

from conformance import schemas
from conformance.contract import derive
from conformance.contract.schemas import load

BAD = [
    ("CollectionId", "my-collection\n"),
    ("UserId", "DemoUser\n"),
    ("FaceId", "11111111-2222-3333-4444-555555555555\n"),
]


def request_with(member: str, value: str) -> dict[str, str]:
    request = {"CollectionId": "c", "UserId": "u"}
    if member == "FaceId":
        del request["UserId"]
    request[member] = value
    return request


@pytest.mark.parametrize(("member", "value"), BAD)
def test_project_validator_rejects_trailing_newline(member: str, value: str) -> None:
    found = schemas.validate_request(request_with(member, value))
    assert [(v.pointer, v.keyword) for v in found] == [(f"/{member}", "pattern")]
    assert schemas.validate_request(request_with(member, value.rstrip("\n"))) == []


@pytest.mark.parametrize(("member", "value"), BAD)
def test_committed_schema_rejects_trailing_newline_in_python_engines(
    member: str, value: str
) -> None:
    schema = load("SearchUsers.request")
    assert not jsonschema.Draft202012Validator(schema).is_valid(request_with(member, value))
    with pytest.raises(fastjsonschema.JsonSchemaException):
        fastjsonschema.compile(schema)(request_with(member, value))


def test_python_re_dollar_is_the_reason_for_the_guard() -> None:
    plain = {"type": "string", "pattern": "^(?:[a-z]+)$"}
    assert jsonschema.Draft202012Validator(plain).is_valid("abc\n")  # the trap being avoided


def test_responses_reject_trailing_newline_too() -> None:
    response = {"SearchedUser": {"UserId": "me\n"}}
    assert [v.pointer for v in schemas.validate_response(response)] == ["/SearchedUser/UserId"]


@pytest.mark.parametrize(
    ("model_pattern", "emitted"),
    [
        ("[a-zA-Z0-9_.\\-]+", "^(?:[a-zA-Z0-9_.\\-]+)(?!\\n)$"),
        ("^[a-zA-Z0-9-_]+$", "^[a-zA-Z0-9-_]+(?!\\n)$"),
        ("^(?!aws:)[a-z]*$", "^(?!aws:)[a-z]*(?!\\n)$"),
        ("^abc", "^(?:abc)(?!\\n)$"),
        ("abc\\$", "^(?:abc\\$)(?!\\n)$"),
        ("a|b", "^(?:a|b)(?!\\n)$"),
    ],
)
def test_anchoring(model_pattern: str, emitted: str) -> None:
    assert derive.anchor_pattern(model_pattern) == emitted


def test_every_emitted_pattern_is_anchored_and_guarded() -> None:
    for name in derive.schema_names():
        text = derive.render(derive.derive(name)).decode()
        for line in text.splitlines():
            if '"pattern":' in line:
                assert line.strip().startswith('"pattern": "^'), line
                assert line.rstrip(",").endswith('(?!\\\\n)$"'), line


def test_already_anchored_model_patterns_still_reject_newline() -> None:
    token = {"CollectionId": "c", "UserId": "u", "ClientRequestToken": "tok\n"}
    assert [v.keyword for v in schemas.validate_request(token, "CreateUser")] == ["pattern"]
    tags = {"CollectionId": "c", "Tags": {"aws:x": "v", "k": "v\n"}}
    found = {(v.pointer, v.keyword) for v in schemas.validate_request(tags, "CreateCollection")}
    # the "aws:" key fails TagKey's pattern via propertyNames, reported on the map itself
    assert found == {("/Tags", "pattern"), ("/Tags/k", "pattern")}
