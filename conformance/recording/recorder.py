"""Record to or replay from one cassette file with our matching and scrubbing.

The one place the `record` command and tests open a vcrpy cassette, so that a replay missing
an answer reads as "the recording is incomplete" (a `CassetteError`, exit 2) rather than as an
opaque botocore HTTP error that looks like a fault of the target.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.errors import CassetteError
from conformance.recording.cassette import load_interactions
from conformance.recording.integration import configure
from conformance.recording.matchers import request_body
from conformance.recording.scope import EVERYTHING, request_header
from conformance.recording.scrub import scrub_request, scrub_text

if TYPE_CHECKING:
    import vcr.cassette

RECORD_MODES = ("none", "once", "new_episodes", "all")


@contextmanager
def use_cassette(path: Path, *, mode: str = "none") -> Iterator[vcr.cassette.Cassette]:
    """Record to or replay from `path` with our matching and scrubbing.

    On replay, a request the cassette does not hold fails inside botocore as an opaque HTTP
    client error; here it becomes a `CassetteError` naming the operation, so it reads as "the
    recording is incomplete", never as a fault of the target.
    """
    import vcr as vcrpy

    if mode not in RECORD_MODES:
        raise CassetteError(f"unknown record mode {mode!r} (one of {', '.join(RECORD_MODES)})")
    if mode == "none":
        load_interactions(path)  # a clear error for a missing or broken file, before any call
    seen: list[Any] = []

    def remember(request: Any) -> Any:
        seen.append(request)
        return scrub_request(request)

    # every request a run sends is ours, protocol probes without an X-Amz-Target included
    recorder = configure(vcrpy.VCR(record_mode=mode), EVERYTHING)
    recorder.before_record_request = remember
    context = recorder.use_cassette(str(path))
    cassette = context.__enter__()
    try:
        yield cassette
    except BaseException as exc:
        context.__exit__(type(exc), exc, exc.__traceback__)  # unpatches, even on Ctrl-C
        if mode != "none" or not isinstance(exc, Exception):
            raise
        missing = next((r for r in reversed(list(seen)) if r not in cassette), None)
        if missing is None:
            raise
        raise CassetteError(
            f"{path}: the cassette holds no (further) answer for {_describe(missing)}"
        ) from None
    else:
        context.__exit__(None, None, None)


def _describe(request: Any) -> str:
    target = request_header(request, "x-amz-target") or "(no X-Amz-Target)"
    body = scrub_text(request_body(request).decode("utf-8", errors="replace"))
    body = body if len(body) <= 200 else body[:200] + "..."  # cut after scrubbing, never before
    return f"{request.method} {target} {body}"
