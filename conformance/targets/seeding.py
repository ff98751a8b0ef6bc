"""The fixture collection a writable run creates, and how it is put in place.

Every rule needs particular data to have something to judge, so the fixture is designed rather
than random: users on both sides of typical thresholds (80 by default), an exact tie, a user with
several faces, a user with none (CREATED, must never match), a 128-character UserId using every
allowed character class, a face that belongs to nobody, and enough users that MaxUsers
truncates. Synthetic images come from the reference model; services that detect real faces get
the same shape of fixture from `--faces DIR` (one sub-folder of photos per person).

Seeding goes through the public API only (CreateCollection, IndexFaces, CreateUser,
AssociateFaces), with one AssociateFaces per user, so it costs a few dozen requests.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.errors import ConformanceError, UsageError
from conformance.exchange import Exchange
from conformance.targets.base import explain
from conformance.transport import Client

LONG_USER_ID = (
    "conformance.Long-user_ID:"
    + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3
)[:128]
"""Maximum length, and every character class the UserId pattern allows."""

NO_FACES_USER = "no-faces.user"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
MAX_PERSONS = 12
MAX_IMAGES_PER_PERSON = 5
MAX_FACE_IDS_PER_CALL = 100
"""AssociateFaces accepts 1-100 FaceIds per call (and a user holds at most 100 faces)."""

ANCHOR_SEED = 4242
STRANGER_SEED = 977
IMAGE_SIZE = 48
"""A multiple of the reference model's 12-pixel grid: exact thumbnails, small requests."""


@dataclass(frozen=True)
class FixtureFace:
    key: str
    """ExternalImageId: how seeding maps an indexed face back to its intended owner."""
    image: bytes
    owner: str | None
    """The user the face is associated with, or None for a face that belongs to nobody."""


