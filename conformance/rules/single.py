"""Judge one SearchUsers request/response pair with the catalog's single-exchange rules.

For users' own tests (via the pytest plugin) and the engine's property phase: the very checks
the gate runs, applied to one answer. Rules that need the rest of a run (listings, other
searches) simply do not apply here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from conformance.evidence import CollectionView
from conformance.exchange import TARGET_PREFIX, Exchange
from conformance.rules import catalog
from conformance.rules.base import Finding
from conformance.rules.per_exchange import SINGLE

#: What boto3 adds to every parsed response; not part of the body on the wire.
RESPONSE_METADATA = "ResponseMetadata"


def check_exchange(exchange: Exchange, view: CollectionView | None = None) -> list[Finding]:
    """Violations of the single-exchange rules, each message prefixed with its rule id."""
    catalog()  # make sure every family has registered its checks
    found = []
    for rule_id, check in SINGLE.items():
        finding = check(exchange, view)
        if finding is not None and not finding.passed:
            found.append(replace(finding, message=f"{rule_id}: {finding.message}"))
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
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": request_id if isinstance(request_id, str) else "synthetic",
    }


def check_search_users(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[Finding]:
    """Violations of the single-exchange rules by a SearchUsers answer (boto3-style dict).

    Only violations are returned (an empty list means the pair conforms); each message starts
    with the rule id. When the response still has boto3's ResponseMetadata, its status and
    headers are judged too; otherwise a plain AWS success is assumed.
    """
    body = {k: v for k, v in response.items() if k != RESPONSE_METADATA}
    status, headers = _status_and_headers(response.get(RESPONSE_METADATA))
    exchange = Exchange(
        index=0,
        operation="SearchUsers",
        params=dict(request),
        request_headers={"x-amz-target": TARGET_PREFIX + "SearchUsers"},
        request_body=json.dumps(dict(request), default=str).encode(),
        status=status,
        response_headers=headers,
        response_body=json.dumps(body, default=str).encode(),
        label="check_search_users",
    )
    return check_exchange(exchange)
