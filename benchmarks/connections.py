"""Latency when many clients open connections to the reference at once (its listen backlog).

`--clients` threads (200 by default) each open a new connection at the same instant, send one
SearchUsers and read the answer; repeated `--rounds` times. A listen backlog smaller than the
burst drops SYNs, and a dropped SYN is retransmitted only after a second, so the tail shows the
backlog directly. `--backlog N` overrides the server's own value, to compare with socketserver's
default of 5.

    .venv/bin/python benchmarks/connections.py [--clients 200] [--rounds 5] [--backlog N]

Prints figures; asserts nothing (timings depend on the machine).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from collections import Counter

from conformance.reference import server as reference_server
from conformance.reference.server import ReferenceServer

HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "RekognitionService.SearchUsers",
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/rekognition/aws4_request",
}
BODY = json.dumps({"CollectionId": "absent", "UserId": "u"}).encode()


def one(port: int, start: threading.Barrier, timings: list[float], errors: Counter[str]) -> None:
    start.wait()
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/", body=BODY, headers=HEADERS)
        connection.getresponse().read()
    except OSError as exc:
        errors[type(exc).__name__] += 1  # Counter updates are atomic enough under the GIL
        return
    finally:
        connection.close()
    timings.append(time.perf_counter() - began)


def burst(port: int, clients: int, errors: Counter[str]) -> list[float]:
    timings: list[float] = []
    start = threading.Barrier(clients)
    threads = [
        threading.Thread(target=one, args=(port, start, timings, errors)) for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backlog", type=int, default=None, help="override the listen backlog")
    args = parser.parse_args()
    backlog = args.backlog or reference_server._HttpServer.request_queue_size
    reference_server._HttpServer.request_queue_size = backlog
    timings: list[float] = []
    errors: Counter[str] = Counter()
    with ReferenceServer(quiet=True) as server:
        port = int(server.url.rsplit(":", 1)[1])
        for _ in range(args.rounds):
            timings += burst(port, args.clients, errors)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(
        f"backlog {backlog}: {args.clients} concurrent new connections x {args.rounds} rounds: "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms; "
        f"failed: {dict(errors) or 0}"
    )


if __name__ == "__main__":
    main()
