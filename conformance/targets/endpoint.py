"""A live endpoint: AWS itself (boto3's credential chain) or any URL speaking AWS JSON 1.1.

Two ways to use one, with opposite promises:
- seeded (default): the run creates `su-conformance-<random>`, fills it with the fixture and
  always deletes it, whatever ends the run. One request of the budget is held back for that
  DeleteCollection so an exhausted budget can never strand a collection.
- read-only (`--collection-id ID --read-only`): the run judges an existing collection and the
  client refuses, before sending, any operation but the four read operations.
"""

from __future__ import annotations

import shlex
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager

import botocore.credentials

from conformance.config import COLLECTION_PREFIX, DEFAULT_REGION, LOOPBACK_SIGNING, RunConfig
from conformance.credentials import LOOPBACK_CREDENTIALS, ca_bundle, for_endpoint
from conformance.errors import ConformanceError, TargetUnavailable, UsageError
from conformance.exchange import Exchange, default_endpoint
from conformance.targets import seeding
from conformance.targets.base import (
    READ_ONLY_OPERATIONS,
    Notice,
    Session,
    Target,
    explain,
    shielded,
)
from conformance.transport import Client, Transport, TransportSettings

TEARDOWN_RESERVE = 1
"""Budget kept back for the DeleteCollection of a seeded run."""


def new_collection_id() -> str:
    return COLLECTION_PREFIX + uuid.uuid4().hex[:12]


