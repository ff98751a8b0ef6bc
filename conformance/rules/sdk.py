"""What a boto3 caller is handed, against what the wire says.

Every other family judges the wire. These rules run each answered exchange through the
installed botocore's own response parser for its operation (`conformance.contract.caller_view`)
and fail where the two part: an error type the response names that boto3 never reports (so the
modeled exception never fires), a member botocore drops or hands over with another type than
the model promises, a body botocore cannot parse at all. Failures read
"on the wire: ...; boto3 hands the caller: ...".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from conformance.contract.caller_view import CallerView, caller_view, output_shape
from conformance.contract.errors import wire_error_types
from conformance.evidence import Evidence
from conformance.evidence.reading import body_of
from conformance.exchange import Exchange
from conformance.rules.base import Finding, passed, rule, violated
from conformance.rules.sources import code, json_protocol, model

FAMILY = "sdk"
EXCERPT = 60

#: The Python types botocore's JSON parser hands over per model type (`float` also admits an
#: int: JSON does not tell 100 from 100.0, and Python compares them alike).
PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (float, int),
    "double": (float, int),
    "boolean": (bool,),
    "timestamp": (datetime.datetime,),
    "blob": (bytes,),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}


def _view(exchange: Exchange) -> CallerView | None:
    operation = exchange.operation
    if operation is None:
        return None
    return exchange.memo(
        "caller_view",
        lambda: caller_view(
            operation, exchange.status, exchange.response_headers, exchange.response_body
        ),
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "..."


def _judged(
    evidence: Evidence, judge: Callable[[Exchange, CallerView], Finding | None]
) -> Iterator[Finding]:
    """Every exchange of a model operation (protocol probes of unknown targets have none)."""
    for exchange in evidence.exchanges:
        view = _view(exchange)
        if view is not None:
            finding = judge(exchange, view)
            if finding is not None:
                yield finding


@rule(
    "sdk.error-code",
    "An error reaches a boto3 caller as the type the response names: botocore reads it from "
    "the body's __type only, so every type the response names (X-Amzn-Errortype, code, "
    "__type) must be the Code boto3 raises, and a modeled error its modeled exception.",
    source=(
        code(
            "botocore 1.44 parsers.BaseJSONParser._do_error_parse and "
            "errorfactory.ClientExceptions.from_code",
            note="run on each answer",
        ),
        json_protocol(note="errors"),
    ),
    family=FAMILY,
    leaves_open="Smithy's awsJson1_1 protocol tests read X-Amzn-Errortype first, then code, "
    "then __type; the gate follows botocore (boto3 and the AWS CLI are this package's clients "
    "of record, and __type is the one place every SDK reads), so a type only in the header or "
    "code fails. A header or code that repeats __type is fine. Answers that name no type at "
    "all are errors.error-type's.",
)
def error_code(evidence: Evidence) -> Iterator[Finding]:
    return _judged(evidence, _error_code)


def _error_code(exchange: Exchange, view: CallerView) -> Finding | None:
    if exchange.ok:
        return None
    named = wire_error_types(exchange.response_headers, body_of(exchange))
    if view.crash is not None:
        return violated(
            f"on the wire: HTTP {exchange.status} {_named(named)}; boto3 hands the caller: "
            f"{view.crash} from its parser, no ClientError",
            exchange,
        )
    if not named:
        return None
    lost = {where: kind for where, kind in named.items() if kind != view.error_code}
    if not lost:
        return passed(exchange)
    return violated(
        f"on the wire: HTTP {exchange.status} {_named(named)}; boto3 hands the caller: "
        f"{view.exception} with Code {view.error_code!r}" + _not_caught(view, set(lost.values())),
        exchange,
    )


def _named(named: dict[str, str]) -> str:
    if not named:
        return "naming no error type"
    return ", ".join(f"{where} {kind!r}" for where, kind in named.items()) + (
        "" if "__type" in named else " and no __type"
    )


def _not_caught(view: CallerView, kinds: set[str]) -> str:
    return "".join(
        f", so `except client.exceptions.{kind}` never fires"
        for kind in sorted(kinds)
        if kind != view.exception
    )


@rule(
    "sdk.members",
    "Every member a 2xx answer carries reaches a boto3 caller through botocore's own parser "
    "for the operation: under its modeled name (not another spelling), with the type the "
    "model promises, and the body parses (null members count as absent).",
    source=(
        code(
            "botocore 1.44 parsers.JSONParser",
            note="with the installed Rekognition model, run on each answer",
        ),
        model("SearchUsersResponse", note="and each operation's output shape"),
    ),
    family=FAMILY,
    leaves_open="Members the model does not know under any spelling (AWS adds members over "
    "time; --strict-schema judges them). An empty body for an operation whose output has no "
    "member is what AWS documents.",
)
def members(evidence: Evidence) -> Iterator[Finding]:
    return _judged(evidence, _members)


def _members(exchange: Exchange, view: CallerView) -> Finding | None:
    if not exchange.ok:
        return None
    if view.crash is not None:
        return violated(
            f"on the wire: {_short(exchange.json)}; boto3 hands the caller: {view.crash} "
            "from its parser instead of an answer",
            exchange,
        )
    shape = output_shape(exchange.operation or "")
    if exchange.json is None:
        if exchange.response_body.strip():
            excerpt = exchange.response_body[:EXCERPT].decode("utf-8", errors="replace")
            return violated(
                f"on the wire: a body that is not JSON ({excerpt!r}); boto3 hands the caller: "
                f"{view.output!r}, an answer with no member and no error",
                exchange,
            )
        return passed(exchange)
    if shape is None or view.output is None:
        return passed(exchange)
    problems = list(_differences(shape, exchange.json, view.output, ""))
    if not problems:
        return passed(exchange)
    return violated("; ".join(problems[:3]) + _more(len(problems)), exchange)


def _more(count: int) -> str:
    return f" (and {count - 3} more)" if count > 3 else ""


def _differences(shape: Shape, wire: Any, got: Any, path: str) -> Iterator[str]:
    """Where the caller's value differs from the wire's, as "on the wire ...; boto3 ..."."""
    if _mistyped(shape, wire, got):
        yield (
            f"on the wire: {path or '(body)'} = {_short(wire)}; boto3 hands the caller: "
            f"{_short(got)} ({type(got).__name__}) where the model promises a {shape.type_name}"
        )
        return
    if isinstance(shape, StructureShape):
        yield from _structure(shape, wire, got, path)
    elif isinstance(shape, ListShape):
        for i, (item_wire, item_got) in enumerate(zip(wire, got, strict=True)):
            if item_wire is not None:
                yield from _differences(shape.member, item_wire, item_got, f"{path}[{i}]")
    elif isinstance(shape, MapShape):
        for key, value in wire.items():
            if value is not None and key in got:
                yield from _differences(shape.value, value, got[key], f"{path}.{key}")


def _mistyped(shape: Shape, wire: Any, got: Any) -> bool:
    """botocore passes scalars through and iterates whatever a list holds (a string becomes
    its characters), so the caller's type is checked, and a list's on the wire too."""
    kind = shape.type_name
    if kind == "list" and not isinstance(wire, list):
        return True
    if type(got) in PYTHON_TYPES.get(kind, ()):  # the common case, exact and cheap
        return False
    if isinstance(got, bool) and kind in ("integer", "long", "float", "double"):
        return True
    return not isinstance(got, PYTHON_TYPES.get(kind, (object,)))


@dataclass(frozen=True)
class _Names:
    """A structure's members by wire name, and its wire names case-folded."""

    member_of: dict[str, str]
    folded: dict[str, str]


_NAMES: dict[str, _Names] = {}


def _names(shape: StructureShape) -> _Names:
    """Cached per shape name: the judge walks the same few shapes thousands of times a run."""
    known = _NAMES.get(shape.name)
    if known is None:
        member_of = {s.serialization.get("name", m): m for m, s in shape.members.items()}
        known = _NAMES[shape.name] = _Names(member_of, {n.lower(): n for n in member_of})
    return known


def _structure(shape: StructureShape, wire: Any, got: dict[str, Any], path: str) -> Iterator[str]:
    names = _names(shape)
    for name, value in wire.items():
        if value is None:
            continue  # null is absent (AWS JSON 1.1, Smithy and botocore alike)
        where = f"{path}.{name}" if path else name
        member = names.member_of.get(name)
        if member is None:
            modeled = names.folded.get(name.lower())
            if modeled is not None and wire.get(modeled) is None:
                yield (
                    f"on the wire: {where} = {_short(value)}; boto3 hands the caller: no "
                    f"{modeled} (botocore reads only the modeled spelling {modeled!r})"
                )
        elif member not in got:
            yield f"on the wire: {where} = {_short(value)}; boto3 hands the caller: no {member}"
        else:
            yield from _differences(shape.members[member], value, got[member], where)
