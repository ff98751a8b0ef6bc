"""Where a run points: one interface (`base.Target`), interchangeable implementations.

`build(config)` picks the target a `RunConfig` describes and rejects combinations of options
that cannot work together, so the CLI, the pytest plugin and the benchmarks share one set of
rules about what a valid run is. A cassette is no target: nothing can be sent to it, so it is
judged by the engine's offline mode (`conformance.engine.replay`).
"""

from __future__ import annotations

from conformance.config import COLLECTION_PREFIX, RunConfig
from conformance.errors import UsageError
from conformance.targets.base import Client, Session, Target


def check(config: RunConfig) -> None:
    """Raise UsageError (one line) for options that contradict each other."""
    if config.endpoint_url and config.aws:
        raise UsageError("--endpoint-url and --aws are alternatives: pass one")
    if config.cassette is not None and (
        config.endpoint_url or config.aws or config.read_only or config.faces_dir or config.faults
    ):
        raise UsageError(
            "--cassette judges a recording: it cannot be combined with a target, --read-only, "
            "--faces or --fault"
        )
    if config.read_only and not config.collection_id:
        raise UsageError("--read-only needs --collection-id (the existing collection to judge)")
    if config.collection_id and not config.read_only:
        raise UsageError(
            "--collection-id needs --read-only: the suite never writes to a collection it did "
            "not create"
        )
    if config.read_only and config.faces_dir is not None:
        raise UsageError("--faces seeds a new collection: it cannot be used with --read-only")
    if config.read_only and config.uses_reference:
        raise UsageError(
            "--read-only judges an existing collection: give --endpoint-url or --aws too"
        )
    if config.collection_id and config.collection_id.startswith(COLLECTION_PREFIX + "missing-"):
        raise UsageError(f"collection ids starting {COLLECTION_PREFIX}missing- are reserved")
    if config.max_requests is not None and config.max_requests < 1:
        raise UsageError("--max-requests must be at least 1")
    if config.max_examples < 0:
        raise UsageError("--max-examples must not be negative")
    if config.keep_collection and (config.uses_reference or config.read_only or config.cassette):
        raise UsageError(
            "--keep-collection keeps the collection a run creates on --endpoint-url or --aws "
            "(the embedded reference goes with the run; --read-only creates nothing)"
        )
    if config.rps is not None and config.rps <= 0:
        raise UsageError("--rps must be positive")


def build(config: RunConfig) -> Target:
    check(config)
    if config.cassette is not None:
        # the engine cannot drive a cassette: it would generate requests the recording never saw
        raise UsageError(
            f"{config.cassette}: a cassette is judged as recorded (`run --cassette`, or "
            "conformance.engine.run(config)); it cannot be driven by the engine"
        )
    if config.uses_reference:
        from conformance.targets.reference import ReferenceTarget

        return ReferenceTarget(config)
    from conformance.targets.endpoint import EndpointTarget

    return EndpointTarget(config)


__all__ = ["Client", "Session", "Target", "build", "check"]
