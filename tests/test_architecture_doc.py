"""ARCHITECTURE.md names every package and top-level module, so the page cannot fall behind
the code: a new unit fails this test until its floor is written down."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "conformance"


def units() -> list[str]:
    found = []
    for path in sorted(PACKAGE.iterdir()):
        if path.name.startswith("_") or path.name == "py.typed":
            continue
        if path.is_dir() and (path / "__init__.py").exists():
            found.append(f"{path.name}/")
        elif path.suffix == ".py":
            found.append(path.name)
    return found


def test_every_unit_has_a_floor_on_the_page() -> None:
    page = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [unit for unit in units() if f"`{unit}" not in page]
    assert units() and not missing, f"ARCHITECTURE.md does not place: {', '.join(missing)}"
