"""Cassettes: vcrpy recordings of AWS JSON 1.1 traffic -- scrubbed, matched, read back.

A cassette is the cheap way to test against AWS: record once (it costs money and needs
credentials), then replay offline and in CI for free. That only works if three things hold:

* Nothing secret is ever written. Scrubbing runs in vcrpy's `before_record_*` hooks, so a
  value is cleaned before vcrpy holds it in memory, let alone writes it; `lint` then checks the
  file itself, because a hand-edited cassette never passed through the hooks.
* Replay answers the request that was asked. Every AWS JSON call is `POST /`, so vcrpy's
  default matching (method, host, port, path, query) answers any request with the first
  recording -- a replayed ListCollections got a SearchUsers answer. Its `body` matcher compares
  raw bytes, so the same request with keys in another order misses. Here requests match on
  method, scheme, host, path, `X-Amz-Target` and the parsed JSON body; never on the port (the
  embedded reference listens on a random one) nor on signed headers (they change every second).
* A recording reads back as the same `Exchange`s a live run produces, so the rules judge a
  cassette exactly as they judge a target.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from conformance.errors import CassetteError
from conformance.exchange import (
    SECRET_HEADERS,
    TARGET_PREFIX,
    Exchange,
    operation_from_target,
    scrub_headers,
)
from conformance.secret_patterns import ACCESS_KEY, ARN_ACCOUNT, URL_USERINFO

if TYPE_CHECKING:
    import vcr
    import vcr.cassette

# -- scrubbing ----------------------------------------------------------------------------------

PLACEHOLDER_ACCOUNT = "000000000000"
"""Replaces account ids in ARNs: clearly fake, and keeps the ARN well-formed."""
ALLOWED_ACCOUNTS = frozenset({PLACEHOLDER_ACCOUNT, "123456789012"})
"""Ours, and the one AWS's documentation uses in its published examples."""
MASK = "<scrubbed>"

#: Headers dropped from recorded requests and responses: they carry credentials, derive from
#: them (the signature date), identify the caller's SDK session, or hold cookies.
REMOVED_HEADERS = SECRET_HEADERS | {"cookie", "set-cookie", "proxy-authorization"}

#: Query parameters of presigned URLs that carry or derive from credentials.
SECRET_QUERY_PARAMETERS = frozenset(
    {"x-amz-credential", "x-amz-signature", "x-amz-security-token", "x-amz-date", "signature"}
)

