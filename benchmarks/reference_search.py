"""SearchUsers latency and IndexFaces throughput of the reference service, over real HTTP.

Set-up bulk-loads faces straight into a store backed by an SQLite state file (indexing 100,000
images over HTTP would take minutes and measure the wrong thing), then starts
`searchusers-conformance serve --state FILE` as its own process, so client and server do not
share a GIL. Every *measured* request goes over a keep-alive HTTP/1.1 connection, as raw AWS
JSON 1.1 with http.client and, for comparison, through boto3.

    .venv/bin/python benchmarks/reference_search.py [--sizes 10000 100000] [--searches 300]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import numpy as np
from botocore.config import Config

from conformance.reference import faces
from conformance.reference.records import FaceRecord
from conformance.reference.store import Store

FACES_PER_USER = 4


def bulk_load(store: Store, collection_id: str, count: int, seed: int = 7) -> list[str]:
    """`count` random faces in users of FACES_PER_USER faces each; returns the face ids."""
    rng = np.random.default_rng(seed)
    records: list[FaceRecord] = []
    for embedding in faces.embed_thumbnails(rng.uniform(0, 255, (count, faces.DIMENSIONS))):
        assert embedding is not None
        records.append(FaceRecord(str(uuid.uuid4()), str(uuid.uuid4()), None, 99.5, embedding))
    with store.transaction():
        collection = store.create_collection(collection_id)
        for start in range(0, count, FACES_PER_USER):
            user_id = f"user-{start // FACES_PER_USER:07d}"
            store.import_user(collection, user_id, records[start : start + FACES_PER_USER])
    return [record.face_id for record in records]


class RawClient:
    """AWS JSON 1.1 over one keep-alive connection: the server's latency without boto3's."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        assert parts.hostname and parts.port
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        self.connection.request(
            "POST",
            "/",
            body=json.dumps(params),
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"RekognitionService.{operation}",
            },
        )
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{operation}: {response.status} {body[:200]!r}")
        result: dict[str, Any] = json.loads(body)
        return result


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms  max {ordered[-1] * 1000:6.2f} ms"


def timed(calls: int, run: Callable[[int], object]) -> list[float]:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        run(i)
        samples.append(time.perf_counter() - started)
    return samples


class ServerLog:
    """The server's request log (stderr), read back for server-side latencies per phase."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def server_times(self, last: int | None = None) -> list[float]:
        """Latencies logged since the previous call (the final `last` of them, if given)."""
        time.sleep(0.2)  # the server logs a request just after answering it
        with self.path.open() as log:
            log.seek(self.offset)
            lines = log.readlines()
            self.offset = log.tell()
        times = [
            float(line.split()[-2].removesuffix("ms")) / 1000
            for line in lines
            if line.split()[-2:-1] and line.split()[-2].endswith("ms")
        ]
        return times[-last:] if last else times


@contextmanager
def serve(*args: str) -> Iterator[tuple[str, ServerLog]]:
    log_path = Path(tempfile.mkstemp(prefix="reference-bench-", suffix=".log")[1])
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "conformance", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip(), ServerLog(log_path)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log_path.unlink()


def bench_search(workdir: Path, size: int, searches: int) -> None:
    collection_id = f"bench-{size}"
    state = workdir / f"state-{size}.sqlite"
    started = time.perf_counter()
    store = Store(state)
    face_ids = bulk_load(store, collection_id, size)
    store.close()
    loaded = time.perf_counter() - started
    with serve("--state", str(state)) as (url, log):
        run_searches(url, log, collection_id, face_ids, size, searches, loaded)


def run_searches(
    url: str,
    log: ServerLog,
    collection_id: str,
    face_ids: list[str],
    size: int,
    searches: int,
    loaded: float,
) -> None:
    raw = RawClient(url)
    started = time.perf_counter()
    raw.call("SearchUsers", {"CollectionId": collection_id, "FaceId": face_ids[0]})
    built = time.perf_counter() - started
    log.server_times()
    print(
        f"{size:>7} faces ({size // FACES_PER_USER} users)  bulk load {loaded:5.1f} s  "
        f"first search (index build) {built * 1000:.0f} ms"
    )
    rng = np.random.default_rng(1)
    queries = [face_ids[int(i)] for i in rng.integers(0, size, searches)]
    for label, params in (
        ("FaceId, default threshold", lambda q: {"FaceId": q}),
        ("FaceId, threshold 0, MaxUsers 500", lambda q: {"FaceId": q, "UserMatchThreshold": 0}),
    ):
        samples = timed(
            searches,
            lambda i, p=params: raw.call(  # type: ignore[misc]
                "SearchUsers", {"CollectionId": collection_id, **p(queries[i])}
            ),
        )
        print(f"  raw http   SearchUsers {label:<34} {percentiles(samples)}")
        print(
            f"    in server                                           {percentiles(log.server_times(searches))}"
        )
    users = [f"user-{int(i):07d}" for i in rng.integers(0, size // FACES_PER_USER, searches)]
    samples = timed(
        searches,
        lambda i: raw.call("SearchUsers", {"CollectionId": collection_id, "UserId": users[i]}),
    )
    print(f"  raw http   SearchUsers {'UserId (4 query faces)':<34} {percentiles(samples)}")
    print(
        f"    in server                                           {percentiles(log.server_times(searches))}"
    )
    client = boto3.client(
        "rekognition",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )
    samples = timed(
        searches, lambda i: client.search_users(CollectionId=collection_id, FaceId=queries[i])
    )
    print(f"  boto3      SearchUsers {'FaceId, default threshold':<34} {percentiles(samples)}")


def bench_index(images: int) -> None:
    with serve() as (url, _log):
        run_index(url, images)


def run_index(url: str, images: int) -> None:
    raw = RawClient(url)
    raw.call("CreateCollection", {"CollectionId": "bench-index"})
    payloads = [
        base64.b64encode(faces.person_image(seed, size=100)).decode() for seed in range(images)
    ]
    started = time.perf_counter()
    for payload in payloads:
        raw.call("IndexFaces", {"CollectionId": "bench-index", "Image": {"Bytes": payload}})
    elapsed = time.perf_counter() - started
    print(
        f"IndexFaces (100x100 PNG, raw http, sequential): {images / elapsed:7.0f} images/s "
        f"({elapsed / images * 1000:.2f} ms each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--index-images", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reference-bench-") as workdir:
        for size in args.sizes:
            bench_search(Path(workdir), size, args.searches)
    bench_index(args.index_images)


if __name__ == "__main__":
    main()
