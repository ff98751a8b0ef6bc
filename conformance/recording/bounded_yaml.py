"""Parsing untrusted YAML without letting aliases multiply it ("billion laughs").

PyYAML composes `*alias` references as shared nodes, so loading a 1 KB file of nested aliases
is cheap; it is everything after -- walking the tree for secrets, turning a body into JSON,
printing it -- that expands the sharing into billions of values. vcrpy never writes an alias
except for an object it meets twice in one cassette (a few shared header lists at most), so the
bound below is generous for recordings and tiny against a bomb. The check runs on the composed
node tree, before a single Python object is built from it.

PyYAML has no such limit itself (libyaml bounds nesting depth only), hence the hand-written
walk: it is iterative, so a deep document cannot exhaust the Python stack either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

MAX_ALIAS_EXPANSION = 10_000
"""How many nodes alias references may add to a document once expanded, at least: a document
may also grow to twice its own size (linear growth harms nobody; a bomb's is exponential)."""

_ANCHOR = re.compile(r"(?:^|[\s\[{,:?-])&[^\s\[\]{},]")
"""Where an anchor may start; without one, no alias can refer to anything (a cheap pre-check:
a text match inside a quoted string only costs the full walk)."""


LoaderClass = Callable[[str], Any]
"""A PyYAML loader class (pure or libyaml-based; their stubs share no useful base)."""


class AliasBomb(yaml.YAMLError):
    """The document's aliases expand far beyond its size (or refer to themselves)."""


def compose(text: str, loader: LoaderClass) -> yaml.Node | None:
    """The document's node tree, refused (`AliasBomb`) when its aliases expand beyond the bound."""
    parser = loader(text)
    try:
        node: yaml.Node | None = parser.get_single_node()
    finally:
        parser.dispose()
    if node is not None and _ANCHOR.search(text):
        check_expansion(node)
    return node


def load(text: str, loader: LoaderClass) -> Any:
    """`yaml.load(text, Loader=loader)`, refusing alias bombs before building any object."""
    parser = loader(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return None
        if _ANCHOR.search(text):
            check_expansion(node)
        return parser.construct_document(node)
    finally:
        parser.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_expansion(root: yaml.Node) -> None:
    """Raise `AliasBomb` if expanding every alias would add more than `MAX_ALIAS_EXPANSION`
    nodes, or if a node contains itself. Linear in the number of distinct nodes."""
    expanded: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            expanded[key] = 1 + sum(expanded[id(child)] for child in _children(node))
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise AliasBomb(f"an alias refers to itself (line {node.start_mark.line + 1})")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in expanded)
    distinct = len(expanded)
    allowed = max(MAX_ALIAS_EXPANSION, distinct)
    if expanded[id(root)] - distinct > allowed:
        raise AliasBomb(
            f"its aliases expand {distinct:,} YAML nodes to {expanded[id(root)]:,} "
            f"(more than {allowed:,} added): refused, recordings never need that"
        )


class VcrSerializer:
    """vcrpy's own YAML serializer, with the alias bound checked before it reads a cassette
    (pytest `@pytest.mark.vcr` replays and `use_cassette` go through vcrpy, not our reader)."""

    @staticmethod
    def deserialize(text: str) -> Any:
        from vcr.serializers import yamlserializer

        compose(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return yamlserializer.deserialize(text)

    @staticmethod
    def serialize(data: Any) -> str:
        from vcr.serializers import yamlserializer

        text: str = yamlserializer.serialize(data)
        return text
