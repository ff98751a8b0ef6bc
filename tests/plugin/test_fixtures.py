from __future__ import annotations

import pytest

AWS_EXAMPLE = """
REQUEST = {"CollectionId": "MyCollection", "MaxUsers": 2, "UserId": "DemoUser",
           "UserMatchThreshold": 70}
RESPONSE = {"FaceModelVersion": "6", "SearchedUser": {"UserId": "DemoUser"},
            "UserMatches": [{"Similarity": 99.88186645507812,
                             "User": {"UserId": "demoUser1", "UserStatus": "ACTIVE"}}]}
"""


def test_check_search_users_accepts_aws_published_example(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=AWS_EXAMPLE
        + "\ndef test_ok(check_search_users):\n    check_search_users(REQUEST, RESPONSE)\n"
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_check_search_users_lists_violated_rules(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=AWS_EXAMPLE
        + """
def test_broken(check_search_users):
    broken = dict(RESPONSE, UserMatches=[
        {"Similarity": 50.0, "User": {"UserId": "a", "UserStatus": "ACTIVE"}},
        {"Similarity": 90.0, "User": {"UserId": "a", "UserStatus": "ACTIVE"}},
        {"Similarity": 95.0, "User": {"UserId": "b", "UserStatus": "ACTIVE"}},
    ])
    check_search_users(REQUEST, broken)
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "AssertionError: SearchUsers answer violates the contract" in out
    # several rules at once: order, threshold (50 < 70), max users (3 > 2), a user twice
    for rule_id in ("results.order", "results.threshold", "results.max-users", "results.unique"):
        assert f"- {rule_id}: " in out, rule_id
    assert "conformance/plugin" not in out  # the failure points at the user's test, not at us


def test_rekognition_client_talks_to_the_embedded_reference(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_client="""
import pytest

def test_round_trip(rekognition_client, searchusers_endpoint):
    assert searchusers_endpoint.url.startswith("http://127.0.0.1:")
    rekognition_client.create_collection(CollectionId="mine")
    assert "mine" in rekognition_client.list_collections()["CollectionIds"]
    with pytest.raises(rekognition_client.exceptions.ResourceNotFoundException):
        rekognition_client.search_users(CollectionId="absent", UserId="u")
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_rekognition_client_points_at_a_configured_endpoint(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_client="""
def test_endpoint(rekognition_client, searchusers_endpoint):
    assert rekognition_client.meta.endpoint_url == "http://emulator.invalid:4566"
    assert rekognition_client.meta.region_name == "eu-west-1"
    assert not searchusers_endpoint.loopback
"""
    )
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--su-endpoint-url=http://emulator.invalid:4566",
        "--su-region=eu-west-1",
    )
    result.assert_outcomes(passed=1)


def test_searchusers_collection_has_the_documented_shape(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_seeded="""
def test_shape(searchusers_collection, rekognition_client):
    seeded = searchusers_collection
    assert seeded.collection_id == "demo"
    assert {user: len(faces) for user, faces in seeded.users.items()} == {
        "alice": 2, "bob": 2, "carol": 1, "dave": 0}
    assert len(seeded.unassociated_faces) == 1
    answer = rekognition_client.search_users(
        CollectionId=seeded.collection_id, FaceId=seeded.users["alice"][0],
        UserMatchThreshold=0, MaxUsers=5)
    assert "alice" in [m["User"]["UserId"] for m in answer["UserMatches"]]


def test_once_per_session(searchusers_collection):
    assert searchusers_collection.users["bob"]
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_searchusers_collection_skips_where_it_would_have_to_write(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_seeded="def test_it(searchusers_collection):\n    pass\n")
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--su-endpoint-url", "http://127.0.0.1:9", "-rs"
    )
    result.assert_outcomes(skipped=1)
    assert "pass --su-collection-id" in result.stdout.str()


def test_check_search_users_by_image_passes_a_real_answer(pytester: pytest.Pytester) -> None:
    """A user's own SearchUsersByImage test against the embedded reference: the real answer
    (image bytes in the request, as boto3 takes them) conforms, and no SearchUsers-only check
    (say, "neither UserId nor FaceId") is applied to it."""
    pytester.makepyfile(
        test_image="""
from conformance.reference.faces import person_image

def test_real(rekognition_client, searchusers_collection, check_search_users_by_image):
    image = person_image(1, variant=0.05)  # alice's likeness, as the demo indexed it
    request = {"CollectionId": searchusers_collection.collection_id, "Image": {"Bytes": image},
               "UserMatchThreshold": 0}
    answer = rekognition_client.search_users_by_image(**request)
    assert answer["UserMatches"][0]["User"]["UserId"] == "alice"
    check_search_users_by_image(request, answer)
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


SIGNED_BY = """
import botocore.awsrequest
import pytest
from botocore.exceptions import NoCredentialsError

def signed_by(client):
    seen = []
    def answer(request, **kwargs):
        seen.append(request.headers.get("Authorization", b""))
        return botocore.awsrequest.AWSResponse(request.url, 200, {}, None)
    client.meta.events.register("before-send.rekognition", answer)
    try:
        client.list_collections()
    except NoCredentialsError:
        return None
    except Exception:
        pass
    auth = seen[0].decode() if isinstance(seen[0], bytes) else seen[0]
    return auth.split("Credential=", 1)[1].split("/", 1)[0]
"""


@pytest.mark.parametrize(
    ("url", "signer"),
    [("http://127.0.0.1:9/", "'testing'"), ("http://emulator.invalid:4566", "None")],
    ids=["local-emulator-dummy", "remote-none"],
)
def test_rekognition_client_credentials_follow_the_gate_policy(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, url: str, signer: str
) -> None:
    """No credentials configured: a local emulator gets the dummy ones, as the gate signs; a
    remote endpoint gets none (botocore then refuses to send), never a made-up key."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(pytester.path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(pytester.path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    pytester.makepyfile(
        test_signer=SIGNED_BY
        + f"\ndef test_signer(rekognition_client):\n    assert signed_by(rekognition_client) == {signer}\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--su-endpoint-url={url}")
    result.assert_outcomes(passed=1)
