"""AWS's published SearchUsersByImage example, shipped as a cassette: a real exchange the
schemas and the linter must accept as they are."""

from __future__ import annotations

from conformance import schemas
from conformance.recording import lint, load_exchanges

from .conftest import SHIPPED

EXAMPLE = SHIPPED / "search-users-by-image" / "aws-example.yaml"


def test_the_example_lints_clean_and_says_where_it_comes_from() -> None:
    assert lint(EXAMPLE) == []
    text = EXAMPLE.read_text()
    assert "searchusersbyimage-1686183178610" in text and "source:" in text


def test_the_example_is_one_valid_search_users_by_image_exchange() -> None:
    (exchange,) = load_exchanges(EXAMPLE)
    assert exchange.operation == "SearchUsersByImage"
    request = exchange.wire_request
    assert request is not None
    assert schemas.validate_search_users_by_image_request(request) == []
    assert request["Image"] == {"S3Object": {"Bucket": "bucket", "Name": "input.jpg"}}
    response = exchange.json
    assert exchange.status == 200
    assert schemas.validate_search_users_by_image_response(response, strict=True) == []
    assert [u["Reasons"] for u in response["UnsearchedFaces"]] == [["FACE_NOT_LARGEST"]] * 2
    searched = response["SearchedFace"]["FaceDetail"]["BoundingBox"]
    for face in response["UnsearchedFaces"]:  # AWS's own answer searched its largest face
        box = face["FaceDetails"]["BoundingBox"]
        assert box["Width"] * box["Height"] <= searched["Width"] * searched["Height"]


def test_the_example_replays_through_the_gate_without_a_false_alarm() -> None:
    """Judged as recorded: every image rule that applies to AWS's own answer passes."""
    from conformance.config import RunConfig
    from conformance.engine import run
    from conformance.errors import EXIT_OK
    from conformance.rules.base import Status

    result = run(RunConfig(cassette=EXAMPLE, strict=True))
    assert result.exit_code == EXIT_OK
    judged = {v.rule.id: v.status for v in result.verdicts}
    for rule_id in ("image.schema", "image.box-valid", "image.largest-searched", "image.reasons"):
        assert judged[rule_id] is Status.PASS, rule_id
    assert judged["results.order"] is Status.PASS
