"""Copy-paste reproductions of an exchange: a boto3 snippet, an AWS CLI line, or curl.

A violation is only useful if its owner can replay it in a minute without this suite, so every
reproduction is rebuilt from the exchange itself (what went on the wire), not from what the
engine meant to send. Invalid requests need botocore's client-side validation and retries off,
or the SDK refuses to send them or hides the first answer behind its own retries; where botocore
cannot put the value on the wire at all (`UserMatchThreshold: {"value": 80}`), the raw forms
(curl, and Python signing with botocore and sending with urllib) are the reproduction.

A reproduction names its credentials the way the gate got them: the dummy loopback credentials
are written into it; credentials from boto3's chain are left to the same chain (and profile).
"""

from __future__ import annotations

import json
import pprint
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from botocore import xform_name

from conformance.config import COLLECTION_PREFIX, DEFAULT_REGION, LOOPBACK_SIGNING, MISSING_PREFIX
from conformance.credentials import LOOPBACK_CREDENTIALS
from conformance.exchange import JSON_CONTENT_TYPE, Exchange, default_endpoint
from conformance.reporting.attachments import (
    FOLDER,
    Attachment,
    FileBytes,
    blobs_as_bytes,
    body_file,
    detach_blobs,
)
from conformance.results import RunSettings

REFERENCE_PLACEHOLDER = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Endpoint:
    """Where a reproduction should send its request."""

    url: str | None
    """None means AWS itself (boto3 picks the endpoint from the region)."""
    region: str = "us-east-1"
    note: str = ""
    """Printed above the reproduction, e.g. how to start the embedded reference again."""
    loopback_credentials: bool = False
    """The gate signed with the dummy loopback credentials (no credentials were configured)."""
    profile: str | None = None
    kept_collection: str | None = None
    """The collection a --keep-collection run left in place for these reproductions."""
    cleanup: str | None = None
    """The command that deletes the kept collection."""


def endpoint_of(settings: RunSettings) -> Endpoint:
    """Where the run's reproductions should send their requests, from its settings."""
    region = settings.region or DEFAULT_REGION
    if settings.endpoint_url:
        where = Endpoint(settings.endpoint_url, region)
    elif settings.aws:
        where = Endpoint(None, region)
    else:
        # the embedded reference, or a replayed cassette: nothing of the run is left to reach
        return Endpoint(
            REFERENCE_PLACEHOLDER,
            region,
            note="the embedded reference is gone: start one with "
            "`searchusers-conformance serve --port 8080`, or point this at your own endpoint",
            loopback_credentials=True,
        )
    return replace(
        where,
        loopback_credentials=settings.credentials == LOOPBACK_SIGNING,
        profile=settings.profile,
        kept_collection=settings.kept_collection,
        cleanup=settings.cleanup_command,
    )


