"""Copy-paste reproductions of an exchange: a boto3 snippet, an AWS CLI line, or curl.

A violation is only useful if its owner can replay it in a minute without this suite, so every
reproduction is rebuilt from the exchange itself (what went on the wire), not from what the
engine meant to send. Invalid requests need botocore's client-side validation and retries off,
or the SDK refuses to send them or hides the first answer behind its own retries.
"""

from __future__ import annotations

import json
import pprint
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from conformance.config import COLLECTION_PREFIX
from conformance.exchange import Exchange
from conformance.transport import JSON_CONTENT_TYPE, default_endpoint

REFERENCE_PLACEHOLDER = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Endpoint:
    """Where a reproduction should send its request."""

    url: str | None
    """None means AWS itself (boto3 picks the endpoint from the region)."""
    region: str = "us-east-1"
    note: str = ""
    """Printed above the reproduction, e.g. how to start the embedded reference again."""


def endpoint_of(target: str, settings: Mapping[str, Any]) -> Endpoint:
    """Rebuild the run's endpoint from its recorded settings, whatever shape the engine gave."""
    region = str(settings.get("region") or "us-east-1")
    url = settings.get("endpoint_url")
    if isinstance(url, str) and url:
        return Endpoint(url, region)
    if settings.get("aws") or target.lower().startswith("aws"):
        return Endpoint(None, region)
    if target.startswith(("http://", "https://")):
        return Endpoint(target, region)
    return Endpoint(
        REFERENCE_PLACEHOLDER,
        region,
        note="the embedded reference is gone: start one with "
        "`searchusers-conformance serve --port 8080`, or point this at your own endpoint",
    )


@dataclass(frozen=True)
class Reproduction:
    """Shell and Python forms of one exchange; `raw` exchanges only have the shell form."""

    exchange_index: int
    raw: bool
    boto3: str | None
    shell: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "exchange": self.exchange_index,
            "raw": self.raw,
            "boto3": self.boto3,
            "shell": self.shell,
            "note": self.note,
        }

    def text(self) -> str:
        """The plain-text block shown in consoles, pytest failures and markdown."""
        parts = [f"# {self.note}"] if self.note else []
        if self.boto3 is not None:
            parts += ["# boto3", self.boto3, "# AWS CLI"]
        else:
            parts.append("# a raw protocol probe: boto3 and the AWS CLI cannot send it")
        parts.append(self.shell)
        return "\n".join(parts)


def reproduce(exchange: Exchange, endpoint: Endpoint) -> Reproduction:
    note = "\n# ".join(filter(None, [endpoint.note, _collection_note(exchange)]))
    if is_raw(exchange):
        return Reproduction(exchange.index, True, None, _curl(exchange, endpoint), note)
    assert exchange.operation is not None and exchange.params is not None  # is_raw checked
    relaxed = needs_relaxed_client(exchange.operation, exchange.params)
    return Reproduction(
        exchange.index,
        False,
        _boto3(exchange.operation, exchange.params, endpoint, relaxed),
        _cli(exchange.operation, exchange.params, endpoint, relaxed),
        note,
    )


def _collection_note(exchange: Exchange) -> str:
    """Collections the suite creates are deleted after the run: replaying needs them back."""
    collection = exchange.collection_id
    if isinstance(collection, str) and collection.startswith(COLLECTION_PREFIX):
        return f"the run created {collection} and deleted it afterwards: recreate and seed it first"
    return ""


