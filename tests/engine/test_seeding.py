"""The fixture is designed so every rule has data to judge; seeding refuses to half-work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.errors import ConformanceError, UsageError
from conformance.reference import faces
from conformance.reference.server import ReferenceServer
from conformance.targets.seeding import (
    LONG_USER_ID,
    NO_FACES_USER,
    folder_fixture,
    seed,
    synthetic_fixture,
)
from tests.engine.conftest import loopback_transport, person_folders

USER_ID = re.compile(r"[a-zA-Z0-9_.\-:]+")


def test_long_user_id_is_maximal_and_uses_every_class() -> None:
    assert len(LONG_USER_ID) == 128 and USER_ID.fullmatch(LONG_USER_ID)
    for pattern in ("[a-z]", "[A-Z]", "[0-9]", "_", r"\.", "-", ":"):
        assert re.search(pattern, LONG_USER_ID), pattern


def test_synthetic_fixture_has_the_designed_shape() -> None:
    fixture = synthetic_fixture()
    owners = fixture.owners()
    assert len(owners) >= 12  # MaxUsers 1, 3, 5 all truncate
    assert NO_FACES_USER in fixture.users and NO_FACES_USER not in owners
    assert LONG_USER_ID in owners
    assert max(len(keys) for keys in owners.values()) >= 3
    assert [f.owner for f in fixture.faces].count(None) == 1
    assert all(USER_ID.fullmatch(user) for user in fixture.users)
    assert fixture.plan() == {
        "CreateCollection": 1,
        "IndexFaces": len(fixture.faces),
        "CreateUser": len(fixture.users),
        "AssociateFaces": len(owners),
    }


def test_similarities_straddle_the_default_threshold_with_an_exact_tie() -> None:
    fixture = synthetic_fixture()
    anchor = next(f.image for f in fixture.faces if f.key == "anchor-0")
    score = {
        f.owner: faces.similarity_between(anchor, f.image)
        for f in fixture.faces
        if f.owner and f.owner != "anchor"
    }
    assert any(80 < s < 82 for s in score.values()) and any(78 < s < 80 for s in score.values())
    assert score["tie.85-A"] == score["tie.85-B"]
    assert min(score.values()) < 30 and max(score.values()) > 90


def test_folder_fixture_maps_people_to_users(tmp_path: Path) -> None:
    fixture = folder_fixture(person_folders(tmp_path, people=3, images=2))
    owners = fixture.owners()
    assert next(iter(owners)) == LONG_USER_ID
    assert "person_1_" in owners and all(USER_ID.fullmatch(u) for u in fixture.users)
    assert [f.owner for f in fixture.faces].count(None) == 1
    assert NO_FACES_USER in fixture.users


def test_folder_without_images_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "notes.txt").write_text("no photos")
    with pytest.raises(UsageError, match=r"no \.png/\.jpg images"):
        folder_fixture(tmp_path)
    with pytest.raises(UsageError, match="not a directory"):
        folder_fixture(tmp_path / "missing")


def test_images_without_faces_stop_seeding(server: ReferenceServer, tmp_path: Path) -> None:
    (tmp_path / "ghost").mkdir()
    (tmp_path / "ghost" / "blank.png").write_bytes(faces.blank_image())
    transport = loopback_transport(server.url)
    with pytest.raises(ConformanceError, match="IndexFaces indexed no face from the 1 photos"):
        seed(transport, "blank", folder_fixture(tmp_path))
    transport.close()


def test_seeding_a_refusing_target_is_one_line(server: ReferenceServer) -> None:
    transport = loopback_transport(server.url)
    transport.call("CreateCollection", {"CollectionId": "taken"})
    with pytest.raises(ConformanceError) as raised:
        seed(transport, "taken", synthetic_fixture())
    transport.close()
    message = str(raised.value)
    assert message.startswith("seeding failed: CreateCollection answered HTTP 400")
    assert "\n" not in message


def test_seeded_collection_lists_what_was_designed(server: ReferenceServer) -> None:
    transport = loopback_transport(server.url)
    fixture = synthetic_fixture()
    indexed = seed(transport, "designed", fixture)
    users = transport.call("ListUsers", {"CollectionId": "designed", "MaxResults": 500}).json
    transport.close()
    assert len(indexed) == len(fixture.faces)
    statuses = {u["UserId"]: u["UserStatus"] for u in users["Users"]}
    assert statuses[NO_FACES_USER] == "CREATED"
    assert statuses[LONG_USER_ID] == "ACTIVE"
