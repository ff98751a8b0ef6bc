"""What the plugin's fixtures hand to users' tests, imported only when a fixture is requested.

The plugin module loads in every pytest run of the environment, so it keeps only thin fixture
functions; the types users receive (`TargetEndpoint`, `SeededCollection`) and the work behind
them live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types_boto3_rekognition import RekognitionClient

    from conformance.config import RunConfig
    from conformance.exchange import Exchange
    from conformance.plugin.shared_run import Outcome


@dataclass(frozen=True)
class TargetEndpoint:
    """Where user tests should send requests: url None means AWS itself."""

    url: str | None
    region: str
    loopback: bool
    """True when any credentials will do (embedded reference)."""


@dataclass(frozen=True)
class SeededCollection:
    """A collection to point users' own tests at, as ListUsers and ListFaces describe it."""

    collection_id: str
    users: Mapping[str, tuple[str, ...]]
    """UserId -> the FaceIds associated with it (empty for a user without faces)."""
    unassociated_faces: tuple[str, ...]
    """FaceIds indexed but associated with no user."""


def gate(run_config: RunConfig) -> Outcome:
    """Run the gate and write its reports; a run that cannot verify is an outcome too."""
    from conformance.engine import failed_to_start, run
    from conformance.errors import ConformanceError
    from conformance.plugin.shared_run import Outcome
    from conformance.reporting.files import write_reports

    sent: list[Exchange] = []
    try:
        try:
            result = run(run_config, progress=sent.append)
        except ConformanceError as stopped:
            if run_config.report_dir is not None:
                # the report files exist whatever happened, as the CLI's do
                write_reports(failed_to_start(run_config, stopped, sent), run_config.report_dir)
            raise
        if run_config.report_dir is not None:
            write_reports(result, run_config.report_dir)
    except ConformanceError as exc:
        return Outcome(None, f"searchusers-conformance could not verify: {exc}")
    return Outcome(result)


def rekognition_client(run_config: RunConfig, endpoint: TargetEndpoint) -> RekognitionClient:
    """A boto3 Rekognition client for the target, with the gate's credential policy: boto3's
    chain, and dummy credentials only on loopback (the embedded reference, or a local emulator
    when nothing is configured); a remote endpoint without credentials gets none, so the first
    call says so instead of sending requests signed by a made-up key."""
    import boto3

    from conformance.credentials import LOOPBACK_CREDENTIALS, is_loopback
    from conformance.secrets import values as secret_values

    session = boto3.Session(profile_name=run_config.profile)
    found = session.get_credentials()
    key: str | None = None
    secret: str | None = None
    local = endpoint.url is not None and is_loopback(endpoint.url)
    if endpoint.loopback or (local and found is None):
        key, secret = LOOPBACK_CREDENTIALS.access_key, LOOPBACK_CREDENTIALS.secret_key
    elif found is not None:
        secret_values.remember(found)  # masked in what the plugin prints
    return session.client(
        "rekognition",
        region_name=endpoint.region,
        endpoint_url=endpoint.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


def describe_collection(client: RekognitionClient, collection_id: str) -> SeededCollection:
    """Users and faces of `collection_id`, from every page of ListUsers and ListFaces, read as
    the gate reads a listing (`conformance.evidence.listings`: no empty ids or owners)."""
    from conformance.evidence.listings import read_page  # deferred: only the fixture needs it

    users: dict[str, list[str]] = {}
    for users_page in client.get_paginator("list_users").paginate(CollectionId=collection_id):
        for user_id in read_page("ListUsers", users_page).items:
            users.setdefault(user_id, [])
    unassociated: list[str] = []
    for faces_page in client.get_paginator("list_faces").paginate(CollectionId=collection_id):
        for face_id, owner in read_page("ListFaces", faces_page).items.items():
            if owner is not None:
                users.setdefault(owner, []).append(face_id)
            else:
                unassociated.append(face_id)
    return SeededCollection(
        collection_id,
        {user: tuple(faces) for user, faces in sorted(users.items())},
        tuple(unassociated),
    )


def assert_conforms(
    request: Mapping[str, Any], response: Mapping[str, Any], operation: str = "SearchUsers"
) -> None:
    """Raise AssertionError listing every single-exchange rule the pair violates."""
    __tracebackhide__ = True  # the failure belongs to the caller's test, not to this helper
    from conformance.rules.single import check_answer
    from conformance.secrets.redact import redact

    violations = check_answer(operation, request, response)
    if violations:
        lines = "\n".join(f"- {finding.line}" for finding in violations)
        raise AssertionError(redact(f"{operation} answer violates the contract:\n{lines}"))


def assert_image_search_conforms(request: Mapping[str, Any], response: Mapping[str, Any]) -> None:
    """`assert_conforms` for SearchUsersByImage."""
    __tracebackhide__ = True
    assert_conforms(request, response, "SearchUsersByImage")
