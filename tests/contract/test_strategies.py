"""Generated requests/responses against the schemas, botocore, and the documented behaviour."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import pytest
from botocore.serialize import create_serializer
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from conformance import schemas
from conformance import strategies as facade
from conformance.contract import image_strategies, model, schema_strategies
from conformance.contract import strategies as S

INPUT_SHAPE = model.operation_model("SearchUsers").input_shape
NO_SHRINK = settings(phases=[Phase.explicit, Phase.generate], database=None, max_examples=2000)


def botocore_errors(request: dict[str, Any]) -> str:
    report = ParamValidator().validate(request, INPUT_SHAPE)
    return report.generate_report() if report.has_errors() else ""


@given(S.search_users_requests())
def test_valid_requests_pass_schema_botocore_and_serialize(request: dict[str, Any]) -> None:
    assert schemas.validate_request(request) == []
    assert botocore_errors(request) == ""
    assert ("UserId" in request) != ("FaceId" in request)
    serialized = create_serializer("json").serialize_to_request(
        request, model.operation_model("SearchUsers")
    )
    assert serialized["headers"]["X-Amz-Target"] == "RekognitionService.SearchUsers"


@given(S.search_users_requests(["known-1"], ["alice"], ["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"]))
def test_pools_are_mixed_with_fresh_ids(request: dict[str, Any]) -> None:
    assert schemas.validate_request(request) == []


def test_pools_are_reachable() -> None:
    requests = S.search_users_requests(["known-1"], ["alice"], None)
    both_known = find(
        requests,
        lambda r: r["CollectionId"] == "known-1" and r.get("UserId") == "alice",
        settings=NO_SHRINK,
    )
    assert both_known["CollectionId"] == "known-1" and both_known["UserId"] == "alice"
    assert find(requests, lambda r: r["CollectionId"] != "known-1", settings=NO_SHRINK)


@pytest.mark.parametrize(
    "condition",
    [
        lambda r: len(r["CollectionId"]) == 255,
        lambda r: len(r["CollectionId"]) == 1,
        lambda r: len(r.get("UserId", "")) == 128,
        lambda r: r.get("UserMatchThreshold") == 0,
        lambda r: r.get("UserMatchThreshold") == 100,
        lambda r: r.get("MaxUsers") == 1,
        lambda r: r.get("MaxUsers") == 500,
        lambda r: "FaceId" in r and "UserMatchThreshold" not in r,
    ],
    ids=["cid-255", "cid-1", "uid-128", "thr-0", "thr-100", "max-1", "max-500", "defaults"],
)
def test_request_boundaries_are_reachable(condition: Callable[[dict[str, Any]], bool]) -> None:
    assert condition(find(S.search_users_requests(), condition, settings=NO_SHRINK))


@given(S.invalid_search_users_requests())
def test_each_invalid_request_breaks_its_named_constraint(pair: tuple[dict[str, Any], str]) -> None:
    request, name = pair
    # null is an absent member in AWS JSON 1.1, never "the wrong type"
    assert None not in request.values(), (name, request)
    keyword, member, _ = S.search_users_constraints()[name]
    found = schemas.validate_request(request)
    if not S.breaks_schema(name):
        assert found == []
        assert "UserId" not in request and "FaceId" not in request
    else:
        assert keyword in {v.keyword for v in found}, (name, found)
        where = "" if keyword in {"required", "additionalProperties"} else f"/{member}"
        assert {v.pointer for v in found} == {where}, (name, found)
        # one constraint: only the pattern may join a too-short `+`-pattern string
        assert {v.keyword for v in found} <= {keyword, "pattern"}
    assert bool(botocore_errors(request)) == S.botocore_rejects(name), (name, request)


def test_null_members_are_absent_to_the_schemas() -> None:
    valid = {"CollectionId": "c", "UserId": "u"}
    assert schemas.validate_request({**valid, "MaxUsers": None, "FaceId": None}) == []
    assert schemas.validate_response({"SearchedFace": None, "UserMatches": None}) == []
    missing = schemas.validate_request({**valid, "CollectionId": None})
    assert {v.keyword for v in missing} == {"required"}


def test_every_named_constraint_is_generated() -> None:
    names = set(S.constraint_names())
    assert {
        "CollectionId.maxLength",
        "CollectionId.required",
        "MaxUsers.minimum",
        "UserMatchThreshold.type",
        "FaceId.pattern",
        "UserId.pattern",
        S.ONE_REQUIRED,
    } <= names
    for name in sorted(names):
        _request, got = find(
            S.invalid_search_users_requests(constraints=[name]), lambda _: True, settings=NO_SHRINK
        )
        assert got == name
    with pytest.raises(ValueError, match="unknown constraints"):
        S.invalid_search_users_requests(constraints=["Nope.type"])


def test_upper_case_face_id_is_reachable() -> None:
    pairs = S.invalid_search_users_requests(constraints=["FaceId.pattern"])
    found, _ = find(pairs, lambda p: any(c in "ABCDEF" for c in p[0]["FaceId"]), settings=NO_SHRINK)
    assert schemas.validate_request(found)


def _is_float32(value: float) -> bool:
    return bool(struct.unpack("f", struct.pack("f", value))[0] == value)


def check_response(request: dict[str, Any], response: dict[str, Any]) -> None:
    assert schemas.validate_response(response, strict=True) == []
    matches = response["UserMatches"]
    scores = [m["Similarity"] for m in matches]
    threshold = request.get("UserMatchThreshold", 80)
    assert scores == sorted(scores, reverse=True)
    assert all(threshold <= s <= 100 and _is_float32(s) for s in scores)
    assert len(matches) <= min(request.get("MaxUsers", 500), 500)
    ids = [m["User"]["UserId"] for m in matches]
    assert len(set(ids)) == len(ids)
    assert request.get("UserId") not in ids
    assert ("SearchedUser" in response) != ("SearchedFace" in response)
    if "UserId" in request:
        assert response["SearchedUser"] == {"UserId": request["UserId"]}
    else:
        assert response["SearchedFace"] == {"FaceId": request["FaceId"]}


@settings(max_examples=50)
@given(st.data())
def test_responses_are_consistent_with_their_request(data: st.DataObject) -> None:
    request = data.draw(S.search_users_requests())
    check_response(request, data.draw(S.search_users_responses(request)))


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_500_match_response_is_reachable() -> None:
    request = {"CollectionId": "c", "UserId": "me", "MaxUsers": 500, "UserMatchThreshold": 0}
    response = find(
        S.search_users_responses(request),
        lambda r: len(r["UserMatches"]) == 500,
        settings=NO_SHRINK,
    )
    check_response(request, response)


def test_threshold_not_representable_in_float32_is_respected() -> None:
    assert S.float32_at_least(80.1) >= 80.1
    assert _is_float32(S.float32_at_least(80.1))
    assert S.float32_at_least(80.0) == 80.0


@settings(max_examples=30)
@given(st.data())
def test_generated_responses_flow_through_botocore_stubber(
    client: Any, data: st.DataObject
) -> None:
    request = data.draw(S.search_users_requests())
    response = data.draw(S.search_users_responses(request))
    with Stubber(client) as stubber:
        stubber.add_response("search_users", response, request)
        got = client.search_users(**request)
    got.pop("ResponseMetadata", None)
    assert got == response


@given(schema_strategies.from_schema(schemas.load("AssociateFaces.request")))
def test_generic_compiler_requests_pass_botocore(request: dict[str, Any]) -> None:
    assert schemas.validate_request(request, "AssociateFaces") == []
    report = ParamValidator().validate(request, model.operation_model("AssociateFaces").input_shape)
    assert not report.has_errors(), report.generate_report()


@pytest.mark.parametrize("name", ["ListUsers.response", "DescribeCollection.response", "error"])
def test_generic_compiler_matches_its_schema(name: str) -> None:
    @given(schema_strategies.from_schema(schemas.load(name)))
    @settings(max_examples=30)
    def check(instance: Any) -> None:
        assert schemas.validate(name, instance) == []

    check()


def test_the_facade_serves_each_operations_strategies_from_the_contract() -> None:
    """`conformance.strategies` is what users import; the contract modules stay importable."""
    assert facade.search_users_requests is S.search_users_requests
    assert facade.invalid_search_users_requests is S.invalid_search_users_requests
    assert facade.search_users_responses is S.search_users_responses
    assert facade.search_users_by_image_requests is image_strategies.search_users_by_image_requests
    assert facade.boto3_params is image_strategies.boto3_params
    assert all(callable(getattr(facade, name)) for name in facade.__all__)


def test_any_character_is_every_character_utf8_encodes() -> None:
    """The free-text alphabet is hypothesis's default (`codec="utf-8"`) read from the category
    table: every code point but the surrogates, which are exactly the ones UTF-8 refuses."""
    from hypothesis.strategies._internal.lazy import unwrap_strategies

    intervals = unwrap_strategies(schema_strategies.ANY_CHARACTER).intervals.intervals
    assert intervals == ((0, 0xD7FF), (0xE000, 0x10FFFF))
    for inside in (0, 0xD7FF, 0xE000, 0x10FFFF):
        chr(inside).encode("utf-8")
    for surrogate in (0xD800, 0xDFFF):
        with pytest.raises(UnicodeEncodeError):
            chr(surrogate).encode("utf-8")
