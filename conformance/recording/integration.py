"""Our matching and scrubbing wired into a vcrpy `VCR`, for the requests in scope only.

Two places build VCRs: pytest-recording (one per `@pytest.mark.vcr` test, in any project of an
environment that has this package, through its `pytest_recording_configure` hook) and our own
`record` command. Both get the same three pieces, each asking the `Scope` first:

* matchers: vcrpy's `port` is replaced by one that ignores the port between in-scope AWS JSON
  requests, and an operation matcher (X-Amz-Target plus parsed JSON body) is appended; outside
  the scope both behave exactly as vcrpy's defaults.
* `before_record_request`: in-scope requests are scrubbed. vcrpy runs it when it records, when
  it loads a cassette and before it matches a live request, so recorded and live requests are
  compared in the same scrubbed form.
* the persister: vcrpy's `before_record_response` never sees the request, so it cannot tell a
  Rekognition answer from any other; the persister sees both, and writes in-scope interactions
  decompressed and scrubbed. It is the one door to the disk, so nothing in scope is written
  unscrubbed, even when a project's `vcr_config` replaces `before_record_request`.
  Responses are left alone in memory and when a cassette is loaded: a replay plays back what the
  file holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.recording import bounded_yaml
from conformance.recording.matchers import operation_matcher, port_matcher
from conformance.recording.scope import REKOGNITION, Scope
from conformance.recording.scrub import scrub_request, scrub_response

if TYPE_CHECKING:
    import vcr

PORT, OPERATION = "searchusers_port", "searchusers_operation"
"""Names our matchers are registered under (vcrpy reports mismatches by function name)."""


def scoped_scrub(scope: Scope) -> Any:
    """`before_record_request` scrubbing in-scope requests, returning every other one as is."""

    def scrub_in_scope(request: Any) -> Any:
        return scrub_request(request) if scope(request) else request

    return scrub_in_scope


class ScrubbingPersister:
    """Wraps the VCR's persister (vcrpy's, or pytest-recording's `CombinedPersister`):
    loading is untouched, saving writes in-scope interactions decompressed and scrubbed."""

    def __init__(self, inner: Any, scope: Scope) -> None:
        self.inner = inner
        self.scope = scope

    def load_cassette(self, cassette_path: Any, serializer: Any) -> Any:
        return self.inner.load_cassette(cassette_path, serializer=serializer)

    def save_cassette(
        self, cassette_path: Any, cassette_dict: dict[str, Any], serializer: Any
    ) -> Any:
        from vcr.filters import decode_response

        requests, responses = cassette_dict["requests"], cassette_dict["responses"]
        cleaned = dict(cassette_dict)  # keeps anything else vcrpy saves (metadata)
        cleaned["requests"] = [scrub_request(r) if self.scope(r) else r for r in requests]
        cleaned["responses"] = [
            scrub_response(decode_response(answer)) if self.scope(request) else answer
            for request, answer in zip(requests, responses, strict=True)
        ]
        return self.inner.save_cassette(cassette_path, cleaned, serializer=serializer)


def configure(recorder: vcr.VCR, scope: Scope = REKOGNITION) -> vcr.VCR:
    """Install our matchers, request scrubbing and scrubbing persister as `recorder`'s defaults
    (a project's `vcr_config` still overrides what it names, as pytest-recording promises)."""
    # vcrpy's own YAML serializer behind an alias-bomb check: a cassette vcrpy can read loads
    # exactly as before; only a document whose aliases expand past the bound is refused
    recorder.register_serializer("yaml", bounded_yaml.VcrSerializer)
    recorder.register_matcher(PORT, port_matcher(scope))
    recorder.register_matcher(OPERATION, operation_matcher(scope))
    names = tuple(PORT if name == "port" else name for name in recorder.match_on)
    recorder.match_on = names if OPERATION in names else (*names, OPERATION)
    recorder.before_record_request = scoped_scrub(scope)
    if not isinstance(recorder.persister, ScrubbingPersister):
        recorder.register_persister(ScrubbingPersister(recorder.persister, scope))
    return recorder
