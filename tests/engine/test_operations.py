"""`--operations`: the gate judges the searches it is asked to, and only those."""

from __future__ import annotations

from conformance.config import RunConfig
from conformance.engine import run
from conformance.errors import EXIT_OK
from conformance.rules.base import Status

SETTINGS = {"max_examples": 3, "examples_dir": None, "seed": 1, "settle_s": 0.5}


def _operations(result_exchanges: list[object]) -> set[str | None]:
    return {getattr(e, "operation", None) for e in result_exchanges}


def test_search_users_alone_never_sends_an_image() -> None:
    result = run(RunConfig(**SETTINGS, operations=("SearchUsers",)))  # type: ignore[arg-type]
    assert result.exit_code == EXIT_OK
    assert "SearchUsersByImage" not in _operations(list(result.exchanges))
    image_rules = [v for v in result.verdicts if v.rule.family == "image"]
    assert image_rules and all(v.status is Status.NOT_VERIFIED for v in image_rules)
    assert all(v.reason.startswith("not selected") for v in image_rules)


def test_the_image_search_alone_is_judged_without_searches_by_id() -> None:
    result = run(RunConfig(**SETTINGS, operations=("SearchUsersByImage",)))  # type: ignore[arg-type]
    assert result.exit_code == EXIT_OK
    sent = _operations(list(result.exchanges))
    assert "SearchUsers" not in sent and "SearchUsersByImage" in sent
    verdicts = {v.rule.id: v for v in result.verdicts}
    assert verdicts["image.finds-indexed-owner"].status is Status.PASS
    assert verdicts["results.order"].status is Status.PASS  # judged on the image answers
    assert verdicts["echo.searched-user"].reason.startswith("not selected")