def check_endpoint_url(url: str) -> str:
    """The URL as given, or a one-line `UsageError`: urllib raises ValueError for a bad port or
    an unclosed IPv6 bracket only when the part is read, deep inside the first request."""
    try:
        parsed = urllib.parse.urlsplit(url)
        parsed.port  # noqa: B018 -- read for its validation
    except ValueError as exc:
        raise UsageError(f"--endpoint-url {url!r} is not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(f"--endpoint-url {url!r} is not an http(s) URL")
    return url


class EndpointTarget(Target):
    def __init__(
        self,
        config: RunConfig,
        *,
        endpoint_url: str | None = None,
        credentials: botocore.credentials.Credentials | None = None,
        description: str | None = None,
    ) -> None:
        self.config = config
        url = endpoint_url or config.endpoint_url
        self.url = check_endpoint_url(url) if url else default_endpoint(config.region)
        self._credentials = credentials
        self.description = description or (f"AWS ({config.region})" if url is None else self.url)
        self._fixture: seeding.Fixture | None = None

    def fixture(self) -> seeding.Fixture:
        if self._fixture is None:
            faces = self.config.faces_dir
            self._fixture = seeding.folder_fixture(faces) if faces else seeding.synthetic_fixture()
        return self._fixture

    def setup_plan(self) -> Mapping[str, int]:
        if self.config.read_only:
            return {"DescribeCollection": 1}
        return {**self.fixture().plan(), "DeleteCollection": TEARDOWN_RESERVE}

    def cleanup_line(self, collection_id: str) -> str | None:
        """The command that deletes `collection_id`, for warnings about leftovers."""
        return cleanup_command(self.config, self.config.endpoint_url, collection_id)

    def transport(self) -> Transport:
        signing = self._credentials or for_endpoint(
            self.url, profile=self.config.profile, aws=self.config.aws
        )
        self.signing = LOOPBACK_SIGNING if signing is LOOPBACK_CREDENTIALS else "chain"
        settings = TransportSettings(
            endpoint_url=self.url,
            region=self.config.region,
            max_requests=self.config.max_requests,
            rps=self.config.rps,
            allowed_operations=READ_ONLY_OPERATIONS if self.config.read_only else None,
            deadline_s=self.config.request_timeout_s,
            verify=ca_bundle(self.config.ca_bundle, self.config.profile),
        )
        return Transport(settings, signing)

    @contextmanager
    def connected(self) -> Iterator[Transport]:
        """A transport to this target, for commands that choose their own requests (parity,
        cleanup): a run's credentials, TLS settings and budget, and no collection set up."""
        transport = self.transport()
        try:
            yield transport
        finally:
            transport.close()

    def open(self, notice: Notice) -> AbstractContextManager[Session]:
        return self._open(notice)

    @contextmanager
    def _open(self, notice: Notice) -> Iterator[Session]:
        transport = self.transport()
        try:
            if self.config.read_only:
                if not self.config.collection_id:
                    raise UsageError("--read-only needs --collection-id")
                yield ReadOnlySession(transport, self.config.collection_id, self.description)
            else:
                session = SeededSession(
                    transport, self.fixture(), self.description, notice, self.cleanup_line
                )
                interrupted = False
                try:
                    yield session
                except KeyboardInterrupt:
                    interrupted = True
                    raise
                finally:
                    session.teardown(interrupted=interrupted)
        finally:
            transport.close()


class ReadOnlySession(Session):
    writable = False

    def __init__(self, transport: Transport, collection_id: str, description: str) -> None:
        self._client = transport
        self.collection_id = collection_id
        self.description = f"{description}, collection {collection_id} (read-only)"

    @property
    def client(self) -> Client:
        return self._client

    def allows(self, operation: str | None) -> bool:
        return self._client.permits(operation)

    def setup(self) -> str:
        """Check the collection exists: judging a missing one would only produce noise."""
        exchange = self._client.call(
            "DescribeCollection", {"CollectionId": self.collection_id}, label="setup"
        )
        if exchange.error_type == "ResourceNotFoundException":
            raise UsageError(f"collection {self.collection_id!r} does not exist on the target")
        if not exchange.ok or not isinstance(exchange.json, dict):
            raise ConformanceError(f"collection {self.collection_id!r}: {explain(exchange)}")
        return self.collection_id


class SeededSession(Session):
    writable = True

    def __init__(
        self,
        transport: Transport,
        fixture: seeding.Fixture,
        description: str,
        notice: Notice,
        cleanup_line: Callable[[str], str | None] = lambda collection_id: None,
    ) -> None:
        self._transport = transport
        self._fixture = fixture
        self._notice = notice
        self.collection_id = new_collection_id()
        self.description = description
        self._created = False
        self._kept = False
        self._cleanup_line = cleanup_line(self.collection_id)
        transport.hold_back(TEARDOWN_RESERVE)

    @property
    def client(self) -> Client:
        return self._transport

    def reserved_requests(self) -> Mapping[str, int]:
        return {"DeleteCollection": TEARDOWN_RESERVE}

    def keep(self) -> str | None:
        if not self._created or self._cleanup_line is None:
            return None
        self._kept = True
        return self.collection_id

    def setup(self) -> str:
        # from the first attempt on, unless the target certainly did not create it: a lost
        # answer may hide a success, a refused one (or no connection at all) does not
        self._created = True
        answers: list[Exchange] = []
        self._transport.on_exchange(answers.append)
        try:
            seeding.seed(self._transport, self.collection_id, self._fixture)
        except ConformanceError as exc:
            self._created = _maybe_created(answers, exc)
            raise
        return self.collection_id

    def teardown(self, *, interrupted: bool = False) -> None:
        """Delete the collection; says loudly when something is left over.

        Bounded: the DeleteCollection has the transport's deadline, and one more interrupt than
        the run has already had (a first one, or a second after the Ctrl-C that started this
        teardown) abandons it, naming the collection left behind.
        """
        self._transport.release()
        if not self._created:
            return
        if self._kept:
            self._notice(
                f"kept collection {self.collection_id} (--keep-collection) so the failures' "
                f"reproductions run as printed; delete it with `{self._cleanup_line}`"
            )
            return
        waiting = f"deleting {self.collection_id}"
        exchange: Exchange | None = None
        try:
            with shielded(0 if interrupted else 1, lambda m: self._notice(f"{waiting}: {m}")):
                if interrupted:
                    self._notice(f"{waiting} (interrupt again to stop waiting)")
                exchange = self._transport.call(
                    "DeleteCollection", {"CollectionId": self.collection_id}, label="teardown"
                )
        except ConformanceError as exc:
            self._leftover(str(exc))
            return
        except KeyboardInterrupt:
            # an interrupt deferred until the delete was answered is no reason to call it lost
            if exchange is None:
                self._leftover("cleanup interrupted")
            else:
                self._judge_delete(exchange)
            raise
        self._judge_delete(exchange)

    def _judge_delete(self, exchange: Exchange) -> None:
        if not exchange.ok and exchange.error_type != "ResourceNotFoundException":
            self._leftover(f"HTTP {exchange.status} {exchange.error_type or ''}".rstrip())

    def _leftover(self, why: str) -> None:
        if self._cleanup_line is None:
            return  # it goes with the embedded reference that held it
        self._notice(
            f"could not delete collection {self.collection_id} ({why}); "
            f"delete it with `{self._cleanup_line}`"
        )


def _maybe_created(answers: list[Exchange], error: ConformanceError) -> bool:
    """Whether a seeding that failed may still have left a collection behind."""
    created = [e for e in answers if e.operation == "CreateCollection"]
    if not created:  # it was being sent when the error struck
        return isinstance(error, TargetUnavailable) and error.delivered
    answer = created[-1]
    return answer.ok or answer.server_error  # a 4xx is the target refusing to create it


def cleanup_command(config: RunConfig, url: str | None, collection_id: str) -> str:
    """The exact command that deletes this one collection now, whatever its age (plain
    `cleanup` keeps collections younger than an hour: they may belong to a running gate)."""
    words = ["searchusers-conformance", "cleanup"]
    if config.aws or url is None:
        words += ["--aws", "--region", config.region]
    else:
        words += ["--endpoint-url", url]
        if config.region != DEFAULT_REGION:
            words += ["--region", config.region]
    if config.profile:
        words += ["--profile", config.profile]
    if config.ca_bundle:
        words += ["--ca-bundle", config.ca_bundle]
    words += ["--collection-id", collection_id]
    return shlex.join(words)