def is_raw(exchange: Exchange) -> bool:
    """True when no SDK call could produce these bytes: no operation, non-JSON body, odd headers."""
    if exchange.operation is None or exchange.params is None:
        return True
    if exchange.request_headers.get("content-type") != JSON_CONTENT_TYPE:
        return True
    try:
        sent = json.loads(exchange.request_body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return True
    return not isinstance(sent, dict) or sent.keys() != dict(exchange.params).keys()


def needs_relaxed_client(operation: str, params: Mapping[str, Any]) -> bool:
    """Invalid requests (per our schemas) must bypass botocore's validation and retries."""
    from conformance.schemas import UnknownSchemaError, validate_request

    try:
        return bool(validate_request(dict(params), operation))
    except UnknownSchemaError:
        return True  # unknown shape: relaxing costs nothing and always reaches the server


def _boto3(operation: str, params: Mapping[str, Any], endpoint: Endpoint, relaxed: bool) -> str:
    args = ['    "rekognition"', f"    region_name={endpoint.region!r}"]
    if endpoint.url is not None:
        args.append(f"    endpoint_url={endpoint.url!r}")
    if relaxed:
        args.append(
            "    config=Config(parameter_validation=False, retries={'total_max_attempts': 1})"
        )
    lines = ["import boto3"]
    if relaxed:
        lines.append("from botocore.config import Config")
    if endpoint.url is not None:
        lines.append("# emulators accept any credentials, e.g. AWS_ACCESS_KEY_ID=testing")
    body = pprint.pformat(dict(params), indent=4, width=88, sort_dicts=False)
    lines += [
        "",
        "client = boto3.client(\n" + ",\n".join(args) + ",\n)",
        "try:",
        f"    print(client.{xform_name(operation)}(**{_indent(body)}))",
        "except client.exceptions.ClientError as err:",
        '    print(err.response["ResponseMetadata"]["HTTPStatusCode"], err.response["Error"])',
    ]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def _cli(operation: str, params: Mapping[str, Any], endpoint: Endpoint, relaxed: bool) -> str:
    words = ["aws", "rekognition", xform_name(operation, "-")]
    # invalid requests keep their exact JSON types only through --cli-input-json
    flags = None if relaxed else _cli_flags(params)
    if flags is None:
        words += ["--cli-input-json", shlex.quote(json.dumps(dict(params), default=str))]
    else:
        words += flags
    words += ["--region", shlex.quote(endpoint.region)]
    if endpoint.url is not None:
        words += ["--endpoint-url", shlex.quote(endpoint.url)]
    line = " ".join(words)
    if not relaxed:
        return line
    return (
        "# invalid on purpose: add `parameter_validation = false` to your profile in "
        "~/.aws/config, or the CLI refuses to send it\n"
        "AWS_MAX_ATTEMPTS=1 " + line
    )


def _cli_flags(params: Mapping[str, Any]) -> list[str] | None:
    """Shorthand flags when every member is a plain string or number, else None (use JSON)."""
    flags = []
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        option = "--" + xform_name(name, "-")
        text = value if isinstance(value, str) else repr(value)
        if text.startswith("-") or text == "":
            flags.append(shlex.quote(f"{option}={text}"))  # argparse would take it for a flag
        else:
            flags += [option, shlex.quote(text)]
    return flags


def _curl(exchange: Exchange, endpoint: Endpoint) -> str:
    url = endpoint.url or default_endpoint(endpoint.region)
    words = ["curl", "-sS", "-i", "-X", "POST", shlex.quote(url)]
    words += ["--aws-sigv4", shlex.quote(f"aws:amz:{endpoint.region}:rekognition")]
    words += ["--user", '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"']
    for header in ("x-amz-target", "content-type"):
        value = exchange.request_headers.get(header)
        if value is not None:
            # `Name;` sends an empty header; `Name:` alone would make curl drop it
            words += ["-H", shlex.quote(f"{_title(header)}: {value}" if value else f"{header};")]
    if "content-type" not in exchange.request_headers:
        words += ["-H", shlex.quote("Content-Type:")]  # curl would add a form content type
    body = exchange.request_body.decode("utf-8", errors="replace")
    words += ["--data-binary", shlex.quote(body)]
    return " ".join(words)


def _title(header: str) -> str:
    return "-".join(part.capitalize() for part in header.split("-"))
