"""The house's floors, checked from the source: which package may import which.

Data flows one way (schemas -> requests -> target -> exchanges -> evidence -> rules -> verdicts
-> reports), and the imports must follow it, or a lower floor starts depending on a higher one
and the two can no longer be read, tested or replaced apart. Every import counts, deferred and
TYPE_CHECKING ones too: they are dependencies all the same.

A unit is a top-level module or subpackage of `conformance` (`conformance.rules.stateful` is
`rules`). `FLOORS` lists what each unit it names may import besides itself; a unit not in it is
not yet held to a list, only to the no-cycle rule. Extend it as floors are settled.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "conformance"
ROOT = "conformance"
"""`conformance/__init__.py` itself (`__version__`): the ground floor everyone may stand on."""

#: Unit -> the units it may import. Strict for the floors issue 13 settled.
FLOORS: dict[str, frozenset[str]] = {
    # the ground: the contract AWS documents, and what reads it
    "contract": frozenset({ROOT}),
    "schemas": frozenset({ROOT, "contract"}),
    "strategies": frozenset({ROOT, "contract"}),
    # settings, and `RunConfig.validate`'s one-line UsageError (errors imports nothing)
    "config": frozenset({ROOT, "errors"}),
    "settle": frozenset({ROOT, "config"}),
    # one request and its answer
    "exchange": frozenset({ROOT, "contract"}),
    # what the exchanges show: read one way for discovery, rules and the stateful phase
    "evidence": frozenset({ROOT, "contract", "schemas", "exchange", "settle"}),
    # the catalog judges evidence and nothing above it: never the engine or a phase driver
    "rules": frozenset({ROOT, "contract", "schemas", "exchange", "evidence"}),
    # the stateful phase's driver sits above the catalog, and sends through a `transport.Client`
    "stateful": frozenset(
        {
            ROOT,
            "contract",
            "errors",
            "exchange",
            "evidence",
            "reference",
            "rules",
            "settle",
            "transport",
        }
    ),
    # the sender: signing, budget, rate and retries, below everything that reads exchanges
    "transport": frozenset(
        {
            ROOT,
            "contract",
            "credentials",
            "errors",
            "exchange",
            "limits",
            "secrets",
        }
    ),
    # what a credential looks like in text, and which ones this process used: hidden everywhere
    # (and `redact`, the same secrets masked in text every report and log line passes through)
    "secrets": frozenset({ROOT}),
    # which credentials sign, and what TLS trusts
    "credentials": frozenset({ROOT, "errors"}),
    # where a run points: targets send and set up, never judge (no rules, results or engine;
    # a cassette is the engine's replay, not a target)
    "targets": frozenset(
        {
            ROOT,
            "config",
            "credentials",
            "errors",
            "exchange",
            "limits",
            "reference",
            "secrets",
            "transport",
        }
    ),
    # the reference stands apart: it imports only the contract (its own copy of wire constants)
    "reference": frozenset({ROOT, "contract"}),
    # the pytest side sits on top: it configures (config, settle, errors), runs the engine, serves
    # and seeds the reference, checks answers with the rules, reports, and scrubs cassettes
    "plugin": frozenset(
        {
            ROOT,
            "config",
            "credentials",
            "engine",
            "errors",
            "evidence",
            "exchange",
            "recording",
            "reference",
            "reporting",
            "results",
            "rules",
            "secrets",
            "settle",
        }
    ),
}

#: The top floor: pytest imports it, nothing of ours may.
IMPORTED_BY_NOTHING = {"plugin": frozenset()}

#: Package cycles that predate the floors, each owned by a later step of issue 13; an entry
#: that no longer exists fails the test too, so the list only shrinks.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    """The unit a `conformance...` module belongs to; None outside the package."""
    parts = module.split(".")
    if parts[0] != ROOT:
        return None
    if len(parts) == 1:
        return ROOT
    return parts[1]


def _imported(path: Path) -> list[str]:
    """Every module `path` imports, relative imports resolved, `from pkg import sub` included."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names if _is_module(base, alias)]
    return found


def _is_module(base: str, alias: ast.alias) -> bool:
    folder = PACKAGE.parent.joinpath(*base.split("."))
    return (folder / f"{alias.name}.py").exists() or (folder / alias.name).is_dir()


@functools.cache
def edges() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> the importing modules, for the messages."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _unit(_module_name(path))
        for target in _imported(path):
            unit = _unit(target)
            if unit is None or unit == source or source is None:
                continue
            found.setdefault((source, unit), []).append(_module_name(path))
    return found


@pytest.mark.parametrize("unit", sorted(FLOORS))
def test_a_floor_imports_only_what_it_may(unit: str) -> None:
    allowed = FLOORS[unit]
    wrong = {
        f"{', '.join(sorted(set(modules)))} imports {target}"
        for (source, target), modules in edges().items()
        if source == unit and target not in allowed
    }
    assert not wrong, f"{unit} may import only {sorted(allowed)}: " + "; ".join(sorted(wrong))


@pytest.mark.parametrize("unit", sorted(IMPORTED_BY_NOTHING))
def test_the_top_floor_is_imported_by_nothing_below(unit: str) -> None:
    importers = {source for source, target in edges() if target == unit}
    assert importers <= IMPORTED_BY_NOTHING[unit], f"{unit} is imported by {sorted(importers)}"


def test_no_package_imports_one_that_imports_it_back() -> None:
    pairs = {frozenset(pair) for pair in edges() if tuple(reversed(pair)) in edges()}
    assert pairs - KNOWN_CYCLES == set(), f"new package cycles: {pairs - KNOWN_CYCLES}"
    assert KNOWN_CYCLES - pairs == set(), f"gone, drop from KNOWN_CYCLES: {KNOWN_CYCLES - pairs}"


def test_no_longer_cycle_between_packages() -> None:
    """Two-package loops are above; this finds any longer one (a -> b -> c -> a)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges():
        if frozenset({source, target}) not in KNOWN_CYCLES:
            graph.setdefault(source, set()).add(target)
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(unit: str, path: list[str]) -> list[str] | None:
        state[unit] = 1
        for nxt in sorted(graph.get(unit, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [unit, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[unit] = 2
        return None

    for unit in sorted(graph):
        if unit not in state:
            cycle = visit(unit, [unit])
            assert cycle is None, f"package cycle: {' -> '.join(cycle)}"


def test_the_reading_of_imports_sees_them() -> None:
    """The checks above mean something only if the parser finds real edges."""
    found = edges()
    assert ("rules", "evidence") in found
    assert ("stateful", "rules") in found
    assert ("engine", "evidence") in found
    assert ("plugin", "engine") in found  # deferred imports inside fixtures count
    assert not any(source == "rules" and target == "stateful" for source, target in found)
