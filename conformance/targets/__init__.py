"""Where a run points: one interface (`base.Target`), interchangeable implementations.

`build(config)` picks the target a valid `RunConfig` describes (`RunConfig.validate` says what
valid is; `engine.prepare` checks and builds once per run). A cassette is no target: nothing can
be sent to it, so it is judged by the engine's offline mode (`conformance.engine.replay`).
"""

from __future__ import annotations

from conformance.config import RunConfig
from conformance.errors import UsageError
from conformance.targets.base import Session, Target
from conformance.transport import Client


def build(config: RunConfig) -> Target:
    """The target `config` points at; `config` is assumed valid (`RunConfig.validate`)."""
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


__all__ = ["Client", "Session", "Target", "build"]
