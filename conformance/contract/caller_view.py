"""What an unmodified boto3 caller is handed for a response, decided by botocore itself.

A verdict means "a boto3 / AWS CLI caller gets what AWS promises", and botocore does not read
the wire the way a careful human does: it takes an error's type from the body's `__type` only,
keeps only members under their modeled names, and passes scalars through untyped. Rather than
re-implement that (and drift from it), this module runs the installed botocore: the response
dict its endpoint builds (`botocore.endpoint.convert_to_response_dict`), the response parser for
the service's protocol (`botocore.parsers.create_parser`) with the real operation model, and the
client's exception classes (`botocore.errorfactory.ClientExceptionsFactory`), exactly the steps
`BaseClient._make_api_call` takes between the socket and the caller.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.endpoint import convert_to_response_dict
from botocore.errorfactory import BaseClientExceptions, ClientExceptionsFactory
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape
from botocore.parsers import ResponseParser, create_parser

from conformance.contract.model import service_model

#: What botocore adds to every parsed answer; not part of the body on the wire.
RESPONSE_METADATA = "ResponseMetadata"
#: The HTTP status from which botocore's client raises instead of returning (`_make_api_call`).
RAISES_FROM = 300


@dataclass(frozen=True)
class CallerView:
    """One response as a boto3 caller sees it.

    `output` is what `client.<operation>(...)` returns (without ResponseMetadata) when it
    returns; `error_code` and `exception` what it raises otherwise (`ClientError.response
    ['Error']['Code']` and the class, e.g. `InvalidParameterException` or `ClientError`);
    `crash` the exception botocore's parser itself raised, which the caller gets instead.
    """

    output: dict[str, Any] | None = None
    error_code: str | None = None
    exception: str | None = None
    crash: str | None = None


class _Raw:
    """The urllib3 response stand-in `AWSResponse.content` reads (`raw.stream()`)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self) -> Iterator[bytes]:
        yield self._body


@cache
def _parser() -> ResponseParser:
    return create_parser(service_model().protocol)


@cache
def _exceptions() -> BaseClientExceptions:
    return ClientExceptionsFactory().create_client_exceptions(service_model())


def caller_view(
    operation: str, status: int, headers: Mapping[str, str], body: bytes
) -> CallerView | None:
    """What boto3 hands the caller of `operation` for this answer (None: not a model operation)."""
    model = service_model()
    if operation not in model.operation_names:
        return None
    operation_model: OperationModel = model.operation_model(operation)
    # AWSResponse wraps any mapping in its case-insensitive HeadersDict; botocore passes a
    # missing output shape (None) to the parser as is
    wire_headers = cast(HTTPHeaders, dict(headers))
    http = AWSResponse("https://target.invalid/", status, wire_headers, _Raw(body))
    shape = cast(Shape, operation_model.output_shape)
    try:
        parsed = _parser().parse(convert_to_response_dict(http, operation_model), shape)
    except Exception as exc:  # the caller gets this exception instead of an answer
        return CallerView(crash=f"{type(exc).__name__}: {exc}")
    if not isinstance(parsed, dict):  # a JSON `null` body: the caller is handed None
        return CallerView(crash=f"botocore's parser returned {parsed!r} instead of a dict")
    if status >= RAISES_FROM:
        error = parsed.get("Error", {})
        code = error.get("QueryErrorCode") or error.get("Code")
        raised = _exceptions().from_code(code) if isinstance(code, str) else ClientError
        # from_code returns a class (the stubs say an instance)
        return CallerView(error_code=code, exception=getattr(raised, "__name__", "ClientError"))
    output = {k: v for k, v in parsed.items() if k != RESPONSE_METADATA}
    return CallerView(output=output)


def output_shape(operation: str) -> Shape | None:
    """The operation's modeled output, for comparing what boto3 kept with the wire."""
    model = service_model()
    if operation not in model.operation_names:
        return None
    return model.operation_model(operation).output_shape
