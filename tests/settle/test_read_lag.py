"""The reference's eventually consistent mode: reads see the past, writes see the present."""

from __future__ import annotations

import subprocess
from typing import Any

import boto3
import pytest

from conformance.reference.lag import LaggedStore
from conformance.reference.server import ReferenceServer
from conformance.reference.store import Store
from tests.serving import running_serve

LONG_LAG = 600.0
"""Far longer than any test takes: "not visible yet" holds however loaded the machine is."""


def _client(url: str) -> Any:
    return boto3.client(
        "rekognition",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_reads_lag_behind_writes_over_http() -> None:
    with ReferenceServer(quiet=True, read_lag_s=LONG_LAG) as server:
        client = _client(server.url)
        client.create_collection(CollectionId="lagging")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_collection(CollectionId="lagging")  # as AWS may answer, for a while
        client.create_user(CollectionId="lagging", UserId="ann")  # writes see the present
        with pytest.raises(client.exceptions.ConflictException):
            client.create_user(CollectionId="lagging", UserId="ann")


def test_the_serve_command_takes_a_read_lag() -> None:
    with running_serve("--read-lag", str(LONG_LAG), stderr=subprocess.DEVNULL) as (_, url):
        client = _client(url)
        client.create_collection(CollectionId="lagging")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.list_users(CollectionId="lagging")


def test_history_serves_the_newest_state_old_enough() -> None:
    """Time is injected: the past becomes visible exactly `seconds` after each write."""
    now = [100.0]
    store = Store()
    lagged = LaggedStore(store, 1.0, clock=lambda: now[0])
    with store.transaction():
        lagged.before_write("c")
        store.create_collection("c")
        lagged.after_write("c")
    assert lagged.collection("c") is None
    now[0] += 0.5
    with store.transaction():
        lagged.before_write("c")
        store.create_user(store.collection("c"), "ann")  # type: ignore[arg-type]
        lagged.after_write("c")
    now[0] += 0.6  # the collection is 1.1 s old, the user 0.6 s
    seen = lagged.collection("c")
    assert seen is not None and "ann" not in seen.users
    now[0] += 0.5
    seen = lagged.collection("c")
    assert seen is not None and "ann" in seen.users
    assert lagged.collection("never-written") is None  # no history: the live store