_SESSION_TOKEN = re.compile(
    r"(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AgoJb3JpZ2lu)[A-Za-z0-9+/=%]*"
)
# A 40-character secret access key only counts next to a word that names it (as git-secrets
# does): ids the suite generates can be 40 mixed-case characters too, and rewriting those would
# corrupt the evidence.
_NAMED_SECRET = re.compile(
    r"(?i)((?:secret|aws_?secret|secret_?access_?key|private_?key)[\w-]{0,20}\W{1,4})"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_SIGNATURE = re.compile(r"(?i)((?:x-amz-)?signature=)[0-9a-f]{64}")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# JSON members whose value is a credential whatever it looks like. NextToken is a pagination
# cursor, not a secret, hence the explicit list.
_SECRET_MEMBER = re.compile(
    r'(?i)("(?:SecretAccessKey|SecretKey|aws_secret_access_key|SessionToken|SecurityToken'
    r'|aws_session_token|Password|AccessToken|RefreshToken|IdToken|PrivateKey)"\s*:\s*")'
    r'((?:[^"\\]|\\.)*)(")'
)
_ACCOUNT_MEMBER = re.compile(
    r'(?i)("(?:Account|AccountId|OwnerId|aws_account_id)"\s*:\s*")(\d{12})(")'
)


def scrub_text(text: str) -> str:
    """Mask every credential-looking value in `text`; returns `text` itself if none."""
    out = ACCESS_KEY.sub(MASK, text)
    out = _SESSION_TOKEN.sub(MASK, out)
    out = _NAMED_SECRET.sub(lambda m: m.group(1) + MASK, out)
    out = _SIGNATURE.sub(lambda m: m.group(1) + MASK, out)
    out = ARN_ACCOUNT.sub(lambda m: m.group(1) + PLACEHOLDER_ACCOUNT, out)
    # A bare user name is no credential, and a replayed URL keeps it.
    out = URL_USERINFO.sub(lambda m: m.group(1) if m.group(2) else m.group(0), out)
    out = _SECRET_MEMBER.sub(lambda m: m.group(1) + MASK + m.group(3), out)
    out = _ACCOUNT_MEMBER.sub(lambda m: m.group(1) + PLACEHOLDER_ACCOUNT + m.group(3), out)
    return text if out == text else out


def scrub_bytes(data: bytes | None) -> bytes | None:
    """Scrub a body without re-encoding it: unchanged bytes stay byte-identical.

    latin-1 maps every byte to one code point and back, so binary bodies survive intact and
    only the ASCII secrets the patterns describe are touched.
    """
    if not data:
        return data
    text = data.decode("latin-1")
    cleaned = scrub_text(text)
    return data if cleaned is text else cleaned.encode("latin-1")


def scrub_uri(uri: str) -> str:
    """Drop user:password and mask presigned-URL credentials in a recorded URI."""
    parts = urlsplit(uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = parts.query
    if any(name.lower() in SECRET_QUERY_PARAMETERS for name, _ in pairs):
        query = urlencode(
            [(n, MASK if n.lower() in SECRET_QUERY_PARAMETERS else v) for n, v in pairs]
        )
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if query != parts.query or netloc != parts.netloc:
        uri = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return scrub_text(uri)


def _str(value: Any) -> str:
    """Header values arrive as bytes from botocore and as str from elsewhere."""
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


def scrub_request(request: Any) -> Any:
    """vcrpy's `before_record_request`: a scrubbed copy (the live request is left alone)."""
    clean = copy.copy(request)
    clean.headers = {
        name: scrub_text(_str(value))
        for name, value in request.headers.items()
        if name.lower() not in REMOVED_HEADERS
    }
    clean.body = scrub_bytes(request.body if isinstance(request.body, bytes | None) else None)
    clean.uri = scrub_uri(request.uri)
    return clean


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy's `before_record_response` (it hands us a deep copy: mutating is safe)."""
    headers = response.get("headers") or {}
    response["headers"] = {
        name: [scrub_text(_str(v)) for v in (values if isinstance(values, list) else [values])]
        for name, values in headers.items()
        if name.lower() not in REMOVED_HEADERS
    }
    body = response.get("body")
    if isinstance(body, dict) and isinstance(body.get("string"), bytes | str):
        raw = body["string"]
        body["string"] = scrub_bytes(raw if isinstance(raw, bytes) else raw.encode())
    if "url" in response and isinstance(response["url"], str):
        response["url"] = scrub_uri(response["url"])
    return response


# -- matching -------------------------------------------------------------------------------------

MATCH_ON = ("method", "scheme", "host", "path", "aws_target", "json_body")
"""vcrpy `match_on` for AWS JSON APIs (the custom names are registered by `configure`)."""


def _header(request: Any, name: str) -> str:
    for key, value in request.headers.items():
        if key.lower() == name:
            return _str(value)
    return ""


IGNORED_MEMBERS = frozenset({"ClientRequestToken"})
"""Request members that differ on every run by design: botocore fills idempotency tokens with
a fresh UUID, so a replayed CreateUser or AssociateFaces would never match its recording."""


@functools.lru_cache(maxsize=8192)
def canonical_body(body: bytes) -> str | bytes:
    """A JSON body in a form where key order does not matter but types do (1 is not 1.0)."""
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return body
    if isinstance(parsed, dict):
        parsed = {k: v for k, v in parsed.items() if k not in IGNORED_MEMBERS}
    return json.dumps(parsed, sort_keys=True)


def _body(request: Any) -> bytes:
    body = request.body
    if isinstance(body, str):
        return body.encode()
    return body if isinstance(body, bytes) else b""


def match_aws_target(r1: Any, r2: Any) -> None:
    """vcrpy matcher: same `X-Amz-Target` (the operation), raising to say no."""
    a, b = _header(r1, "x-amz-target"), _header(r2, "x-amz-target")
    if a != b:
        raise AssertionError(f"X-Amz-Target {a!r} != {b!r}")


def match_json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: equal parsed JSON bodies (raw bytes when a body is not JSON)."""
    if canonical_body(_body(r1)) != canonical_body(_body(r2)):
        raise AssertionError("request bodies differ")


def vcr_options() -> dict[str, Any]:
    """Our settings as keyword arguments for `VCR.use_cassette` (pytest-recording's
    `vcr_config`). No record_mode: that stays with `--record-mode`."""
    return {
        "match_on": MATCH_ON,
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "filter_headers": tuple(sorted(REMOVED_HEADERS)),
        "decode_compressed_response": True,
    }


def configure(recorder: vcr.VCR) -> vcr.VCR:
    """Make our matchers and `vcr_options` the defaults of a vcrpy `VCR` (its attributes
    carry the same names as the keyword arguments)."""
    recorder.register_matcher("aws_target", match_aws_target)
    recorder.register_matcher("json_body", match_json_body)
    for name, value in vcr_options().items():
        setattr(recorder, name, value)
    return recorder


RECORD_MODES = ("none", "once", "new_episodes", "all")


@contextmanager
def use_cassette(path: Path, *, mode: str = "none") -> Iterator[vcr.cassette.Cassette]:
    """Record to or replay from `path` with our matching and scrubbing.

    On replay, a request the cassette does not hold fails inside botocore as an opaque HTTP
    client error; here it becomes a `CassetteError` naming the operation, so it reads as "the
    recording is incomplete", never as a fault of the target.
    """
    import vcr as vcrpy

    if mode not in RECORD_MODES:
        raise CassetteError(f"unknown record mode {mode!r} (one of {', '.join(RECORD_MODES)})")
    if mode == "none":
        load_interactions(path)  # a clear error for a missing or broken file, before any call
    seen: list[Any] = []

    def remember(request: Any) -> Any:
        seen.append(request)
        return scrub_request(request)

    recorder = configure(vcrpy.VCR(record_mode=mode))
    recorder.before_record_request = remember
    context = recorder.use_cassette(str(path))
    cassette = context.__enter__()
    try:
        yield cassette
    except BaseException as exc:
        context.__exit__(type(exc), exc, exc.__traceback__)  # unpatches, even on Ctrl-C
        if mode != "none" or not isinstance(exc, Exception):
            raise
        missing = next((r for r in reversed(list(seen)) if r not in cassette), None)
        if missing is None:
            raise
        raise CassetteError(
            f"{path}: the cassette holds no (further) answer for {_describe(missing)}"
        ) from None
    else:
        context.__exit__(None, None, None)


def _describe(request: Any) -> str:
    target = _header(request, "x-amz-target") or "(no X-Amz-Target)"
    body = _body(request).decode("utf-8", errors="replace")
    body = body if len(body) <= 200 else body[:200] + "..."
    return f"{request.method} {target} {scrub_text(body)}"


# -- reading cassettes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Interaction:
    """One recorded request/response pair, with headers flattened and bodies as bytes."""

    number: int
    """1-based position in the file (what error messages cite)."""
    method: str
    uri: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes

    @property
    def target(self) -> str | None:
        return self.request_headers.get("x-amz-target")

    @property
    def host(self) -> str:
        parts = urlsplit(self.uri)
        return f"{parts.scheme}://{parts.hostname or ''}"

    def same_request(self, other: Interaction) -> bool:
        return self.target == other.target and canonical_body(self.request_body) == canonical_body(
            other.request_body
        )


def _loader() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def read_document(path: Path) -> dict[str, Any]:
    """The parsed cassette file, or a one-line `CassetteError` saying what is wrong with it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CassetteError(f"cassette not found: {path}") from None
    except IsADirectoryError:
        raise CassetteError(f"{path} is a directory, not a cassette file") from None
    except UnicodeDecodeError:
        raise CassetteError(f"{path} is not a text (YAML) cassette") from None
    except OSError as exc:
        raise CassetteError(f"cannot read cassette {path}: {exc.strerror}") from None
    if not text.strip():
        raise CassetteError(f"{path} is empty: it holds no recorded interactions")
    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise CassetteError(f"{path} is not valid YAML{where}: corrupt or truncated") from None
    if not isinstance(data, dict) or "interactions" not in data:
        raise CassetteError(f"{path} is not a vcrpy cassette (no 'interactions' list)")
    if data.get("version") != 1:
        # vcrpy writes `version: 1` after the interactions: a file cut short loses it.
        raise CassetteError(f"{path} has no 'version: 1' line: truncated, or not a vcrpy cassette")
    return data


def load_interactions(path: Path, data: dict[str, Any] | None = None) -> list[Interaction]:
    """The interactions of the cassette at `path` (`data`: its already parsed document)."""
    data = read_document(path) if data is None else data
    raw = data["interactions"]
    if not isinstance(raw, list):
        raise CassetteError(f"{path}: 'interactions' is not a list")
    if not raw:
        raise CassetteError(f"{path} is empty: it holds no recorded interactions")
    return [_interaction(path, number, item) for number, item in enumerate(raw, start=1)]


def metadata(path: Path, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The cassette's `metadata` mapping (hand-written cassettes say their source there)."""
    found = (read_document(path) if data is None else data).get("metadata")
    return dict(found) if isinstance(found, dict) else {}


def _interaction(path: Path, number: int, item: Any) -> Interaction:
    def bad(what: str) -> CassetteError:
        return CassetteError(f"{path}: interaction {number} {what}: corrupt or truncated")

    if not isinstance(item, dict):
        raise bad("is not a mapping")
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, dict):
        raise bad("has no request")
    if not isinstance(response, dict):
        raise bad("has no response")
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise bad("has no response status code")
    method, uri = request.get("method"), request.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        raise bad("has no request method or uri")
    body = response.get("body")
    return Interaction(
        number=number,
        method=method.upper(),
        uri=uri,
        request_headers=_flat_headers(request.get("headers")),
        request_body=_as_bytes(request.get("body")),
        status=code,
        response_headers=_flat_headers(response.get("headers")),
        response_body=_as_bytes(body.get("string") if isinstance(body, dict) else body),
    )


def _flat_headers(headers: Any) -> dict[str, str]:
    """vcrpy stores `name: [values]`; exchanges use lower-case names and joined values."""
    if not isinstance(headers, dict):
        return {}
    flat: dict[str, str] = {}
    for name, values in headers.items():
        items = values if isinstance(values, list) else [values]
        flat[str(name).lower()] = ", ".join(str(v) for v in items)
    return flat


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, dict | list):  # hand-written cassettes may give the JSON inline
        return json.dumps(body).encode()
    return str(body).encode()


def rekognition_interactions(path: Path, data: dict[str, Any] | None = None) -> list[Interaction]:
    """The interactions addressed to Rekognition: its JSON calls and the protocol probes sent
    to the same host (probes with a broken or missing target are exactly what protocol rules
    judge). A cassette without a single Rekognition call is refused."""
    interactions = load_interactions(path, data)
    hosts = {
        i.host for i in interactions if i.target is not None and i.target.startswith(TARGET_PREFIX)
    }
    if not hosts:
        targets = sorted({i.target or f"{i.method} {i.host}" for i in interactions})
        shown = ", ".join(targets[:3]) + (" ..." if len(targets) > 3 else "")
        raise CassetteError(
            f"{path} holds no Rekognition requests (no X-Amz-Target {TARGET_PREFIX}*; "
            f"found {shown}): a cassette of another service?"
        )
    return [i for i in interactions if i.host in hosts and i.method == "POST"]


def to_exchanges(interactions: list[Interaction], *, source: str = "") -> list[Exchange]:
    """Exchanges as the Transport would have returned them.

    The Transport retries a throttled or 5xx answer and keeps only the last attempt; vcrpy
    records every attempt. Consecutive identical requests after such an answer are folded back
    into one exchange with its attempt count, so a replay judges what the live run judged.
    """
    exchanges: list[Exchange] = []
    pending: list[Interaction] = []
    for item in interactions:
        if pending and not pending[-1].same_request(item):
            exchanges.append(_exchange(len(exchanges) + 1, pending, source))
            pending = []
        pending.append(item)
        if not _retryable(item):
            exchanges.append(_exchange(len(exchanges) + 1, pending, source))
            pending = []
    if pending:
        exchanges.append(_exchange(len(exchanges) + 1, pending, source))
    return exchanges


def _retryable(item: Interaction) -> bool:
    probe = Exchange(0, None, None, {}, b"", item.status, item.response_headers, item.response_body)
    return probe.throttled or probe.server_error


def _exchange(index: int, attempts: list[Interaction], source: str) -> Exchange:
    last = attempts[-1]
    try:
        parsed = json.loads(last.request_body) if last.request_body else None
    except (ValueError, UnicodeDecodeError):
        parsed = None
    return Exchange(
        index=index,
        operation=operation_from_target(last.target),
        params=parsed if isinstance(parsed, dict) else None,
        request_headers=scrub_headers(last.request_headers),
        request_body=last.request_body,
        status=last.status,
        response_headers=last.response_headers,
        response_body=last.response_body,
        attempts=len(attempts),
        label=f"cassette interaction {last.number}",
        meta={"cassette": source, "interaction": last.number},
    )


def load_exchanges(path: Path) -> list[Exchange]:
    """The cassette's Rekognition traffic as `Exchange`s, ready for `Evidence`."""
    return load(path)[0]


def load(path: Path) -> tuple[list[Exchange], dict[str, Any]]:
    """Exchanges and metadata from one read of the file."""
    data = read_document(path)
    interactions = rekognition_interactions(path, data)
    return to_exchanges(interactions, source=str(path)), metadata(path, data)


# -- lint ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A secret-looking finding. The message names the kind, never the value."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _secret_kinds(text: str) -> Iterator[str]:
    """What looks secret in `text`, described without repeating it."""
    for match in ACCESS_KEY.finditer(text):
        yield f"AWS access key id ({match.group()[:4]}...)"
    if _SESSION_TOKEN.search(text):
        yield "AWS session token"
    if _NAMED_SECRET.search(text):
        yield "secret access key"
    if _SIGNATURE.search(text):
        yield "SigV4 signature"
    if _PRIVATE_KEY.search(text):
        yield "private key"
    if any(m.group(2) for m in URL_USERINFO.finditer(text)):
        yield "credentials in a URL"
    for match in ARN_ACCOUNT.finditer(text):
        if match.group(2) not in ALLOWED_ACCOUNTS:
            yield f"account id in an ARN (use {PLACEHOLDER_ACCOUNT})"
    for match in _SECRET_MEMBER.finditer(text):
        if match.group(2) not in ("", MASK):
            yield f"credential member {match.group(1).split(':')[0].strip()}"
    for match in _ACCOUNT_MEMBER.finditer(text):
        if match.group(2) not in ALLOWED_ACCOUNTS:
            yield "account id"


def _node_text(node: yaml.ScalarNode) -> str:
    if node.tag == "tag:yaml.org,2002:binary":
        try:
            return base64.b64decode(node.value).decode("latin-1")
        except ValueError:
            return str(node.value)
    return str(node.value)


def _walk(node: yaml.Node, report: Callable[[int, str], None]) -> None:
    if isinstance(node, yaml.ScalarNode):
        for kind in _secret_kinds(_node_text(node)):
            report(node.start_mark.line + 1, kind)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _walk(child, report)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value).lower() if isinstance(key, yaml.ScalarNode) else ""
            if name in REMOVED_HEADERS:
                report(key.start_mark.line + 1, f"{key.value} header (must be removed)")
            _walk(key, report)
            _walk(value, report)


