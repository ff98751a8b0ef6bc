"""Judge one SearchUsers request/response pair with the catalog's single-exchange rules.

For users' own tests (via the pytest plugin) and the engine's property phase: the very checks
the gate runs, applied to one answer. Rules that need the rest of a run (listings, other
searches) simply do not apply here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from botocore import xform_name

from conformance.evidence import CollectionView
from conformance.exchange import JSON_CONTENT_TYPE, TARGET_PREFIX, Exchange
from conformance.rules import catalog
from conformance.rules.base import Finding
from conformance.rules.per_exchange import SINGLE, judged_operations

#: What boto3 adds to every parsed response; not part of the body on the wire.
RESPONSE_METADATA = "ResponseMetadata"


def check_exchange(exchange: Exchange, view: CollectionView | None = None) -> list[Finding]:
    """Violations of the single-exchange rules, each naming its rule (`Finding.rule_id`)."""
    catalog()  # make sure every family has registered its checks
    found = []
    for rule_id, check in SINGLE.items():
        if exchange.operation not in judged_operations(rule_id):
            continue
        finding = check(exchange, view)
        if finding is not None and not finding.passed:
            found.append(replace(finding, rule_id=rule_id))
    return found


def _status_and_headers(metadata: Any) -> tuple[int, dict[str, str]]:
    """The HTTP status and headers boto3 kept, or those of a plain AWS success."""
    if not isinstance(metadata, Mapping):
        metadata = {}
    status = metadata.get("HTTPStatusCode")
    headers = metadata.get("HTTPHeaders")
    if isinstance(headers, Mapping):
        return (status if isinstance(status, int) else 200), {
            str(k).lower(): str(v) for k, v in headers.items()
        }
    request_id = metadata.get("RequestId")
    return (status if isinstance(status, int) else 200), {
        "content-type": JSON_CONTENT_TYPE,
        "x-amzn-requestid": request_id if isinstance(request_id, str) else "synthetic",
    }


def check_search_users(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[Finding]:
    """Violations of the single-exchange rules by a SearchUsers answer (boto3-style dict).

    Only violations are returned (an empty list means the pair conforms); each names its rule
    in `rule_id` (`Finding.line` reads "rule id: message"). When the response still has boto3's ResponseMetadata, its status and
    headers are judged too; otherwise a plain AWS success is assumed.
    """
    return check_answer("SearchUsers", request, response)


def check_search_users_by_image(
    request: Mapping[str, Any], response: Mapping[str, Any]
) -> list[Finding]:
    """`check_search_users` for SearchUsersByImage: `Image.Bytes` as boto3 takes it (bytes)."""
    return check_answer("SearchUsersByImage", request, response)


def check_answer(
    operation: str, request: Mapping[str, Any], response: Mapping[str, Any]
) -> list[Finding]:
    """One boto3-style request/response pair of `operation`, logged the way the transport logs
    a live exchange (parameters as given, the body as the wire has it) and judged."""
    body = {k: v for k, v in response.items() if k != RESPONSE_METADATA}
    status, headers = _status_and_headers(response.get(RESPONSE_METADATA))
    exchange = Exchange(
        index=0,
        operation=operation,
        params=dict(request),
        request_headers={"x-amz-target": TARGET_PREFIX + operation},
        request_body=json.dumps(dict(request), default=_wire).encode(),
        status=status,
        response_headers=headers,
        response_body=json.dumps(body, default=_wire).encode(),
        label=f"check_{xform_name(operation)}",
    )
    return check_exchange(exchange)


def _wire(value: Any) -> Any:
    """AWS JSON 1.1 writes blobs as base64 (and boto3 hands back datetimes for timestamps)."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return str(value)
