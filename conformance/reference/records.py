"""Plain records shared by the in-memory store and its SQLite journal."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.reference.faces import Embedding


@dataclass
class FaceRecord:
    face_id: str
    image_id: str
    external_image_id: str | None
    confidence: float
    embedding: Embedding
    user_id: str | None = None
    bounding_box: dict[str, float] | None = None
    """Where the face is in its image, as ratios; None = the whole-image face (faces.py)."""


@dataclass
class UserRecord:
    user_id: str
    face_ids: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        # Associations complete synchronously, so UPDATING is never observable here.
        return "ACTIVE" if self.face_ids else "CREATED"


@dataclass(frozen=True)
class TokenRecord:
    """What a ClientRequestToken was first used for, and the response to replay."""

    fingerprint: str
    response: str