@dataclass(frozen=True)
class Reproduction:
    """Shell and Python forms of one exchange; `raw` exchanges only have the shell form."""

    exchange_index: int
    raw: bool
    boto3: str | None
    shell: str
    note: str = ""
    python: str | None = None
    """For raw exchanges: the same bytes from Python (botocore signs, urllib sends)."""
    attachments: tuple[Attachment, ...] = ()
    """Payloads too long to print (images, large bodies), read from files the forms name."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "exchange": self.exchange_index,
            "raw": self.raw,
            "boto3": self.boto3,
            "shell": self.shell,
            "python": self.python,
            "note": self.note,
            "files": [
                {"name": a.name, "path": f"{FOLDER}/{a.name}", "bytes": len(a.data), "what": a.what}
                for a in self.attachments
            ],
        }

    def text(self) -> str:
        """The plain-text block shown in consoles, pytest failures and markdown."""
        parts = [f"# {self.note}"] if self.note else []
        if self.attachments:
            files = ", ".join(a.describe() for a in self.attachments)
            parts.append(
                f"# run from the folder holding {files}: a run with --report-dir writes it to "
                f"{FOLDER}/ beside report.json"
            )
        if self.boto3 is not None:
            parts += ["# boto3", self.boto3, "# AWS CLI", self.shell]
            return "\n".join(parts)
        parts += [
            "# raw HTTP: boto3 and the AWS CLI cannot send this request as it went",
            self.shell,
        ]
        if self.python is not None:
            parts += ["# the same from Python", self.python]
        return "\n".join(parts)


def reproduce(exchange: Exchange, endpoint: Endpoint) -> Reproduction:
    note = "\n# ".join(filter(None, [endpoint.note, _collection_note(exchange, endpoint)]))
    if exchange.operation is not None and exchange.params is not None:
        # a replayed exchange's blobs are the wire's base64: the SDK call takes bytes
        exchange = replace(exchange, params=blobs_as_bytes(exchange.operation, exchange.params))
    if is_raw(exchange):
        body = body_file(exchange.index, exchange.request_body)
        return Reproduction(
            exchange.index,
            True,
            None,
            _curl(exchange, endpoint, body),
            note,
            python=_python_raw(exchange, endpoint, body),
            attachments=(body,) if body else (),
        )
    assert exchange.operation is not None and exchange.params is not None  # is_raw checked
    relaxed = needs_relaxed_client(exchange.operation, exchange.params)
    params, files = detach_blobs(exchange.operation, exchange.params, exchange.index)
    return Reproduction(
        exchange.index,
        False,
        _boto3(exchange.operation, params, endpoint, relaxed),
        _cli(exchange.operation, params, endpoint, relaxed),
        note,
        attachments=files,
    )


def _collection_note(exchange: Exchange, endpoint: Endpoint) -> str:
    """Collections the suite creates are deleted after the run, unless --keep-collection kept
    this one for exactly these reproductions."""
    collection = exchange.collection_id
    if not isinstance(collection, str) or not collection.startswith(COLLECTION_PREFIX):
        return ""
    if collection.startswith(MISSING_PREFIX):
        return (
            f"{collection} is a name the run made up so that it certainly does not exist "
            "(nothing was created under it): the reproduction needs no collection"
        )
    if collection == endpoint.kept_collection:
        after = f"; afterwards delete it with `{endpoint.cleanup}`" if endpoint.cleanup else ""
        return f"the run kept {collection} (--keep-collection) for this reproduction{after}"
    return (
        f"the run created {collection} and deleted it afterwards: rerun the gate with "
        "--keep-collection to keep it when the run fails"
    )


def is_raw(exchange: Exchange) -> bool:
    """True when no SDK call could produce these bytes: no operation, non-JSON body, odd headers,
    or a value botocore's serializer refuses or would write differently."""
    if exchange.operation is None or exchange.params is None:
        return True
    if exchange.request_headers.get("content-type") != JSON_CONTENT_TYPE:
        return True
    try:
        sent = json.loads(exchange.request_body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return True
    if not isinstance(sent, dict) or sent.keys() != dict(exchange.params).keys():
        return True
    return botocore_body(exchange.operation, exchange.params) != _canonical(sent)


def botocore_body(operation: str, params: Mapping[str, Any]) -> str | None:
    """What boto3 (validation off) would put on the wire for `params`, canonically, or None
    when its serializer refuses the values (e.g. a float member given a dict)."""
    from botocore.model import OperationNotFoundError
    from botocore.serialize import create_serializer

    from conformance.contract.model import service_model

    try:
        model = service_model().operation_model(operation)
        serializer = create_serializer("json", include_validation=False)
        body = serializer.serialize_to_request(dict(params), model)["body"]
        return _canonical(json.loads(body or b"{}"))
    except (OperationNotFoundError, TypeError, ValueError, AttributeError):
        return None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def needs_relaxed_client(operation: str, params: Mapping[str, Any]) -> bool:
    """Invalid requests (per our schemas) must bypass botocore's validation and retries."""
    from conformance.schemas import UnknownSchemaError, validate_request

    wire = botocore_body(operation, params)  # schemas judge the wire (blobs as base64)
    if wire is None:
        return True
    try:
        return bool(validate_request(json.loads(wire), operation))
    except UnknownSchemaError:
        return True  # unknown shape: relaxing costs nothing and always reaches the server


def _boto3(operation: str, params: Mapping[str, Any], endpoint: Endpoint, relaxed: bool) -> str:
    args = ['    "rekognition"', f"    region_name={endpoint.region!r}"]
    if endpoint.url is not None:
        args.append(f"    endpoint_url={endpoint.url!r}")
    if endpoint.loopback_credentials:
        args += [
            f"    aws_access_key_id={LOOPBACK_CREDENTIALS.access_key!r}",
            f"    aws_secret_access_key={LOOPBACK_CREDENTIALS.secret_key!r}",
        ]
    if relaxed:
        args.append(
            "    config=Config(parameter_validation=False, retries={'total_max_attempts': 1})"
        )
    lines = ["import boto3"]
    if relaxed:
        lines.append("from botocore.config import Config")
    lines.append(f"# {_credentials_comment(endpoint)}")
    factory = "boto3.client"
    if endpoint.profile and not endpoint.loopback_credentials:
        factory = f"boto3.Session(profile_name={endpoint.profile!r}).client"
    body = pprint.pformat(dict(params), indent=4, width=88, sort_dicts=False)
    lines += [
        "",
        f"client = {factory}(\n" + ",\n".join(args) + ",\n)",
        "try:",
        f"    print(client.{xform_name(operation)}(**{_indent(body)}))",
        "except client.exceptions.ClientError as err:",
        '    print(err.response["ResponseMetadata"]["HTTPStatusCode"], err.response["Error"])',
    ]
    return "\n".join(lines)


def _credentials_comment(endpoint: Endpoint) -> str:
    if endpoint.loopback_credentials:
        return "credentials: the dummy ones the gate used on this loopback endpoint"
    if endpoint.profile:
        return f"credentials: boto3's chain with profile {endpoint.profile!r}, as the gate used"
    return "credentials: boto3's usual chain (environment, profile, role), as the gate used"


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def _cli(operation: str, params: Mapping[str, Any], endpoint: Endpoint, relaxed: bool) -> str:
    words = ["aws", "rekognition", xform_name(operation, "-")]
    # invalid requests keep their exact JSON types only through --cli-input-json
    flags = None if relaxed else _cli_flags(params)
    if flags is None:
        words += ["--cli-input-json", _shell_json(params)]
    else:
        words += flags
    words += ["--region", shlex.quote(endpoint.region)]
    if endpoint.url is not None:
        words += ["--endpoint-url", shlex.quote(endpoint.url)]
    if endpoint.profile and not endpoint.loopback_credentials:
        words += ["--profile", shlex.quote(endpoint.profile)]
    env = []
    if endpoint.loopback_credentials:
        env += [
            f"AWS_ACCESS_KEY_ID={LOOPBACK_CREDENTIALS.access_key}",
            f"AWS_SECRET_ACCESS_KEY={LOOPBACK_CREDENTIALS.secret_key}",
        ]
    if not relaxed:
        return " ".join([*env, *words])
    return (
        "# invalid on purpose: add `parameter_validation = false` to your profile in "
        "~/.aws/config, or the CLI refuses to send it\n"
        + " ".join(["AWS_MAX_ATTEMPTS=1", *env, *words])
    )


_FILE_MARK = re.compile(r"@@file:([^@]+)@@")


def _shell_json(params: Mapping[str, Any]) -> str:
    """The JSON as one shell word; a blob kept in a file is read into it as base64 (the AWS
    CLI v2 reading of a blob in --cli-input-json) by command substitution, not printed."""

    def mark(value: Any) -> str:
        return f"@@file:{value.name}@@" if isinstance(value, FileBytes) else str(value)

    pieces = _FILE_MARK.split(json.dumps(dict(params), default=mark))
    words = []
    for position, piece in enumerate(pieces):
        if position % 2:
            words.append(f"\"$(base64 < {shlex.quote(piece)} | tr -d '\\n')\"")
        elif piece:
            words.append(shlex.quote(piece))
    return "".join(words)


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


def _curl(exchange: Exchange, endpoint: Endpoint, body_in: Attachment | None) -> str:
    url = endpoint.url or default_endpoint(endpoint.region)
    words = ["curl", "-sS", "-i", "-X", "POST", shlex.quote(url)]
    words += ["--aws-sigv4", shlex.quote(f"aws:amz:{endpoint.region}:rekognition")]
    if endpoint.loopback_credentials:
        user = f"{LOOPBACK_CREDENTIALS.access_key}:{LOOPBACK_CREDENTIALS.secret_key}"
        words += ["--user", shlex.quote(user)]
    else:
        words += ["--user", '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"']
    for header in ("x-amz-target", "content-type"):
        value = exchange.request_headers.get(header)
        if value is not None:
            # `Name;` sends an empty header; `Name:` alone would make curl drop it
            words += ["-H", shlex.quote(f"{_title(header)}: {value}" if value else f"{header};")]
    if "content-type" not in exchange.request_headers:
        words += ["-H", shlex.quote("Content-Type:")]  # curl would add a form content type
    if body_in is not None:
        words += ["--data-binary", shlex.quote("@" + body_in.name)]
    else:
        body = exchange.request_body.decode("utf-8", errors="replace")
        words += ["--data-binary", shlex.quote(body)]
    return " ".join(words)


def _title(header: str) -> str:
    return "-".join(part.capitalize() for part in header.split("-"))


def _python_raw(exchange: Exchange, endpoint: Endpoint, body_in: Attachment | None) -> str:
    """The raw request from Python: the exact bytes, signed by botocore, sent by urllib."""
    url = endpoint.url or default_endpoint(endpoint.region)
    headers = {
        _title(name): exchange.request_headers[name]
        for name in ("x-amz-target", "content-type")
        if name in exchange.request_headers
    }
    if endpoint.loopback_credentials:
        access, secret = LOOPBACK_CREDENTIALS.access_key, LOOPBACK_CREDENTIALS.secret_key
        credentials = f"Credentials({access!r}, {secret!r})  # the gate's dummy loopback ones"
    else:
        session = f"profile_name={endpoint.profile!r}" if endpoint.profile else ""
        credentials = f"boto3.Session({session}).get_credentials()  # as the gate got them"
    return "\n".join(
        [
            "import urllib.error",
            "import urllib.request",
            "",
            "import boto3",
            "from botocore.auth import SigV4Auth",
            "from botocore.awsrequest import AWSRequest",
            "from botocore.credentials import Credentials",
            "",
            "body = "
            + (
                f"open({body_in.name!r}, 'rb').read()"
                if body_in is not None
                else repr(exchange.request_body)
            ),
            f"request = AWSRequest(method='POST', url={url!r}, data=body, headers={headers!r})",
            f"credentials = {credentials}",
            f"SigV4Auth(credentials, 'rekognition', {endpoint.region!r}).add_auth(request)",
            "signed = request.prepare()",
            "sent = urllib.request.Request(signed.url, data=body, headers=dict(signed.headers))",
            "try:",
            "    with urllib.request.urlopen(sent) as answer:",
            "        print(answer.status, answer.read().decode())",
            "except urllib.error.HTTPError as err:",
            "    print(err.code, err.read().decode())",
        ]
    )
