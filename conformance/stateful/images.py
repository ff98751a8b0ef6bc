"""Where the stateful phase gets face images from.

The embedded reference and emulators built on it accept the synthetic people of
`conformance.reference.faces`; services that detect real faces need real photos (`--faces DIR`),
so the machine asks an `ImageSource` instead of generating images itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

PEOPLE = 3
"""Distinct persons the machine draws faces of: enough for near and far faces."""
VARIANTS = 4
"""Images per person: distinct faces of one person."""
SYNTHETIC_SIZE = 48
"""Small (a multiple of the model's 12 px grid) keeps requests and reproduction scripts short."""


class ImageSource(Protocol):
    def image(self, person: int, variant: int) -> bytes:
        """Bytes of a PNG or JPEG showing one face of `person` (0..PEOPLE-1)."""
        ...


class SyntheticPeople:
    """The reference's fake face model: person images with controllable similarity."""

    def __init__(self, seed: int) -> None:
        self._base = 1_000 + (seed % 1_000_000) * PEOPLE

    def image(self, person: int, variant: int) -> bytes:
        return _person(self._base + person, variant)


@lru_cache(maxsize=256)
def _person(person_seed: int, variant: int) -> bytes:
    from conformance.reference.faces import person_image

    return person_image(person_seed, variant=0.04 * variant, size=SYNTHETIC_SIZE, salt=variant)
