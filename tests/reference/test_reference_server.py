"""The wire: AWS JSON 1.1 framing, and bad input that must never produce a 500 or HTML."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from conformance.reference.server import ReferenceServer

JSON_TYPE = "application/x-amz-json-1.1"


def _connect(server: ReferenceServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    assert parts.hostname is not None and parts.port is not None
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def _send(
    server: ReferenceServer,
    method: str = "POST",
    body: bytes = b"{}",
    target: str | None = "RekognitionService.ListCollections",
    content_type: str | None = JSON_TYPE,
    extra: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = _connect(server)
    headers = {"Content-Length": str(len(body)), **(extra or {})}
    if target is not None:
        headers["X-Amz-Target"] = target
    if content_type is not None:
        headers["Content-Type"] = content_type
    conn.request(method, "/", body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    conn.close()
    return result


def _assert_aws_error(response: tuple[int, dict[str, str], bytes], status: int, code: str) -> None:
    got_status, headers, body = response
    assert got_status == status
    assert headers["content-type"] == JSON_TYPE
    assert uuid.UUID(headers["x-amzn-requestid"]).version == 4
    assert int(headers["content-length"]) == len(body)
    payload = json.loads(body)
    assert payload["__type"] == payload["Code"] == code
    assert payload["Message"]
    assert "Traceback" not in body.decode()


def test_success_framing(server: ReferenceServer) -> None:
    status, headers, body = _send(server, content_type=f"{JSON_TYPE}; charset=utf-8")
    assert status == 200
    assert headers["content-type"] == JSON_TYPE
    assert int(headers["content-length"]) == len(body)
    assert uuid.UUID(headers["x-amzn-requestid"]).version == 4
    assert "CollectionIds" in json.loads(body)


def test_request_ids_are_unique(server: ReferenceServer) -> None:
    ids = {_send(server)[1]["x-amzn-requestid"] for _ in range(5)}
    assert len(ids) == 5


def test_malformed_json(server: ReferenceServer) -> None:
    _assert_aws_error(_send(server, body=b'{"CollectionId": '), 400, "SerializationException")


def test_non_object_json_and_invalid_utf8(server: ReferenceServer) -> None:
    _assert_aws_error(_send(server, body=b"[1, 2]"), 400, "SerializationException")
    _assert_aws_error(_send(server, body=b'{"a": "\xff"}'), 400, "SerializationException")


def test_nan_is_not_json(server: ReferenceServer) -> None:
    body = b'{"CollectionId": "c", "UserId": "u", "UserMatchThreshold": NaN}'
    response = _send(server, body=body, target="RekognitionService.SearchUsers")
    _assert_aws_error(response, 400, "SerializationException")


@pytest.mark.parametrize(
    "target", [None, "", "RekognitionService.Nope", "Other.ListCollections", "DetectFaces"]
)
def test_unknown_or_missing_target(server: ReferenceServer, target: str | None) -> None:
    _assert_aws_error(_send(server, target=target), 400, "UnknownOperationException")


def test_wrong_content_type(server: ReferenceServer) -> None:
    response = _send(server, content_type="text/plain")
    _assert_aws_error(response, 400, "SerializationException")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"CollectionId": "c", "UserId": "u", "MaxUsers": "5"}, "SerializationException"),
        (
            {"CollectionId": "c", "UserId": "u", "UserMatchThreshold": "80"},
            "SerializationException",
        ),
        ({"CollectionId": 5, "UserId": "u"}, "SerializationException"),
        ({"CollectionId": "c", "UserId": "u", "MaxUsers": 2.5}, "SerializationException"),
        ({"CollectionId": "c", "UserId": "u", "MaxUsers": True}, "SerializationException"),
        ({"UserId": "u"}, "InvalidParameterException"),
        ({"CollectionId": "c", "UserId": ["u"]}, "SerializationException"),
    ],
)
def test_member_types(server: ReferenceServer, body: dict[str, Any], code: str) -> None:
    response = _send(
        server, body=json.dumps(body).encode(), target="RekognitionService.SearchUsers"
    )
    _assert_aws_error(response, 400, code)


def test_bad_base64_blob(server: ReferenceServer) -> None:
    body = json.dumps({"CollectionId": "c", "Image": {"Bytes": "***"}}).encode()
    response = _send(server, body=body, target="RekognitionService.IndexFaces")
    _assert_aws_error(response, 400, "SerializationException")


def test_enum_violation(server: ReferenceServer) -> None:
    body = json.dumps({"CollectionId": "c", "Image": {"Bytes": "AA=="}, "QualityFilter": "MAX"})
    response = _send(server, body=body.encode(), target="RekognitionService.IndexFaces")
    _assert_aws_error(response, 400, "InvalidParameterException")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_non_post_methods_get_json(server: ReferenceServer, method: str) -> None:
    response = _send(server, method=method, body=b"")
    _assert_aws_error(response, 405, "UnknownOperationException")
    assert response[1]["allow"] == "POST"


def test_head_has_headers_but_no_body(server: ReferenceServer) -> None:
    status, headers, body = _send(server, method="HEAD", body=b"")
    assert status == 405
    assert body == b""
    assert int(headers["content-length"]) > 0
    assert headers["content-type"] == JSON_TYPE


def test_unknown_method_is_json_not_html(server: ReferenceServer) -> None:
    response = _send(server, method="BREW", body=b"")
    assert response[0] == 405
    assert json.loads(response[2])["__type"] == "UnknownOperationException"
    assert response[1]["content-type"] == JSON_TYPE
    assert uuid.UUID(response[1]["x-amzn-requestid"])


def test_huge_body_is_refused_without_reading_it(server: ReferenceServer) -> None:
    conn = _connect(server)
    conn.putrequest("POST", "/")
    conn.putheader("Content-Length", str(64 * 1024 * 1024))
    conn.putheader("Content-Type", JSON_TYPE)
    conn.putheader("X-Amz-Target", "RekognitionService.IndexFaces")
    conn.endheaders()
    conn.send(b"{" + b" " * 1024)
    response = conn.getresponse()
    body = response.read()
    assert response.status == 413
    assert json.loads(body)["__type"] == "RequestEntityTooLargeException"
    assert response.getheader("Connection") == "close"
    conn.close()


def test_keep_alive_serves_many_requests_on_one_connection(server: ReferenceServer) -> None:
    conn = _connect(server)
    for _ in range(20):
        conn.request(
            "POST",
            "/",
            body=b"{}",
            headers={
                "Content-Type": JSON_TYPE,
                "X-Amz-Target": "RekognitionService.ListCollections",
            },
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 200
    conn.close()


def test_internal_errors_are_json_500(server: ReferenceServer, monkeypatch: Any) -> None:
    from conformance.reference import operations

    def explode(_store: Any, _params: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(operations.OPERATIONS, "ListCollections", explode)
    response = _send(server)
    _assert_aws_error(response, 500, "InternalServerError")
    assert b"boom" not in response[2]


def test_concurrent_creates_are_consistent(server: ReferenceServer) -> None:
    from .conftest import make_client

    client = make_client(server.url)
    client.create_collection(CollectionId="concurrency")
    errors: list[BaseException] = []

    def create(start: int) -> None:
        local = make_client(server.url)
        try:
            for i in range(start, start + 10):
                local.create_user(CollectionId="concurrency", UserId=f"user-{i:03d}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(n * 10,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    users = client.list_users(CollectionId="concurrency", MaxResults=500)["Users"]
    assert len(users) == 40
