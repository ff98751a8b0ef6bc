"""Cassettes: vcrpy recordings of AWS JSON 1.1 traffic -- scrubbed, matched, read back.

A cassette is the cheap way to test against AWS: record once (it costs money and needs
credentials), then replay offline and in CI for free. That only works if three things hold,
each kept by its own module:

* Nothing secret is ever written: `scrub` cleans values in vcrpy's `before_record_*` hooks,
  before vcrpy holds them in memory; `linter` checks the file itself, because a hand-edited
  cassette never passed through the hooks. Both find secrets with `patterns`.
* Replay answers the request that was asked: `matchers` (and `recorder`, which opens a
  cassette with them and turns a missing answer into a `CassetteError`).
* Only Rekognition traffic is touched in other people's cassettes: `scope` says which requests
  are ours, `integration` wires matchers and scrubbing into a vcrpy `VCR` for those alone.
* A recording reads back as the same `Exchange`s a live run produces, so the rules judge a
  cassette exactly as they judge a target: `cassette` reads the file, `exchanges` converts.

Everything is re-exported here so callers import from `conformance.recording` and the split
stays an internal matter. Importing this package loads PyYAML (not vcrpy), so import-cheap
modules such as `conformance.plugin.vcr` import it lazily.
"""

from __future__ import annotations

from conformance.recording.cassette import (
    Interaction,
    load_interactions,
    metadata,
    read_document,
    summarize,
)
from conformance.recording.exchanges import (
    load,
    load_exchanges,
    rekognition_interactions,
    to_exchanges,
)
from conformance.recording.integration import ScrubbingPersister, configure
from conformance.recording.linter import Problem, lint
from conformance.recording.matchers import (
    IGNORED_MEMBERS,
    canonical_body,
    operation_matcher,
    port_matcher,
)
from conformance.recording.patterns import (
    ALLOWED_ACCOUNTS,
    MASK,
    PLACEHOLDER_ACCOUNT,
    REMOVED_HEADERS,
    SECRET_QUERY_PARAMETERS,
)
from conformance.recording.recorder import RECORD_MODES, use_cassette
from conformance.recording.scope import EVERYTHING, REKOGNITION, Scope
from conformance.recording.scrub import (
    scrub_bytes,
    scrub_request,
    scrub_response,
    scrub_text,
    scrub_uri,
)

__all__ = [
    "ALLOWED_ACCOUNTS",
    "EVERYTHING",
    "IGNORED_MEMBERS",
    "MASK",
    "PLACEHOLDER_ACCOUNT",
    "RECORD_MODES",
    "REKOGNITION",
    "REMOVED_HEADERS",
    "SECRET_QUERY_PARAMETERS",
    "Interaction",
    "Problem",
    "Scope",
    "ScrubbingPersister",
    "canonical_body",
    "configure",
    "lint",
    "load",
    "load_exchanges",
    "load_interactions",
    "metadata",
    "operation_matcher",
    "port_matcher",
    "read_document",
    "rekognition_interactions",
    "scrub_bytes",
    "scrub_request",
    "scrub_response",
    "scrub_text",
    "scrub_uri",
    "summarize",
    "to_exchanges",
    "use_cassette",
]
