from __future__ import annotations

import socket

import botocore.credentials
import pytest

from conformance.errors import BudgetExhausted, TargetThrottled, TargetUnavailable, UsageError
from conformance.transport import LOOPBACK_CREDENTIALS, Transport, TransportSettings

from .conftest import ScriptedServer

SECRET_CREDS = botocore.credentials.Credentials(
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN"
)


def transport(url: str, **overrides: object) -> tuple[Transport, list[float]]:
    slept: list[float] = []
    settings = TransportSettings(endpoint_url=url, **overrides)  # type: ignore[arg-type]
    return Transport(settings, LOOPBACK_CREDENTIALS, sleep=slept.append), slept


def test_call_sends_json_11_and_records_the_exchange(scripted: ScriptedServer) -> None:
    scripted.reply(200, {"UserMatches": []})
    t, _ = transport(scripted.url)
    ex = t.call("SearchUsers", {"CollectionId": "c", "UserId": "u"}, label="probe")
    headers, body = scripted.requests[0]
    assert headers["X-Amz-Target"] == "RekognitionService.SearchUsers"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256")
    assert b'"CollectionId": "c"' in body
    assert ex.status == 200 and ex.json == {"UserMatches": []} and ex.label == "probe"
    assert t.stats.sent["SearchUsers"] == 1


def test_invalid_members_still_reach_the_wire(scripted: ScriptedServer) -> None:
    t, _ = transport(scripted.url)
    t.call("SearchUsers", {"CollectionId": "c", "MaxUsers": "many", "UserMatchThreshold": -1})
    _, body = scripted.requests[0]
    assert b'"MaxUsers": "many"' in body and b"-1" in body


def test_secrets_never_reach_the_exchange(scripted: ScriptedServer) -> None:
    t = Transport(TransportSettings(endpoint_url=scripted.url), SECRET_CREDS)
    ex = t.call("SearchUsers", {"CollectionId": "c"})
    dumped = repr(ex.to_dict())
    assert "AKIAIOSFODNN7EXAMPLE" not in dumped
    assert "FwoGZXIvYXdzEXAMPLETOKEN" not in dumped
    assert ex.request_headers["authorization"] == "<scrubbed>"
    # ...while the real request did carry them
    assert "AKIAIOSFODNN7EXAMPLE" in scripted.requests[0][0]["Authorization"]


def test_throttling_is_retried_with_backoff_and_counted(scripted: ScriptedServer) -> None:
    for _ in range(2):
        scripted.reply(400, {"__type": "ThrottlingException"})
    scripted.reply(200, {"UserMatches": []})
    t, slept = transport(scripted.url)
    ex = t.call("SearchUsers", {"CollectionId": "c"})
    assert ex.ok and ex.attempts == 3
    assert t.stats.throttled == 2 and t.stats.total == 3 and len(slept) == 2


def test_persistent_throttling_returns_the_throttled_answer(scripted: ScriptedServer) -> None:
    for _ in range(10):
        scripted.reply(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"})
    t, _ = transport(scripted.url, throttle_retries=2)
    ex = t.call("SearchUsers", {"CollectionId": "c"})
    assert ex.throttled and ex.attempts == 3 and ex.json is None


def test_budget_is_a_hard_stop(scripted: ScriptedServer) -> None:
    t, _ = transport(scripted.url, max_requests=2)
    t.call("ListUsers", {"CollectionId": "c"})
    t.call("ListUsers", {"CollectionId": "c"})
    with pytest.raises(BudgetExhausted):
        t.call("ListUsers", {"CollectionId": "c"})
    assert len(scripted.requests) == 2


def test_retries_count_against_the_budget(scripted: ScriptedServer) -> None:
    for _ in range(5):
        scripted.reply(400, {"__type": "ProvisionedThroughputExceededException"})
    t, _ = transport(scripted.url, max_requests=3)
    with pytest.raises(BudgetExhausted):
        t.call("SearchUsers", {"CollectionId": "c"})
    assert len(scripted.requests) == 3


def test_rate_limit_spaces_requests(scripted: ScriptedServer) -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    t = Transport(
        TransportSettings(endpoint_url=scripted.url, rps=10.0),
        LOOPBACK_CREDENTIALS,
        sleep=sleep,
        clock=lambda: now[0],
    )
    for _ in range(4):
        t.call("SearchUsers", {"CollectionId": "c"})
    assert waits == pytest.approx([0.1, 0.1, 0.1])


def test_unreachable_endpoint_is_a_one_line_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t, _ = transport(f"http://127.0.0.1:{port}", connect_timeout_s=1.0)
    with pytest.raises(TargetUnavailable, match="cannot reach"):
        t.call("SearchUsers", {"CollectionId": "c"})


def test_missing_credentials_are_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no AWS credentials"):
        Transport(TransportSettings(endpoint_url="http://127.0.0.1:1"), None)


def test_raw_probe_keeps_broken_bodies(scripted: ScriptedServer) -> None:
    t, _ = transport(scripted.url)
    ex = t.call_raw(b"{not json", target=None)
    headers, body = scripted.requests[0]
    assert "X-Amz-Target" not in headers and body == b"{not json"
    assert ex.operation is None and ex.params is None


def test_persistent_throttling_stops_sending(scripted: ScriptedServer) -> None:
    for _ in range(20):
        scripted.reply(400, {"__type": "ThrottlingException"})
    t, _ = transport(scripted.url, throttle_retries=1, give_up_after_throttled=2)
    t.call("SearchUsers", {"CollectionId": "c"})
    with pytest.raises(TargetThrottled, match="2 requests in a row stayed throttled"):
        t.call("SearchUsers", {"CollectionId": "c"})
    assert len(scripted.requests) == 4


def test_an_answer_between_throttles_resets_the_streak(scripted: ScriptedServer) -> None:
    for status, body in [(400, {"__type": "ThrottlingException"}), (200, {}), (429, {})]:
        scripted.reply(status, body)
    t, _ = transport(scripted.url, throttle_retries=0, give_up_after_throttled=2)
    for _ in range(3):
        t.call("SearchUsers", {"CollectionId": "c"})


def test_held_back_requests_are_only_spent_after_release(scripted: ScriptedServer) -> None:
    t, _ = transport(scripted.url, max_requests=3)
    t.hold_back(1)
    t.call("ListUsers", {"CollectionId": "c"})
    t.call("ListUsers", {"CollectionId": "c"})
    with pytest.raises(BudgetExhausted, match="budget of 3 exhausted"):
        t.call("ListUsers", {"CollectionId": "c"})
    t.release()
    t.call("DeleteCollection", {"CollectionId": "c"})
    assert len(scripted.requests) == 3
