"""A schema -> hypothesis-strategy compiler for the keywords the derived schemas use.

Any operation's strategies are built on it (SearchUsers in ``strategies.py``, SearchUsersByImage
in ``image_strategies.py``); it knows JSON Schema, never an operation. hypothesis-jsonschema
does not work with current hypothesis, so this is a small compiler for exactly the keywords the
derived schemas use. Two choices matter:

* Boundaries are drawn on purpose (``st.one_of(st.sampled_from(edges), general)``): a 255-char
  CollectionId or ``MaxUsers=500`` is where servers break, and uniform sampling almost never
  reaches them.
* Pattern strings whose pattern is a single character class (every id in this API) are built
  from that class's alphabet with the schema's length bounds, not by ``from_regex`` followed by
  a length filter, which would reject most examples and trip hypothesis' health checks.

It also breaks schemas on purpose: ``keyword_violations`` draws values that fail exactly one
keyword of a scalar schema, the building block of every invalid-request table.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st

from conformance.contract.derive import NEWLINE_GUARD

Json = Any
Schema = Mapping[str, Any]

UNBOUNDED_STRING = 64
"""Longest string drawn for a schema without maxLength; longer adds cost, not coverage."""
UNBOUNDED_ITEMS = 5
"""Most items/entries drawn for an array or map in the generic compiler."""
UNBOUNDED_INTEGER = 2**31 - 1

ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
"""Every character UTF-8 can encode (all but the surrogates): exactly hypothesis's default
alphabet, `characters(codec="utf-8")`, but read from its shipped category table instead of
computed by encoding all 1.1 million code points once per fresh hypothesis home (~3 s of CPU at
the start of every run in a new working directory or `--state-dir`)."""

BOTOCORE_CHECKED = frozenset({"required", "type", "minLength", "minimum", "additionalProperties"})
"""Keywords botocore's client-side ParamValidator enforces; it skips maxima and patterns."""


def _edges(low: float | None, high: float | None) -> list[float]:
    return sorted({v for v in (low, high) if v is not None})


def resolve(root: Schema, node: Schema) -> Schema:
    """Follow local ``$ref``s (``#/$defs/Name``), the only kind the derived schemas contain."""
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"unsupported $ref {ref!r}")
        node = root["$defs"][ref[len("#/$defs/") :]]
    return node


# -- patterns -------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


@dataclass(frozen=True)
class CharClass:
    """A bracket expression: explicit characters plus Unicode general categories (``\\p{L}``)."""

    chars: str
    categories: tuple[str, ...]

    def alphabet(self) -> st.SearchStrategy[str]:
        parts: list[st.SearchStrategy[str]] = []
        if self.chars:
            parts.append(st.sampled_from(self.chars))
        if self.categories:
            parts.append(st.characters(categories=self.categories))  # type: ignore[arg-type]
        return st.one_of(parts)

    def __contains__(self, char: object) -> bool:
        if not isinstance(char, str):
            return False
        return char in self.chars or unicodedata.category(char)[0] in self.categories


def parse_class(body: str) -> CharClass:
    """Parse the inside of ``[...]`` (ranges, escapes, ``\\p{X}``); no negation needed here."""
    chars: list[str] = []
    categories: list[str] = []
    atoms: list[str | None] = []  # None marks a category (cannot be a range end)
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1]
            if nxt == "p":
                end = body.index("}", i)
                categories.append(body[i + 3 : end])
                atoms.append(None)
                i = end + 1
                continue
            atoms.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if c == "-" and atoms and atoms[-1] is not None and i + 1 < len(body):
            start = atoms.pop()
            assert start is not None
            stop = body[i + 1]
            chars.extend(chr(x) for x in range(ord(start), ord(stop) + 1))
            i += 2
            continue
        atoms.append(c)
        i += 1
    chars.extend(a for a in atoms if a is not None)
    return CharClass("".join(dict.fromkeys(chars)), tuple(categories))


_SIMPLE = re.compile(
    r"\^(?:\(\?!(?P<forbid>[^()\\\[\]]+)\))?(?:\(\?:|\()?"
    r"\[(?P<body>(?:\\.|[^\]\\])+)\](?P<quant>[+*])\)?" + re.escape(NEWLINE_GUARD) + r"\$"
)


@dataclass(frozen=True)
class SimplePattern:
    """``^(?!prefix)?[class]+$``: the shape of every id pattern in the model."""

    char_class: CharClass
    min_size: int
    forbidden_prefix: str | None


