"""Parity: a snapshot diff that ignores what two correct services may differ in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.parity import References, Renamer, diff, normalise
from conformance.recording import load_exchanges
from conformance.reference.server import ReferenceServer
from tests.reference.conftest import make_client


def test_the_same_kind_of_server_shows_no_difference(
    gate_cassette: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parity", "--cassette", str(gate_cassette)]) == 0
    assert "0 difference(s)" in capsys.readouterr().out


def test_a_server_that_orders_results_wrongly_is_caught_with_json_paths(
    gate_cassette: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReferenceServer(quiet=True, faults=["unordered-results"]) as faulty:
        code = main(["parity", "--cassette", str(gate_cassette), "--endpoint-url", faulty.url])
    out = capsys.readouterr().out
    assert code == 1
    assert "SearchUsers $.body.UserMatches[0]" in out
    searches = sum(1 for e in load_exchanges(gate_cassette) if e.operation == "SearchUsers")
    changed = int(out.strip().splitlines()[-1].split(" in ")[1].split(" of ")[0])
    assert 0 < changed < searches  # one-match and empty answers are unaffected by order


def test_a_stateful_target_is_given_fresh_collection_ids(gate_cassette: Path) -> None:
    created = next(e for e in load_exchanges(gate_cassette) if e.operation == "CreateCollection")
    with ReferenceServer(quiet=True) as server:
        # a leftover from an earlier run holds the recorded collection id
        make_client(server.url).create_collection(CollectionId=created.collection_id)
        args = ["parity", "--cassette", str(gate_cassette), "--endpoint-url", server.url]
        assert main(args) == 0
        # under the recorded id, CreateCollection is refused: parity then writes nothing to it
        assert main([*args, "--keep-collection-ids"]) == 1
        leftover = server.store.collection(created.collection_id)
        assert leftover is not None and not leftover.faces and not leftover.users


def test_an_unreachable_target_cannot_be_verified(gate_cassette: Path) -> None:
    assert (
        main(["parity", "--cassette", str(gate_cassette), "--endpoint-url", "http://127.0.0.1:9"])
        == 2
    )


@pytest.mark.parametrize("command", ["parity", "run"])
def test_parity_picks_credentials_as_a_run_does(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No credentials and a remote endpoint: both refuse before sending (dummy credentials are
    for loopback emulators only; parity used to sign with them for any endpoint)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    remote = ["--endpoint-url", "http://emulator.invalid:4566"]
    argv = ["parity", "--cassette", "aws-example-search-users", *remote]
    assert main(argv if command == "parity" else ["run", *remote]) == 4
    assert "no AWS credentials found" in capsys.readouterr().err


def test_generated_ids_are_numbered_consistently_on_each_side() -> None:
    ours, theirs = References(), References()
    a = normalise({"FaceId": "f-1", "Faces": [{"FaceId": "f-1"}, {"FaceId": "f-2"}]}, ours, 0.01)
    b = normalise({"FaceId": "x-9", "Faces": [{"FaceId": "x-8"}, {"FaceId": "x-9"}]}, theirs, 0.01)
    assert list(diff(a, b, 0.01)) == []
    # a target that swaps which face is which is still caught
    c = normalise(
        {"FaceId": "x-9", "Faces": [{"FaceId": "x-9"}, {"FaceId": "x-9"}]}, References(), 0.01
    )
    assert list(diff(a, c, 0.01))


def _matches(*pairs: tuple[str, float]) -> dict[str, object]:
    return {
        "UserMatches": [
            {"Similarity": s, "User": {"UserId": u, "UserStatus": "ACTIVE"}} for u, s in pairs
        ],
        "FaceModelVersion": "7.0",
    }


def test_ties_and_small_float_noise_are_not_differences() -> None:
    recorded = normalise(_matches(("a", 90.0), ("b", 85.0), ("c", 85.0)), References(), 0.01)
    actual = normalise(_matches(("a", 90.004), ("c", 85.0), ("b", 85.0)), References(), 0.01)
    actual_model = dict(actual, FaceModelVersion="<FaceModelVersion>")
    assert list(diff(recorded, actual_model, 0.01)) == []


def test_order_outside_ties_and_real_score_changes_are_differences() -> None:
    recorded = normalise(_matches(("a", 90.0), ("b", 85.0)), References(), 0.01)
    swapped = normalise(_matches(("b", 85.0), ("a", 90.0)), References(), 0.01)
    paths = [path for path, _, _ in diff(recorded, swapped, 0.01)]
    assert "$.UserMatches[0].User.UserId" in paths
    moved = normalise(_matches(("a", 90.5), ("b", 85.0)), References(), 0.01)
    assert [p for p, _, _ in diff(recorded, moved, 0.01)] == ["$.UserMatches[0].Similarity"]


def test_a_missing_member_is_reported_at_its_path() -> None:
    found = list(diff({"a": {"b": 1}}, {"a": {}}, 0.01))
    assert [(p, json.dumps(r)) for p, r, _ in found] == [("$.a.b", "1")]


def test_renamed_collections_are_ours_keep_their_length_and_map_back() -> None:
    from conformance.exchange import Exchange

    def created(collection: str) -> Exchange:
        return Exchange(1, "CreateCollection", {"CollectionId": collection}, {}, b"", 200, {}, b"")

    long, short = "su-conformance-0123456789ab", "faces"
    renamer = Renamer([created(long), created(short)])
    fresh = renamer.new[long]
    assert len(fresh) == len(long) and fresh != long and fresh.startswith("su-conformance-")
    assert renamer.back(f"collection/{fresh}") == f"collection/{long}"
    # too short for the prefix and 8 random characters: longer, but still ours for cleanup
    assert renamer.new[short].startswith("su-conformance-") and len(renamer.new[short]) == 23
