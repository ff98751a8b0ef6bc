"""Every rule's source is data, and its quotes are AWS's own words.

The README links each rule to the page it rests on; a quote that drifted from the page, or a
model shape that does not exist, would send a reader checking a rule to the wrong words. API
reference pages are generated from the service model, so botocore's copy of the model carries
their text: every quote from an API reference page or the model must appear in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from botocore.model import ServiceModel, Shape

from conformance.contract.model import service_model
from conformance.rules import FAMILIES, catalog
from conformance.rules.sources import Kind, Source, api, model

STRUCTURED_FAMILIES = frozenset(FAMILIES)
"""Families whose every rule gives its sources as data (all of them)."""


def _squash(text: str) -> str:
    """Documentation as words only: HTML tags and all whitespace removed."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))


def _documentation(shape: Shape | None, seen: set[str]) -> Iterator[str]:
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    yield shape.documentation or ""
    for member in getattr(shape, "members", {}).values():
        yield member.documentation or ""
        yield from _documentation(member, seen)
    yield from _documentation(getattr(shape, "member", None), seen)


def _operation_text(models: ServiceModel, operation: str) -> str:
    op = models.operation_model(operation)
    seen: set[str] = set()
    parts = [op.documentation or ""]
    for shape in (op.input_shape, op.output_shape, *op.error_shapes):
        parts += _documentation(shape, seen)
    return _squash(" ".join(parts))


def _model_text(models: ServiceModel, where: str) -> str | None:
    """The documentation of a shape, member (`Shape.Member`) or operation; None if unknown."""
    name, _, member = where.partition(".")
    if name in models.operation_names and not member:
        return _operation_text(models, name)
    if name not in models.shape_names:
        return None
    shape = models.shape_for(name)
    if member:
        members = getattr(shape, "members", {})
        return _squash(members[member].documentation or "") if member in members else None
    return _squash(shape.documentation or "")


def _sources() -> list[tuple[str, Source]]:
    return [(rule.id, source) for rule in catalog() for source in rule.sources]


def test_every_rule_of_a_structured_family_gives_its_sources_as_data() -> None:
    loose = [r.id for r in catalog() if r.family in STRUCTURED_FAMILIES and not r.sources]
    assert not loose
    for rule in catalog():
        if rule.sources:
            assert rule.source == "; ".join(s.text() for s in rule.sources), rule.id


@pytest.mark.parametrize(("rule_id", "source"), _sources(), ids=lambda v: getattr(v, "title", v))
def test_a_source_is_where_it_says(rule_id: str, source: Source) -> None:
    models = service_model()
    assert source.quote or source.note or source.kind in (Kind.MODEL, Kind.CODE) or source.url
    operation = re.fullmatch(r".*/APIReference/API_(\w+)\.html", source.url)
    if operation is not None:
        assert operation.group(1) in models.operation_names, rule_id
        assert _squash(source.quote) in _operation_text(models, operation.group(1)), rule_id
    if source.kind is Kind.MODEL:
        text = _model_text(models, source.title)
        assert text is not None, f"{rule_id}: no {source.title} in the service model"
        assert _squash(source.quote) in text, rule_id
    if source.url:
        assert source.url.startswith("https://"), rule_id


def test_a_drifted_quote_would_be_caught() -> None:
    """The check above can fail: a word changed, a shape misspelt."""
    models = service_model()
    drifted = api("SearchUsers", "ordered by similarity score with the lowest similarity first")
    assert _squash(drifted.quote) not in _operation_text(models, "SearchUsers")
    assert _model_text(models, model("SearchUserRequest").title) is None
    assert _model_text(models, "SearchUsersRequest.MaxUser") is None
