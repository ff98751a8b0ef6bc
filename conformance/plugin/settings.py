"""The plugin's `--su-*` options and `su_*` ini keys, parsed into the `RunConfig` they describe.

Imported only once someone configured the gate or requested a `searchusers_*` fixture: the
plugin module itself holds the option table as plain tuples, so a project that never uses the
gate pays for no class and no import here (benchmarks/collection.py measures it).

Settings come from `--su-*` options, else `su_*` ini keys, else RunConfig's defaults -- the same
meanings as `searchusers-conformance run`, because both end in the same `RunConfig`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.config import RunConfig, parse_operations
from conformance.plugin import OPTIONS, WORKER_SEED
from conformance.settle import settle_seconds


def _text(raw: str) -> str:
    return raw


def _flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _budget(raw: str) -> int | None:
    """`none` (or `unlimited`) lifts the request budget; anything else must be an integer."""
    return None if raw.strip().lower() in ("none", "unlimited") else int(raw)


def _state(raw: str) -> Path:
    """`--su-state-dir` names the folder; the example database lives in it, as for the CLI."""
    return Path(raw) / "examples"


def _names(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.replace(",", " ").split() if part.strip())


PARSERS: dict[str, Callable[[str], Any]] = {
    "text": _text,
    "path": _text,
    "flag": _flag,
    "int": int,
    "float": float,
    "budget": _budget,
    "names": _names,
    "state": _state,
    "settle": settle_seconds,
    "ops": parse_operations,
}


@dataclass(frozen=True)
class Setting:
    """One run setting as a `--su-*` option and a `su_*` ini key, mapped to a RunConfig field."""

    field: str
    flag: str
    help: str
    kind: str = "text"

    @property
    def parse(self) -> Callable[[str], Any]:
        return PARSERS[self.kind]

    @property
    def is_path(self) -> bool:
        return self.kind in ("path", "state")

    @property
    def option(self) -> str:
        return f"--su-{self.flag}"

    @property
    def ini(self) -> str:
        return "su_" + self.flag.replace("-", "_")

    @property
    def dest(self) -> str:
        return "su_" + self.field


SETTINGS = tuple(Setting(*row) for row in OPTIONS)


def _raw_value(config: pytest.Config, setting: Setting) -> tuple[str | None, Path]:
    """The setting's text and the folder relative paths in it are relative to."""
    given = config.getoption(setting.dest)
    if given is not None:
        return str(given), Path(config.invocation_params.dir)
    from_ini = config.getini(setting.ini)
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return (str(from_ini) if from_ini not in (None, "") else None), base


def build_run_config(config: pytest.Config) -> RunConfig:
    """The RunConfig the `--su-*` options and `su_*` ini keys describe; bad values and
    contradictory settings are a one-line pytest usage error (not a traceback)."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw, base = _raw_value(config, setting)
        if raw is None:
            continue
        try:
            value = setting.parse(raw)
        except ValueError as exc:
            raise pytest.UsageError(f"{setting.option} / {setting.ini}: {exc}") from None
        values[setting.field] = base / value if setting.is_path else value
    run_config = RunConfig(**values)
    worker = getattr(config, "workerinput", None)
    if run_config.seed is None and isinstance(worker, dict) and WORKER_SEED in worker:
        run_config = dataclasses.replace(run_config, seed=int(worker[WORKER_SEED]))
    if run_config != RunConfig():
        _check(run_config)
    return run_config


def _check(run_config: RunConfig) -> None:
    """Reject contradictory settings with the same rules and words as the CLI."""
    from conformance.errors import ConformanceError

    try:
        run_config.validate()
    except ConformanceError as exc:
        raise pytest.UsageError(f"searchusers-conformance: {exc}") from None