@dataclass(frozen=True)
class Fixture:
    users: tuple[str, ...]
    faces: tuple[FixtureFace, ...]
    source: str

    @classmethod
    def of(cls, faces: list[FixtureFace], source: str) -> Fixture:
        """Every owner in order of appearance, plus the user that never gets a face."""
        owners = dict.fromkeys(f.owner for f in faces if f.owner)
        return cls(users=(*owners, NO_FACES_USER), faces=tuple(faces), source=source)

    def owners(self) -> dict[str, list[str]]:
        """UserId -> keys of its faces, in fixture order (users without faces omitted)."""
        owned: dict[str, list[str]] = {}
        for face in self.faces:
            if face.owner is not None:
                owned.setdefault(face.owner, []).append(face.key)
        return owned

    def plan(self) -> dict[str, int]:
        """Requests `seed` sends, per operation (exact, not just a bound)."""
        associate = sum(-(-len(keys) // MAX_FACE_IDS_PER_CALL) for keys in self.owners().values())
        return {
            "CreateCollection": 1,
            "IndexFaces": len(self.faces),
            "CreateUser": len(self.users),
            "AssociateFaces": associate,
        }


@functools.lru_cache(maxsize=1)
def synthetic_fixture() -> Fixture:
    """The designed fixture, built from the reference model's synthetic people.

    Similarities are to the anchor's canonical face; searching by the anchor user ranks every
    other user by roughly these values, so thresholds 0..100 each cut somewhere different.
    """
    from conformance.reference import faces as synth  # numpy/Pillow: only when seeding

    def graded(target: float, salt: int) -> bytes:
        return synth.image_with_similarity(ANCHOR_SEED, target, size=IMAGE_SIZE, salt=salt)

    faces = [
        FixtureFace("anchor-0", synth.person_image(ANCHOR_SEED, size=IMAGE_SIZE), "anchor"),
        FixtureFace("anchor-1", synth.person_image(ANCHOR_SEED, 0.04, IMAGE_SIZE, 1), "anchor"),
        FixtureFace("anchor-2", synth.person_image(ANCHOR_SEED, 0.07, IMAGE_SIZE, 2), "anchor"),
    ]
    graded_users = [
        ("near.95", 95.0),
        ("near_90", 90.0),
        (LONG_USER_ID, 88.0),
        ("edge:81", 81.0),
        ("edge:79", 79.0),
        ("mid-70", 70.0),
        ("mid.60", 60.0),
        ("low_45", 45.0),
        ("low:25", 25.0),
    ]
    for salt, (user, similarity) in enumerate(graded_users, start=11):
        faces.append(FixtureFace(f"graded-{salt}", graded(similarity, salt), user))
    tie_a, tie_b = synth.tied_images(graded(85.0, 30), 2)
    faces.append(FixtureFace("tie-a", tie_a, "tie.85-A"))
    faces.append(FixtureFace("tie-b", tie_b, "tie.85-B"))
    faces.append(
        FixtureFace("stranger", synth.person_image(STRANGER_SEED, size=IMAGE_SIZE), "Stranger")
    )
    faces.append(FixtureFace("unassociated", graded(92.0, 31), None))
    return Fixture.of(faces, "synthetic faces")


def folder_fixture(faces_dir: Path) -> Fixture:
    """The same shape of fixture from real photos: one sub-folder of images per person.

    The first person gets the 128-character UserId and all its images (several faces); the last
    image of the last person with more than one image stays unassociated; a faceless user is
    added. Folder names become UserIds after replacing characters the pattern forbids.
    """
    if not faces_dir.is_dir():
        raise UsageError(f"--faces {faces_dir}: not a directory")
    persons: list[tuple[str, list[Path]]] = []
    for folder in sorted(p for p in faces_dir.iterdir() if p.is_dir()):
        images = sorted(
            p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
        )
        if images:
            persons.append((folder.name, images[:MAX_IMAGES_PER_PERSON]))
    if not persons:
        raise UsageError(
            f"--faces {faces_dir}: no .png/.jpg images found in sub-folders (one per person)"
        )
    persons = persons[:MAX_PERSONS]
    user_ids = _user_ids([name for name, _ in persons])
    faces: list[FixtureFace] = []
    spare = next((i for i in range(len(persons) - 1, -1, -1) if len(persons[i][1]) > 1), None)
    for index, ((_, images), user) in enumerate(zip(persons, user_ids, strict=True)):
        for number, path in enumerate(images):
            owner = None if index == spare and number == len(images) - 1 else user
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UsageError(f"--faces: cannot read {path}: {exc.strerror}") from None
            faces.append(FixtureFace(f"p{index}-{number}", data, owner))
    return Fixture.of(faces, f"photos from {faces_dir}")


def _user_ids(names: list[str]) -> list[str]:
    """Folder names as valid, distinct UserIds; the first becomes the 128-character one."""
    ids = [LONG_USER_ID]
    seen = Counter(ids)
    for name in names[1:]:
        base = (re.sub(r"[^a-zA-Z0-9_.\-:]", "_", name) or "person")[:100]
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}.{seen[base]}")
    return ids


def seed(client: Client, collection_id: str, fixture: Fixture) -> dict[str, str]:
    """Create and fill the collection; return ExternalImageId key -> FaceId of indexed faces.

    Any refusal is a one-line error: a target that cannot be seeded cannot be judged.
    """
    _expect(client.call("CreateCollection", {"CollectionId": collection_id}, label="seed"))
    indexed: dict[str, str] = {}
    for face in fixture.faces:
        exchange = _expect(
            client.call(
                "IndexFaces",
                {
                    "CollectionId": collection_id,
                    "Image": {"Bytes": face.image},
                    "ExternalImageId": face.key,
                    "MaxFaces": 1,
                    "QualityFilter": "NONE",
                },
                label="seed",
            )
        )
        face_id = _first_face_id(exchange.json)
        if face_id is not None:
            indexed[face.key] = face_id
    if not indexed:
        hint = "" if fixture.source.startswith("photos") else "; pass --faces DIR with real photos"
        raise ConformanceError(
            f"IndexFaces indexed no face from the {len(fixture.faces)} {fixture.source}{hint}"
        )
    for user in fixture.users:
        _expect(
            client.call("CreateUser", {"CollectionId": collection_id, "UserId": user}, label="seed")
        )
    for user, keys in fixture.owners().items():
        face_ids = [indexed[key] for key in keys if key in indexed]
        for start in range(0, len(face_ids), MAX_FACE_IDS_PER_CALL):
            batch = face_ids[start : start + MAX_FACE_IDS_PER_CALL]
            exchange = _expect(
                client.call(
                    "AssociateFaces",
                    {
                        "CollectionId": collection_id,
                        "UserId": user,
                        "FaceIds": batch,
                        # the fixture decides who owns which face, not the target's matcher
                        "UserMatchThreshold": 0,
                    },
                    label="seed",
                )
            )
            _require_all_associated(exchange, user)
    return indexed


def _expect(exchange: Exchange) -> Exchange:
    """A seeding step must succeed with its output (a JSON object, or the empty body AWS
    documents for CreateUser), or nothing after it means anything."""
    if exchange.output is not None:
        return exchange
    raise ConformanceError(f"seeding failed: {explain(exchange)}")


def _first_face_id(body: Any) -> str | None:
    records = body.get("FaceRecords") if isinstance(body, dict) else None
    for record in records if isinstance(records, list) else []:
        face = record.get("Face") if isinstance(record, dict) else None
        face_id = face.get("FaceId") if isinstance(face, dict) else None
        if isinstance(face_id, str) and face_id:
            return face_id
    return None


def _require_all_associated(exchange: Exchange, user: str) -> None:
    body: Mapping[str, Any] = exchange.json if isinstance(exchange.json, dict) else {}
    failed = body.get("UnsuccessfulFaceAssociations") or []
    if failed:
        reasons = sorted(
            {
                str(reason)
                for item in failed
                if isinstance(item, dict)
                for reason in (item.get("Reasons") or [])
            }
        )
        raise ConformanceError(
            f"seeding failed: AssociateFaces for user {user!r} left {len(failed)} face(s) "
            f"unassociated ({', '.join(reasons) or 'no reason given'})"
        )
