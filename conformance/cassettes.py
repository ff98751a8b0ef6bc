"""The shipped cassettes, by name, wherever the package is installed.

A wheel has no `cassettes/` folder next to the user's project: it carries the recordings as
package data (`conformance/_cassettes`, force-included by pyproject), and a checkout has them in
the repository's top-level folder. `path("aws-example-search-users")` finds either, so the
recordings work the same after `pip install` as in a clone.
"""

from __future__ import annotations

from pathlib import Path

from conformance.errors import CassetteError

SUFFIX = ".yaml"


def root() -> Path:
    """Where the shipped cassettes live: inside the installed package, else the checkout's
    `cassettes/` (an editable install has only that)."""
    packaged = Path(__file__).resolve().parent / "_cassettes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "cassettes"


def names() -> list[str]:
    """Names of the shipped cassettes, sorted: file paths below the folder, without `.yaml`
    (`reference-gate`, `search-users-by-image/aws-example`)."""
    top = root()
    return sorted(p.relative_to(top).with_suffix("").as_posix() for p in top.rglob("*" + SUFFIX))


def path(name: str) -> Path:
    """The file of the shipped cassette `name` (a `.yaml` suffix is allowed); a one-line
    `CassetteError` listing the known names otherwise."""
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    known = names()
    if stem not in known:  # also what keeps `..` and absolute paths out
        raise CassetteError(
            f"no shipped cassette {name!r}; shipped: {', '.join(known) or '(none)'}"
        )
    return root() / (stem + SUFFIX)


def resolve(given: str | Path) -> Path:
    """A command's `--cassette` value: an existing file as given, else a shipped cassette of
    that name, else the path as given (whose reader then says it is missing)."""
    candidate = Path(given)
    if candidate.exists():
        return candidate
    try:
        return path(str(given))
    except CassetteError:
        return candidate
