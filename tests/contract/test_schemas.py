"""The committed schemas against the published contract and the model's constraints."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from conformance import schemas
from conformance.contract import derive, model
from conformance.contract.schemas import schema_root

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "search_users.boto3-doc.txt"

EXAMPLE_RESPONSE = {
    "FaceModelVersion": "6",
    "SearchedUser": {"UserId": "DemoUser"},
    "UserMatches": [
        {"Similarity": 99.88186645507812, "User": {"UserId": "demoUser1", "UserStatus": "ACTIVE"}}
    ],
}
EXAMPLE_REQUEST = {
    "CollectionId": "MyCollection",
    "MaxUsers": 2,
    "UserId": "DemoUser",
    "UserMatchThreshold": 70,
}
ERROR_BODIES = [
    {
        "__type": "InvalidParameterException",
        "Code": "InvalidParameterException",
        "Logref": "5022229e-7e48-11e9-9ad1-854a4567eb71",
        "Message": "Request has invalid parameters",
    },
    {"__type": "com.amazonaws.rekognition#InvalidParameterException"},
    {"__type": "AccessDeniedException"},
    {"__type": "ThrottlingException", "message": "Slow down; sudden increase in rate of requests."},
    {"__type": "InvalidParameterException:http://internal.amazon.com/coral/validate/"},
]
DOC_TYPES = {
    "string": "string",
    "integer": "integer",
    "float": "number",
    "dict": "object",
    "list": "array",
}


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_schema_is_shipped_and_valid_2020_12() -> None:
    expected = set(derive.schema_names())
    assert set(schemas.names()) == expected
    assert len(expected) == 2 * len(model.OPERATIONS) + 1
    for name in expected:
        schema = schemas.load(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.json")
        assert jsonschema_rs.meta.is_valid(schema)
        if r"\p{" not in json.dumps(schema):  # Python's re cannot compile \p{L} (ECMA u-mode)
            jsonschema.Draft202012Validator.check_schema(schema)


def test_load_returns_independent_copies() -> None:
    first = schemas.load("SearchUsers.request")
    first["properties"].clear()
    assert schemas.load("SearchUsers.request.json")["properties"]


def test_unknown_schema_name_is_a_lookup_error() -> None:
    with pytest.raises(schemas.UnknownSchemaError):
        schemas.load("NoSuchOperation.request")


def test_schema_root_falls_back_to_checkout() -> None:
    assert (Path(str(schema_root())) / "SearchUsers.request.json").is_file()


def _doc_section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def _spec_text() -> str:
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} absent")
    return SPEC.read_text(encoding="utf-8")


def test_documented_request_members_have_documented_types() -> None:
    params = _doc_section(_spec_text(), "- Parameters:", "- Return type:")
    documented = dict(re.findall(r"- (\w+) \((\w+)\) \u2013", params))
    required = set(re.findall(r"- (\w+) \(\w+\) \u2013 - \[REQUIRED\]", params))
    assert documented == {
        "CollectionId": "string",
        "UserId": "string",
        "FaceId": "string",
        "UserMatchThreshold": "float",
        "MaxUsers": "integer",
    }
    schema = schemas.load("SearchUsers.request")
    assert set(schema["properties"]) == set(documented)
    for member, doc_type in documented.items():
        assert resolve(schema, schema["properties"][member])["type"] == DOC_TYPES[doc_type]
    assert set(schema["required"]) == required == {"CollectionId"}


def test_documented_response_members_have_documented_types() -> None:
    structure = _doc_section(_spec_text(), "- Response Structure", "- Exceptions")
    schema = schemas.load("SearchUsers.response")
    seen = 0
    # every "Name (type)" in the response structure appears in some object of the schema
    objects = [schema, *(d for d in schema["$defs"].values() if d.get("type") == "object")]
    for member, doc_type in re.findall(r"- (\w+) \((\w+)\) \u2013", structure):
        owners = [o for o in objects if member in o["properties"]]
        assert owners, member
        types = {resolve(schema, o["properties"][member])["type"] for o in owners}
        assert types == {DOC_TYPES[doc_type]}, member
        seen += 1
    assert seen == 10
    assert "required" not in schema
    assert all("required" not in o for o in objects)
    statuses = re.search(r"'UserStatus': ('[A-Z]+'(?:\|'[A-Z]+')*)", _spec_text())
    assert statuses is not None
    assert resolve(schema, {"$ref": "#/$defs/UserStatus"})["enum"] == re.findall(
        r"'([A-Z]+)'", statuses.group(1)
    )


def test_model_constraints_are_carried() -> None:
    request = schemas.load("SearchUsers.request")
    defs = request["$defs"]
    assert (defs["CollectionId"]["minLength"], defs["CollectionId"]["maxLength"]) == (1, 255)
    assert (defs["UserId"]["minLength"], defs["UserId"]["maxLength"]) == (1, 128)
    assert defs["Percent"] == {"type": "number", "minimum": 0, "maximum": 100}
    assert defs["MaxUserResults"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert request["additionalProperties"] is False
    assert "description" in request["properties"]["CollectionId"]
    assert "<" not in request["description"]
    response = schemas.load("SearchUsers.response")
    assert response["$defs"]["UserMatchList"]["maxItems"] == 500
    assert "additionalProperties" not in response


def test_wire_formats_for_blobs_timestamps_and_maps() -> None:
    index = schemas.load("IndexFaces.request")["$defs"]["ImageBlob"]
    assert index["contentEncoding"] == "base64"
    assert (index["minLength"], index["maxLength"]) == (4, 6990508)
    describe = schemas.load("DescribeCollection.response")
    assert describe["$defs"]["DateTime"]["type"] == "number"
    assert describe["$defs"]["ULong"] == {"type": "integer", "minimum": 0}
    tags = schemas.load("CreateCollection.request")["$defs"]["TagMap"]
    assert tags["propertyNames"] == {"$ref": "#/$defs/TagKey"}
    assert tags["maxProperties"] == 200


def test_published_examples_validate() -> None:
    assert schemas.validate_response(EXAMPLE_RESPONSE) == []
    assert schemas.validate_request(EXAMPLE_REQUEST) == []


@pytest.mark.parametrize("body", ERROR_BODIES)
def test_aws_error_bodies_validate(body: dict[str, Any]) -> None:
    assert schemas.validate_error(body) == []
    assert jsonschema.Draft202012Validator(schemas.load("error")).is_valid(body)


def test_error_body_without_type_is_flagged() -> None:
    assert [v.keyword for v in schemas.validate_error({"message": "x"})] == ["required"]


def test_responses_are_open_unless_strict() -> None:
    extended = {**EXAMPLE_RESPONSE, "NewField": 1}
    extended["UserMatches"] = [{**EXAMPLE_RESPONSE["UserMatches"][0], "Extra": True}]  # type: ignore[dict-item]
    assert schemas.validate_response(extended) == []
    strict = schemas.validate_response(extended, strict=True)
    assert {(v.pointer, v.keyword) for v in strict} == {
        ("", "additionalProperties"),
        ("/UserMatches/0", "additionalProperties"),
    }
    assert schemas.validate_error({"__type": "X", "Extra": 1}, strict=True)


def test_violations_are_structured_and_located() -> None:
    bad = {
        "FaceModelVersion": 6,
        "UserMatches": [
            {"Similarity": 101, "User": {"UserId": "ok", "UserStatus": "GONE"}},
            {"Similarity": "high"},
        ],
    }
    found = {(v.pointer, v.keyword) for v in schemas.validate_response(bad)}
    assert found == {
        ("/FaceModelVersion", "type"),
        ("/UserMatches/0/Similarity", "maximum"),
        ("/UserMatches/0/User/UserStatus", "enum"),
        ("/UserMatches/1/Similarity", "type"),
    }
    violation = schemas.validate_request({"CollectionId": "a/b"})[0]
    assert violation == schemas.Violation("/CollectionId", "pattern", violation.message)
    assert "a/b" in violation.message
    with pytest.raises(AttributeError):
        violation.pointer = "/x"  # type: ignore[misc]


def test_json_pointer_escapes() -> None:
    found = schemas.validate("CreateCollection.request", {"CollectionId": "c", "Tags": {"a/b": 1}})
    assert [v.pointer for v in found] == ["/Tags/a~1b"]
    assert schemas.json_pointer(["a~b", 0]) == "/a~0b/0"


def test_rendering_is_deterministic() -> None:
    for name, schema in derive.derive_all().items():
        assert derive.render(schema) == derive.render(derive.derive(name))
        assert derive.render(schema).endswith(b"}\n")
