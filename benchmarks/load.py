"""Does the reference service hold up under concurrent mixed load?

8 client processes x 2,000 requests each (by default) against one ReferenceServer on loopback:
writes (CreateUser, IndexFaces, AssociateFaces), searches (SearchUsers by UserId and by FaceId)
and malformed bodies (broken JSON, wrong member types, unknown operations). Clients are separate
processes so their own work does not compete with the server for one interpreter lock, as real
clients would not. Afterwards every user a client saw created must be listed by ListUsers: a
write acknowledged and then lost is the worst thing a store can do.

With `--state PATH` the server journals into that SQLite file and the check runs against a
second server started on the same file after the first has stopped: what a client was told is
saved must come back after a restart. `--max-file-size BYTES` additionally caps the size of any file
the server writes (RLIMIT_FSIZE, which fails writes with EFBIG just as a full disk does), so
writes fail mid-run; CreateUser then carries a ClientRequestToken and is retried once after a
5xx, as boto3 does, and every 5xx must be an honest "not saved" (it is not counted as a miss).

Prints throughput, latency percentiles, the count of 5xx answers (target 0 without --max-file-size)
and of lost writes (target 0); exits 1 when a target is missed. Bounded in time (--deadline),
loopback only.

    .venv/bin/python benchmarks/load.py [--clients 8] [--requests 2000] [--deadline 300]
                                        [--state PATH [--max-file-size BYTES]]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import random
import resource
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from conformance.reference.faces import person_image
from conformance.reference.server import ReferenceServer

COLLECTION = "load-test"
SEEDED_USERS = 20
IMAGE_SIZE = 48
TARGET = "RekognitionService."
HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    # the reference does not check signatures; a fixed header keeps clients cheap
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/rekognition/aws4_request",
}
MALFORMED: list[tuple[str | None, bytes]] = [
    ("SearchUsers", b'{"CollectionId": "load-test", "UserId": '),
    ("SearchUsers", b'{"CollectionId": 7, "UserId": ["x"]}'),
    ("SearchUsers", b'{"CollectionId": "load-test", "MaxUsers": "ten", "UserId": "u"}'),
    ("SearchUsers", b"\xff\xfe not even utf-8"),
    ("NoSuchOperation", b"{}"),
    (None, b'{"CollectionId": "load-test"}'),
]


@dataclass
class ClientReport:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    created_users: list[str] = field(default_factory=list)
    transport_errors: int = 0
    stopped_early: bool = False


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, operation: str | None, body: bytes) -> tuple[int, Any]:
        headers = dict(HEADERS)
        if operation is not None:
            headers["X-Amz-Target"] = TARGET + operation
        try:
            self.http.request("POST", "/", body=body, headers=headers)
            response = self.http.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()
            self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None

    def call(self, operation: str, params: dict[str, Any]) -> tuple[int, Any]:
        return self.post(operation, json.dumps(params).encode())


def seed(port: int) -> list[str]:
    """A collection with users that have faces, so searches have something to rank."""
    connection = Connection(port)
    connection.call("CreateCollection", {"CollectionId": COLLECTION})
    users = []
    for number in range(SEEDED_USERS):
        user = f"seeded-{number}"
        face_id = _index(connection, person_image(1000 + number, size=IMAGE_SIZE))
        connection.call("CreateUser", {"CollectionId": COLLECTION, "UserId": user})
        if face_id:
            connection.call(
                "AssociateFaces",
                {"CollectionId": COLLECTION, "UserId": user, "FaceIds": [face_id]},
            )
            users.append(user)
    return users


def _index(connection: Connection, image: bytes) -> str | None:
    import base64

    status, body = connection.call(
        "IndexFaces",
        {
            "CollectionId": COLLECTION,
            "Image": {"Bytes": base64.b64encode(image).decode()},
            "MaxFaces": 1,
        },
    )
    if status != 200 or not isinstance(body, dict):
        return None
    records = body.get("FaceRecords") or []
    return records[0]["Face"]["FaceId"] if records else None


def client(args: tuple[int, int, int, list[str], float]) -> ClientReport:
    number, port, requests, seeded, deadline = args
    rng = random.Random(number)
    connection = Connection(port)
    report = ClientReport()
    images = [person_image(5000 + number * 10 + k, size=IMAGE_SIZE) for k in range(4)]
    faces: list[str] = []
    pending_user: str | None = None
    for index in range(requests):
        if time.monotonic() > deadline:
            report.stopped_early = True
            break
        roll = rng.random()
        started = time.perf_counter()
        try:
            if roll < 0.25:
                kind = ("CreateUser", "IndexFaces", "AssociateFaces")[index % 3]
                status = _write(connection, kind, number, index, images, faces, report)
                if kind == "CreateUser" and status == 200:
                    pending_user = report.created_users[-1]
                if kind == "AssociateFaces":
                    if not (pending_user and faces):
                        continue  # nothing to associate yet: this slot sends nothing
                    status, _ = connection.call(
                        "AssociateFaces",
                        {
                            "CollectionId": COLLECTION,
                            "UserId": pending_user,
                            "FaceIds": [faces.pop()],
                        },
                    )
                    pending_user = None
            elif roll < 0.80:
                kind = "SearchUsers"
                params: dict[str, Any] = {
                    "CollectionId": COLLECTION,
                    "UserId": rng.choice(seeded),
                    "UserMatchThreshold": rng.choice([0, 50, 80, 99]),
                    "MaxUsers": rng.choice([1, 5, 50, 500]),
                }
                status, _ = connection.call("SearchUsers", params)
            else:
                kind = "malformed"
                operation, body = rng.choice(MALFORMED)
                status, _ = connection.post(operation, body)
        except (OSError, http.client.HTTPException):
            report.transport_errors += 1
            continue
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.statuses[status] += 1
        report.kinds[kind] += 1
    return report


def _write(
    connection: Connection,
    kind: str,
    number: int,
    index: int,
    images: list[bytes],
    faces: list[str],
    report: ClientReport,
) -> int:
    if kind == "CreateUser":
        user = f"client{number}-user{index}"
        params = {
            "CollectionId": COLLECTION,
            "UserId": user,
            "ClientRequestToken": str(uuid.uuid4()),
        }
        status, _ = connection.call("CreateUser", params)
        if status >= 500:  # boto3 retries a 500 with the same token; so do we, once
            status, _ = connection.call("CreateUser", params)
        if status == 200:
            report.created_users.append(user)
        return status
    if kind == "IndexFaces":
        face_id = _index(connection, images[index % len(images)])
        if face_id:
            faces.append(face_id)
        return 200 if face_id else 400
    return 0  # AssociateFaces is sent by the caller once a user and a face are at hand


def listed_users(port: int) -> set[str]:
    connection = Connection(port)
    users: set[str] = set()
    token: str | None = None
    while True:
        params: dict[str, Any] = {"CollectionId": COLLECTION, "MaxResults": 500}
        if token:
            params["NextToken"] = token
        status, body = connection.call("ListUsers", params)
        if status != 200 or not isinstance(body, dict):
            raise SystemExit(f"ListUsers answered {status}: cannot check for lost writes")
        users |= {u["UserId"] for u in body.get("Users") or []}
        token = body.get("NextToken")
        if not token:
            return users


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="per client")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds, then stop")
    parser.add_argument("--state", metavar="PATH", help="journal into this SQLite file")
    parser.add_argument(
        "--max-file-size", type=int, metavar="BYTES", help="with --state: file size cap"
    )
    options = parser.parse_args()
    if options.max_file_size is not None and not options.state:
        parser.error("--max-file-size needs --state")
    with ReferenceServer(state_path=options.state, quiet=True) as server:
        port = int(server.url.rsplit(":", 1)[1])
        seeded = seed(port)
        deadline = time.monotonic() + options.deadline
        work = [(n, port, options.requests, seeded, deadline) for n in range(options.clients)]
        limit = resource.getrlimit(resource.RLIMIT_FSIZE)
        if options.max_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (options.max_file_size, limit[1]))
        started = time.perf_counter()
        try:
            with multiprocessing.get_context("fork").Pool(options.clients) as pool:
                reports = pool.map(client, work)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        wall = time.perf_counter() - started
        listed = listed_users(port)
    if options.state:  # what a restarted server finds is what was really saved
        with ReferenceServer(state_path=options.state, quiet=True) as server:
            served, listed = listed, listed_users(int(server.url.rsplit(":", 1)[1]))
        print(f"after a restart on {options.state}: {len(listed)} users ({len(served)} before)")
    latencies = [ms for r in reports for ms in r.latencies_ms]
    statuses: Counter[int] = sum((r.statuses for r in reports), Counter())
    kinds: Counter[str] = sum((r.kinds for r in reports), Counter())
    created = [user for r in reports for user in r.created_users]
    lost = [user for user in created if user not in listed]
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    transport_errors = sum(r.transport_errors for r in reports)
    print(f"clients {options.clients} x {options.requests} requests; wall {wall:.1f}s")
    print(
        f"requests answered: {len(latencies)} ({', '.join(f'{k} {v}' for k, v in kinds.most_common())})"
    )
    print(f"throughput: {len(latencies) / wall:.0f} requests/s")
    print(
        f"latency ms: p50 {percentile(latencies, 0.50):.1f}, p99 {percentile(latencies, 0.99):.1f}, "
        f"max {max(latencies, default=0):.1f}"
    )
    print(f"statuses: {dict(sorted(statuses.items()))}; transport errors {transport_errors}")
    errors_allowed = options.max_file_size is not None  # a full volume must fail writes honestly
    print(f"5xx: {server_errors} (target {'any' if errors_allowed else 0})")
    print(f"lost writes: {len(lost)} of {len(created)} created users (target 0)")
    if any(r.stopped_early for r in reports):
        print(f"stopped early: the {options.deadline:.0f}s deadline was reached")
    healthy = (errors_allowed or server_errors == 0) and transport_errors == 0
    return 0 if healthy and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