def simple_pattern(pattern: str) -> SimplePattern | None:
    match = _SIMPLE.fullmatch(pattern)
    if match is None:
        return None
    return SimplePattern(
        parse_class(match["body"]), 1 if match["quant"] == "+" else 0, match["forbid"]
    )


@cache
def pattern_checker(pattern: str) -> Callable[[str], bool]:
    """Whole-pattern test in an engine that understands every model pattern (incl. ``\\p{}``)."""
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    return lambda value: bool(validator.is_valid(value))


def _python_regex(pattern: str) -> str:
    return pattern.replace(NEWLINE_GUARD, "")


def _length(low: int, high: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(_edges(low, high)), st.integers(low, high))


def strings(schema: Schema) -> st.SearchStrategy[str]:
    """Valid strings for a string schema, reaching both length bounds."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    low = int(schema.get("minLength", 0))
    high = int(schema.get("maxLength", max(low, UNBOUNDED_STRING)))
    if schema.get("contentEncoding") == "base64":
        return _base64(low, high)
    pattern = schema.get("pattern")
    if pattern is None:
        return _length(low, high).flatmap(
            lambda n: st.text(alphabet=ANY_CHARACTER, min_size=n, max_size=n)
        )
    simple = simple_pattern(pattern)
    if simple is not None:
        low = max(low, simple.min_size)
        alphabet = simple.char_class.alphabet()
        drawn = _length(low, high).flatmap(
            lambda n: st.text(alphabet=alphabet, min_size=n, max_size=n)
        )
        prefix = simple.forbidden_prefix
        return drawn if prefix is None else drawn.filter(lambda s: not s.startswith(prefix))
    bounded = st.from_regex(_python_regex(pattern), fullmatch=True, alphabet=ANY_CHARACTER)
    return bounded.filter(lambda s: low <= len(s) <= high)


def _base64(low_chars: int, high_chars: int) -> st.SearchStrategy[str]:
    low = max(0, (low_chars // 4) * 3 - 2) if low_chars else 0
    high = min(UNBOUNDED_STRING, (high_chars // 4) * 3)
    return st.binary(min_size=max(low, 1 if low_chars else 0), max_size=max(high, low)).map(
        lambda raw: base64.b64encode(raw).decode("ascii")
    )


def integers(schema: Schema) -> st.SearchStrategy[int]:
    low = int(schema.get("minimum", -UNBOUNDED_INTEGER))
    high = int(schema.get("maximum", UNBOUNDED_INTEGER))
    return st.one_of(st.sampled_from(_edges(low, high)), st.integers(low, high))


def numbers(schema: Schema, *, extra_edges: Iterable[float] = ()) -> st.SearchStrategy[float]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    edges = sorted({*_edges(low, high), *extra_edges})
    general = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from(edges), general) if edges else general


def from_schema(schema: Schema, root: Schema | None = None) -> st.SearchStrategy[Json]:
    """A strategy for instances of ``schema`` (keywords of the derived schemas only).

    Optional members are sometimes present, sometimes absent; arrays and maps are kept short
    (``UNBOUNDED_ITEMS``) unless the schema bounds them lower.
    """
    root = schema if root is None else root
    node = resolve(root, schema)
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        required = set(node.get("required", ()))
        members = {k: from_schema(v, root) for k, v in node["properties"].items()}
        return st.fixed_dictionaries(
            {k: v for k, v in members.items() if k in required},
            optional={k: v for k, v in members.items() if k not in required},
        )
    if kind == "object":
        keys = strings(resolve(root, node.get("propertyNames", {"type": "string"})))
        values = from_schema(node["additionalProperties"], root)
        low = int(node.get("minProperties", 0))
        high = min(int(node.get("maxProperties", UNBOUNDED_ITEMS)), max(low, UNBOUNDED_ITEMS))
        return st.dictionaries(keys, values, min_size=low, max_size=high)
    if kind == "array":
        low = int(node.get("minItems", 0))
        high = min(int(node.get("maxItems", UNBOUNDED_ITEMS)), max(low, UNBOUNDED_ITEMS))
        return st.lists(from_schema(node["items"], root), min_size=low, max_size=high)
    if kind == "string":
        return strings(node)
    if kind == "integer":
        return integers(node)
    if kind == "number":
        return numbers(node)
    if kind == "boolean":
        return st.booleans()
    raise ValueError(f"unsupported schema: {dict(node)!r}")


def with_pool(fresh: st.SearchStrategy[str], pool: Sequence[str] | None) -> st.SearchStrategy[str]:
    """Mix known ids (so requests hit existing resources) with fresh valid-format ones."""
    return st.one_of(st.sampled_from(list(pool)), fresh) if pool else fresh


# -- schema violations -----------------------------------------------------------------------

_WRONG_TYPES: dict[str, tuple[Json, ...]] = {
    # bools are ints in Python: botocore would accept them as integer/float, so they are used
    # only where both the schema and botocore reject them. Never None: in AWS JSON 1.1 a null
    # member is an absent one (AWS and Smithy read it so), not a member of the wrong type.
    "string": (123, 1.5, True, ["x"], {"x": 1}),
    "integer": ("5", 5.5, [1], {"x": 1}),
    "number": ("80", [1.0], {"x": 1}),
}


def _bad_chars(char_class: CharClass) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(" /#\n\t*é"),
        ANY_CHARACTER,
    ).filter(lambda c: c not in char_class)


def _pattern_breakers(node: Schema) -> st.SearchStrategy[str]:
    """Strings within the length bounds that fail only the pattern."""
    low = max(1, int(node.get("minLength", 1)))
    high = int(node.get("maxLength", UNBOUNDED_STRING))
    pattern = node["pattern"]
    simple = simple_pattern(pattern)
    valid = strings({**node, "maxLength": high - 1, "minLength": max(0, low - 1)})

    @st.composite
    def one_bad_char(draw: st.DrawFn) -> str:
        assert simple is not None
        base = draw(valid)
        bad = draw(_bad_chars(simple.char_class))
        at = draw(st.integers(0, len(base)))
        return base[:at] + bad + base[at:]

    @st.composite
    def mutated(draw: st.DrawFn) -> str:
        base = draw(strings(node))
        how = draw(st.sampled_from(("upper", "newline", "drop", "replace")))
        at = draw(st.integers(0, max(0, len(base) - 1)))
        if how == "upper":
            letters = [i for i, c in enumerate(base) if c.isalpha()]
            if not letters:
                return base[:at] + draw(st.sampled_from("ABCDEF")) + base[at + 1 :]
            i = draw(st.sampled_from(letters))
            return base[:i] + base[i].swapcase() + base[i + 1 :]
        if how == "newline":
            return base + "\n"
        if how == "drop":
            return base[:at] + base[at + 1 :]
        return base[:at] + draw(st.sampled_from("g-Z_ ")) + base[at + 1 :]

    trailing_newline = valid.map(lambda s: s + "\n")
    general = one_bad_char() if simple is not None else mutated()
    accepts = pattern_checker(pattern)
    return st.one_of(trailing_newline, general).filter(
        lambda s: low <= len(s) <= high and not accepts(s)
    )


def keyword_violations(node: Schema) -> dict[str, st.SearchStrategy[Json]]:
    """Per-keyword generators of a value breaking exactly that keyword of a scalar schema
    (``type``, length bounds, ``pattern``, range bounds, ``enum``)."""
    kind = node["type"]
    found: dict[str, st.SearchStrategy[Json]] = {"type": st.sampled_from(_WRONG_TYPES[kind])}
    if kind == "string":
        if node.get("minLength", 0) > 0:
            # with a `+` pattern the empty string also fails the pattern: still one constraint
            # violated as far as the documentation goes (the member is too short)
            short = {**node, "minLength": 0, "maxLength": node["minLength"] - 1}
            found["minLength"] = strings({k: v for k, v in short.items() if k != "pattern"})
        if "maxLength" in node:
            high = node["maxLength"]
            found["maxLength"] = strings({**node, "minLength": high + 1, "maxLength": high + 16})
        if "pattern" in node:
            found["pattern"] = _pattern_breakers(node)
        if "enum" in node:
            allowed = set(node["enum"])
            near = [v.lower() for v in node["enum"]] + [v + " " for v in node["enum"]] + [""]
            found["enum"] = st.one_of(
                st.sampled_from(near), st.text(alphabet=ANY_CHARACTER, max_size=8)
            ).filter(lambda v: v not in allowed)
    else:
        as_int = kind == "integer"
        if "minimum" in node:
            low = node["minimum"]
            found["minimum"] = (
                st.integers(low - 1000, low - 1)
                if as_int
                else st.floats(low - 1e6, low, allow_nan=False).filter(lambda x: x < low)
            )
        if "maximum" in node:
            high = node["maximum"]
            found["maximum"] = (
                st.integers(high + 1, high + 1000)
                if as_int
                else st.floats(high, high + 1e6, allow_nan=False).filter(lambda x: x > high)
            )
    return found
