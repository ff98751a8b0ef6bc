"""Arbitrary JSON bodies never reach a 500, a traceback or a non-AWS-shaped answer."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.reference.operations import OPERATIONS
from conformance.reference.server import ReferenceServer

JSON_TYPE = "application/x-amz-json-1.1"
MEMBERS = [
    "CollectionId",
    "UserId",
    "FaceId",
    "FaceIds",
    "UserMatchThreshold",
    "MaxUsers",
    "MaxResults",
    "NextToken",
    "Image",
    "ClientRequestToken",
    "QualityFilter",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["demo", "00000000-0000-0000-0000-000000000000", "u-1", "AA=="]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["Bytes", "S3Object", "Bucket", "Name"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)
bodies = st.dictionaries(st.sampled_from(MEMBERS), values, max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operation=st.sampled_from(sorted(OPERATIONS)), body=bodies)
def test_fuzzed_bodies_get_aws_shaped_answers(
    server: ReferenceServer, operation: str, body: dict[str, Any]
) -> None:
    parts = urlsplit(server.url)
    assert parts.hostname and parts.port
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(
        "POST",
        "/",
        body=json.dumps(body),
        headers={"Content-Type": JSON_TYPE, "X-Amz-Target": f"RekognitionService.{operation}"},
    )
    response = conn.getresponse()
    payload = json.loads(response.read())
    conn.close()
    assert response.status in (200, 400), (operation, body, payload)
    assert response.getheader("Content-Type") == JSON_TYPE
    if response.status == 400:
        assert payload["__type"] == payload["Code"]
        assert payload["__type"] != "InternalServerError"