def lint(path: Path) -> list[Problem]:
    """Everything secret-looking in the cassette file at `path`, with its line.

    Works on the YAML node tree, so quoting, folding and `!!binary` bodies cannot hide a value;
    a file that does not parse is scanned line by line instead (and is a problem itself).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return [Problem(path, 0, f"cannot read: {exc.strerror}")]
    found: dict[tuple[int, str], Problem] = {}

    def report(line: int, message: str) -> None:
        found.setdefault((line, message), Problem(path, line, message))

    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.YAMLError:
        report(1, "not valid YAML (scanned line by line)")
        for number, line in enumerate(text.splitlines(), start=1):
            for kind in _secret_kinds(line):
                report(number, kind)
    else:
        if root is not None:
            _walk(root, report)
    return sorted(found.values(), key=lambda p: (p.line, p.message))


def summarize(path: Path) -> dict[str, Any]:
    """What a cassette holds, for `cassettes show`: operations, statuses, its source."""
    interactions = load_interactions(path)
    operations: dict[str, int] = {}
    statuses: dict[int, int] = {}
    for item in interactions:
        name = operation_from_target(item.target) or item.target or "(no X-Amz-Target)"
        operations[name] = operations.get(name, 0) + 1
        statuses[item.status] = statuses.get(item.status, 0) + 1
    return {
        "path": str(path),
        "interactions": len(interactions),
        "operations": dict(sorted(operations.items(), key=lambda kv: (-kv[1], kv[0]))),
        "statuses": dict(sorted(statuses.items())),
        "metadata": metadata(path),
    }


def request_headers_of(exchange: Exchange) -> Mapping[str, str]:
    """The request headers a re-send needs (target and content type); the rest are derived."""
    return {
        name: value
        for name, value in exchange.request_headers.items()
        if name in ("x-amz-target", "content-type")
    }
