"""The sdk.* rules: what botocore's own parser hands a boto3 caller, against the wire."""

from __future__ import annotations

from conformance.exchange import Exchange
from conformance.rules.base import Finding
from tests.rules.conftest import COLLECTION, JSON_HEADERS, exchange, findings, search, verdict

IPE = "InvalidParameterException"


def _said(rule_id: str, *answers: Exchange) -> str:
    found: list[Finding] = findings(rule_id, answers)
    return " ".join(f.message for f in found if not f.passed)


def test_a_header_that_contradicts_the_body_type_fails_naming_both() -> None:
    answer = search(
        status=400,
        body={"__type": "ValidationException", "message": "m"},
        headers={**JSON_HEADERS, "x-amzn-errortype": IPE},
    )
    said = _said("sdk.error-code", answer)
    assert "X-Amzn-Errortype 'InvalidParameterException'" in said
    assert "boto3 hands the caller: ClientError with Code 'ValidationException'" in said


def test_a_modeled_error_raises_its_modeled_exception() -> None:
    answer = search(status=400, body={"__type": f"com.amazonaws.rekognition#{IPE}"})
    assert verdict("sdk.error-code", [answer]) == "pass"


def test_an_unparsable_answer_is_the_exception_boto3_raises() -> None:
    answer = search(body={"UserMatches": {"bob": {"Similarity": 90}}})
    assert "boto3 hands the caller: AttributeError" in _said("sdk.members", answer)


def test_a_non_json_success_is_an_empty_answer_to_boto3() -> None:
    listed = exchange("ListUsers", {"CollectionId": COLLECTION}, body=b"<html>ok</html>")
    assert "an answer with no member and no error" in _said("sdk.members", listed)


def test_a_string_where_a_list_belongs_is_split_into_characters() -> None:
    listed = exchange("ListFaces", {"CollectionId": COLLECTION}, body={"Faces": "abc"})
    said = _said("sdk.members", listed)
    assert "where the model promises a list" in said or "AttributeError" in said


def test_null_members_and_documented_empty_bodies_are_what_boto3_reads() -> None:
    created = exchange("CreateUser", {"CollectionId": COLLECTION, "UserId": "u"}, body=b"")
    nulls = search(body={"FaceModelVersion": "7", "SearchedFace": None, "UserMatches": []})
    assert verdict("sdk.members", [created, nulls]) == "pass"


def test_a_member_in_both_spellings_is_not_dropped() -> None:
    both = search(body={"FaceModelVersion": "7", "faceModelVersion": "7", "UserMatches": []})
    assert verdict("sdk.members", [both]) == "pass"
