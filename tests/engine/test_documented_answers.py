"""What AWS documents must pass, and what boto3 cannot read must fail: real HTTP, real runs.

Each case goes through a reference server (a real AWS JSON 1.1 server on loopback) and the
whole gate, so the claim is about the verdict a maintainer would get, not about one rule.
"""

from __future__ import annotations

import json

from conformance.config import RunConfig
from conformance.engine import run
from conformance.evidence import Evidence
from conformance.exchange import Exchange
from conformance.reference.server import ReferenceServer
from conformance.rules import judge
from conformance.rules.base import RuleVerdict, Status
from conformance.rules.per_exchange import SINGLE
from conformance.targets.seeding import seed, synthetic_fixture
from tests.engine.conftest import loopback_transport

SETTINGS = {"max_examples": 5, "examples_dir": None, "seed": 1}


def _failing(verdicts: list[RuleVerdict]) -> dict[str, list[str]]:
    return {
        v.rule.id: [f.message for f in v.violations] for v in verdicts if v.status is Status.FAIL
    }


def test_empty_bodies_for_create_and_delete_user_pass_seeding_and_the_stateful_phase() -> None:
    result = run(RunConfig(**SETTINGS, faults=("empty-body-for-empty-output",), strict=True))  # type: ignore[arg-type]
    assert _failing(result.verdicts) == {}
    empty = {
        e.operation
        for e in result.exchanges
        if e.ok and e.operation in ("CreateUser", "DeleteUser") and e.response_body == b""
    }
    assert empty == {"CreateUser", "DeleteUser"}, "the variation must really answer nothing"
    assert any(e.label.startswith("stateful") for e in result.exchanges)


def test_a_type_only_in_the_header_fails_naming_what_boto3_sees() -> None:
    result = run(RunConfig(**SETTINGS, faults=("error-type-header-only",)))  # type: ignore[arg-type]
    failing = _failing(result.verdicts)
    assert result.exit_code == 1
    said = " ".join(failing["sdk.error-code"])
    assert "on the wire: HTTP 400 X-Amzn-Errortype" in said
    assert "boto3 hands the caller: ClientError with Code '400'" in said
    assert "never fires" in said


def test_a_null_member_is_an_absent_member() -> None:
    """`"MaxUsers": null` is a request without MaxUsers: every rule judges it so."""
    log: list[Exchange] = []
    with ReferenceServer(quiet=True) as server:
        transport = loopback_transport(server.url)
        transport.on_exchange(log.append)
        try:
            seed(transport, "people", synthetic_fixture())
            transport.call("ListFaces", {"CollectionId": "people"})
            listed = transport.call("ListUsers", {"CollectionId": "people"}).json
            user = listed["Users"][-1]["UserId"]
            nulls = {"FaceId": None, "MaxUsers": None, "UserMatchThreshold": None}
            body = {"CollectionId": "people", "UserId": user, **nulls}
            answer = transport.call_raw(json.dumps(body).encode())
        finally:
            transport.close()
    assert answer.ok, answer.response_body
    evidence = Evidence(log)
    assert _failing(judge(evidence)) == {}
    accepted = SINGLE["validation.accepts-valid"](answer, evidence.view(answer))
    assert accepted is not None and accepted.passed
