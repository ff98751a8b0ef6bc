"""Validation throughput for a 500-match SearchUsers response, side by side, in one run.

Run: `.venv/bin/python benchmarks/validate.py [--seconds 1.0]`. Figures depend on the machine;
what matters is the ratio between libraries and whether `validate_response` keeps its
jsonschema-rs fast path (>= 10,000/s is the target on a developer laptop).
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema
import jsonschema_rs
from hypothesis import given, settings
from hypothesis.errors import NonInteractiveExampleWarning

from conformance import schemas
from conformance.contract import strategies


def response_with_500_matches() -> dict[str, Any]:
    return {
        "FaceModelVersion": "7.0",
        "SearchedUser": {"UserId": "searched-user"},
        "UserMatches": [
            {
                "Similarity": 99.88186645507812 - i * 0.0390625,
                "User": {"UserId": f"user-{i:04d}", "UserStatus": "ACTIVE"},
            }
            for i in range(500)
        ],
    }


def rate(call: Callable[[], object], seconds: float) -> float:
    call()  # warm caches / compile
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(10):
            call()
        count += 10
    return count / (time.perf_counter() - start)


def generation_rate(examples: int = 300) -> float:
    """Requests per second drawn by search_users_requests through an ordinary @given run."""

    @settings(max_examples=examples, deadline=None, database=None)
    @given(strategies.search_users_requests())
    def consume(request: dict[str, Any]) -> None:
        assert request["CollectionId"]

    start = time.perf_counter()
    consume()
    return examples / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    seconds = parser.parse_args().seconds
    warnings.simplefilter("ignore", NonInteractiveExampleWarning)

    instance = response_with_500_matches()
    schema = schemas.load("SearchUsers.response")
    py = jsonschema.Draft202012Validator(schema)
    fast = fastjsonschema.compile(schema)
    rs = jsonschema_rs.validator_for(schema)
    assert (
        py.is_valid(instance) and rs.is_valid(instance) and not schemas.validate_response(instance)
    )

    rows = [
        ("python-jsonschema is_valid", rate(lambda: py.is_valid(instance), seconds)),
        ("fastjsonschema", rate(lambda: fast(instance), seconds)),
        (
            "jsonschema-rs is_valid (committed patterns)",
            rate(lambda: rs.is_valid(instance), seconds),
        ),
        (
            "conformance validate_response",
            rate(lambda: schemas.validate_response(instance), seconds),
        ),
        (
            "conformance validate_response strict",
            rate(lambda: schemas.validate_response(instance, strict=True), seconds),
        ),
    ]
    broken = {**instance, "UserMatches": [*instance["UserMatches"][:-1], {"Similarity": 101}]}
    rows.append(
        (
            "validate_response, invalid (detailed errors)",
            rate(lambda: schemas.validate_response(broken), seconds),
        )
    )
    print("500-match SearchUsers response, validations/s:")
    for label, value in rows:
        print(f"  {label:<48} {value:>12,.0f}")
    print(f"search_users_requests generation: {generation_rate():,.0f} requests/s")


if __name__ == "__main__":
    main()
