"""A deterministic stand-in for a face model, plus synthetic "people" to feed it.

This is *not* face recognition. The model is a fixed, documented function of the pixels, chosen so
that fixtures can place users at any similarity they need and get the same numbers every run:

1. Decode with Pillow; only PNG and JPEG are accepted (the formats Rekognition accepts).
2. Convert to 8-bit grayscale and resize to a ``GRID`` x ``GRID`` (10 x 10) thumbnail with box
   (area-average) resampling.
3. Centre the 100 values on their mean. If their standard deviation is below ``MIN_CONTRAST``
   grey levels the image is blank/uniform: it "has no face".
4. Scale to unit length and multiply by a fixed 100 x 100 orthogonal matrix drawn from a seeded
   Gaussian (QR). Being orthogonal, the projection preserves angles, so before step 5 the cosine
   of two embeddings *is* the Pearson correlation of the two thumbnails.
5. Quantise: scale so the largest component is +-``QUANT`` (400) and round to integers. Every
   dot product of two embeddings is then an integer below 2**24, so float32 arithmetic computes it
   *exactly* in any summation order (BLAS blocking, threads): identical embeddings always tie.

Similarity of embeddings ``a`` and ``b`` is ``clip(dot(a, b) * (1/|a| * 1/|b|), 0, 1) * 100``
with every step in float32, so each value is float32-representable, like AWS's. Near-identical
images score close to 100; unrelated images score near 0 (random 100-dimensional directions).

The generator draws a person's canonical thumbnail from ``person_seed`` and builds variants as
``c * canonical + sqrt(1 - c**2) * orthogonal_noise`` in the centred, normalised pixel space,
which gives a similarity of about ``100 * c`` before quantisation. ``image_with_similarity``
then searches ``c`` so the *measured* similarity lands within a tolerance of the target.
Nothing in this module knows about HTTP. Where the faces of an image are (one whole-image face,
or the tiles of a synthetic scene) is scenes.py's job.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

GRID: Final = 10
DIMENSIONS: Final = GRID * GRID
QUANT: Final = 400  # DIMENSIONS * QUANT**2 < 2**24: float32 dot products are exact.
MIN_CONTRAST: Final = 2.0
MODEL_SEED: Final = 20230627
PERSON_DOMAIN: Final = 0x5EA4C4
ACCEPTED_FORMATS: Final = frozenset({"PNG", "JPEG"})
MAX_PIXELS: Final = 40_000_000

Vector = npt.NDArray[np.float32]


class ImageFormatError(ValueError):
    """The bytes are not a PNG or JPEG image this model can read."""


@dataclass(frozen=True)
class Embedding:
    """An integer-valued float32 vector and the float32 reciprocal of its length."""

    vector: Vector
    inv_norm: np.float32
    contrast: float

    def to_bytes(self) -> bytes:
        return self.vector.astype("<f4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, contrast: float = 0.0) -> Embedding:
        return from_vector(np.frombuffer(data, dtype="<f4").astype(np.float32), contrast)


def _projection() -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(MODEL_SEED)
    q, r = np.linalg.qr(rng.standard_normal((DIMENSIONS, DIMENSIONS)))
    return q * np.sign(np.diag(r))  # unique orthogonal matrix for this seed


_PROJECTION: Final = _projection()


def from_vector(vector: Vector, contrast: float = 0.0) -> Embedding:
    """Wrap a quantised vector, computing its reciprocal norm the one way search does."""
    squared = np.float32(np.dot(vector, vector))
    inv_norm = np.float32(1.0) / np.sqrt(squared) if squared > 0 else np.float32(0.0)
    return Embedding(vector=vector, inv_norm=np.float32(inv_norm), contrast=contrast)


_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    SyntaxError,
    Image.DecompressionBombError,
)


def decode(data: bytes) -> Image.Image:
    """Step 1: open a PNG or JPEG (pixels not loaded yet); ImageFormatError otherwise."""
    try:
        image = Image.open(io.BytesIO(data))
    except _DECODE_ERRORS as exc:
        raise ImageFormatError(f"cannot decode image: {exc}") from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ImageFormatError(f"unsupported image format {image.format!r}")
    if image.width * image.height > MAX_PIXELS:
        raise ImageFormatError("image dimensions are too large")
    return image


def grey_pixels(image: Image.Image) -> npt.NDArray[np.uint8]:
    """The whole image as 8-bit grey levels (what the scene detector reads)."""
    try:
        return np.asarray(image.convert("L"), dtype=np.uint8)
    except _DECODE_ERRORS as exc:
        raise ImageFormatError(f"cannot decode image: {exc}") from exc


def grid_of(image: Image.Image) -> npt.NDArray[np.float64]:
    """Step 2 on a decoded image: the GRID x GRID grayscale thumbnail as floats in 0..255."""
    try:
        image.draft("L", (GRID * 4, GRID * 4))  # JPEG: decode at reduced scale, much faster
        small = image.convert("L").resize((GRID, GRID), Image.Resampling.BOX)
    except _DECODE_ERRORS as exc:
        raise ImageFormatError(f"cannot decode image: {exc}") from exc
    return np.asarray(small, dtype=np.float64).reshape(DIMENSIONS)


def thumbnail(data: bytes) -> npt.NDArray[np.float64]:
    """Steps 1-2: the GRID x GRID grayscale thumbnail as floats in 0..255."""
    return grid_of(decode(data))


def embed_thumbnail(pixels: npt.NDArray[np.float64]) -> Embedding | None:
    """Steps 3-5 on one thumbnail; None means "no face" (uniform image)."""
    return embed_thumbnails(pixels.reshape(1, DIMENSIONS))[0]


def embed_thumbnails(batch: npt.NDArray[np.float64]) -> list[Embedding | None]:
    """Steps 3-5 on a (n, DIMENSIONS) batch of thumbnails at once (bulk loading, benchmarks)."""
    centred = batch - batch.mean(axis=1, keepdims=True)
    contrast = np.sqrt(np.mean(centred * centred, axis=1))
    has_face = contrast >= MIN_CONTRAST
    norms = np.where(has_face, np.linalg.norm(centred, axis=1), 1.0)
    projected = (centred / norms[:, None]) @ _PROJECTION.T
    peaks = np.where(has_face, np.max(np.abs(projected), axis=1), 1.0)
    quantised = np.rint(projected * (QUANT / peaks)[:, None]).astype(np.float32)
    return [
        from_vector(np.ascontiguousarray(quantised[i]), float(contrast[i])) if has_face[i] else None
        for i in range(len(batch))
    ]


def embed(data: bytes) -> Embedding | None:
    """The whole model: image bytes to an embedding, or None when the image has no face.

    Raises ImageFormatError for bytes that are not a decodable PNG/JPEG.
    """
    return embed_thumbnail(thumbnail(data))


def similarity(a: Embedding, b: Embedding) -> float:
    """The similarity (0..100, float32-representable) the reference service reports for a, b."""
    dot = np.float32(np.dot(a.vector, b.vector))
    return float(to_similarity(dot * (a.inv_norm * b.inv_norm)))


def to_similarity(cosine: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Cosine to the 0..100 scale, in float32 (shared with the vectorised search)."""
    clipped: npt.NDArray[np.float32] = np.clip(np.asarray(cosine, dtype=np.float32), 0, 1)
    scaled: npt.NDArray[np.float32] = clipped * np.float32(100)
    return scaled


def face_confidence(embedding: Embedding) -> float:
    """A detection confidence that grows with contrast; float32-representable like AWS's."""
    return float(np.float32(99.0 + min(embedding.contrast, 64.0) / 64.0 * 0.9990234375))


# Where the "face" is: the whole synthetic image, reported with float32-exact fractions.
BOUNDING_BOX: Final = {"Width": 0.75, "Height": 0.875, "Left": 0.125, "Top": 0.0625}


# --- synthetic people ---------------------------------------------------------------------------


def _unit_centred(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    centred: npt.NDArray[np.float64] = values - values.mean()
    unit: npt.NDArray[np.float64] = centred / np.linalg.norm(centred)
    return unit


def _canonical_direction(person_seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng([PERSON_DOMAIN, person_seed])
    return _unit_centred(rng.standard_normal(DIMENSIONS))


def _noise_direction(person_seed: int, salt: int) -> npt.NDArray[np.float64]:
    base = _canonical_direction(person_seed)
    rng = np.random.default_rng([PERSON_DOMAIN, person_seed, salt + 1])
    noise = _unit_centred(rng.standard_normal(DIMENSIONS))
    noise -= np.dot(noise, base) * base  # orthogonal to the person, still centred
    unit: npt.NDArray[np.float64] = noise / np.linalg.norm(noise)
    return unit


def _render(direction: npt.NDArray[np.float64], size: int, compress_level: int = 6) -> bytes:
    """Direction in centred pixel space -> PNG whose thumbnail reproduces it (up to rounding)."""
    amplitude = 40.0 * math.sqrt(DIMENSIONS)  # per-pixel standard deviation of ~40 grey levels
    grid = np.clip(np.rint(128.0 + amplitude * direction), 0, 255).astype(np.uint8)
    image = Image.fromarray(grid.reshape(GRID, GRID), mode="L")
    image = image.resize((size, size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=compress_level)
    return out.getvalue()


def _mixed(person_seed: int, cosine: float, salt: int) -> npt.NDArray[np.float64]:
    c = max(-1.0, min(1.0, cosine))
    base = _canonical_direction(person_seed)
    if c == 1.0:
        return base
    return c * base + math.sqrt(1.0 - c * c) * _noise_direction(person_seed, salt)


def person_image(person_seed: int, variant: float = 0.0, size: int = 100, salt: int = 0) -> bytes:
    """A PNG of person `person_seed`; `variant` 0..1 moves it away from the canonical image.

    The similarity to the canonical image is about ``100 * (1 - variant)``; variant 0 is the
    canonical image itself. `salt` picks the direction of the change, so two variants with
    different salts differ from each other too. Sizes that are multiples of GRID (10) reproduce
    the thumbnail exactly; other sizes work but blur it slightly.
    """
    if not 0.0 <= variant <= 1.0:
        raise ValueError("variant must be within 0..1")
    return _render(_mixed(person_seed, 1.0 - variant, salt), size)


def similarity_between(image_a: bytes, image_b: bytes) -> float:
    """The similarity the reference service will report between two images' faces."""
    a, b = embed(image_a), embed(image_b)
    if a is None or b is None:
        raise ValueError("both images must contain a face")
    return similarity(a, b)


def image_with_similarity(
    person_seed: int,
    target: float,
    size: int = 100,
    salt: int = 0,
    tolerance: float = 0.05,
) -> bytes:
    """A PNG whose similarity to ``person_image(person_seed)`` is within `tolerance` of `target`.

    Use it to put users just above, exactly at, or just below a threshold; check the exact value
    with `similarity_between`. A target of 0 yields an anti-correlated image (similarity 0.0).
    Raises ValueError if quantisation keeps the result outside the tolerance (rare; try another
    salt or a wider tolerance).
    """
    if not 0.0 <= target <= 100.0:
        raise ValueError("target must be within 0..100")
    if target == 0.0:
        return _render(_mixed(person_seed, -0.5, salt), size)
    reference = embed(person_image(person_seed, size=size))
    assert reference is not None
    low, high = -0.2, 1.0
    best: tuple[float, bytes] | None = None
    for _ in range(40):
        middle = (low + high) / 2
        candidate = _render(_mixed(person_seed, middle, salt), size)
        embedded = embed(candidate)
        assert embedded is not None
        measured = similarity(reference, embedded)
        if best is None or abs(measured - target) < best[0]:
            best = (abs(measured - target), candidate)
        if abs(measured - target) <= tolerance / 4:
            break
        if measured < target:
            low = middle
        else:
            high = middle
    assert best is not None
    if best[0] > tolerance:
        raise ValueError(f"could not reach similarity {target} within {tolerance}")
    return best[1]


def tied_images(image: bytes, count: int = 2) -> list[bytes]:
    """`count` byte-wise distinct PNGs with the same pixels as `image`, hence identical embeddings.

    Faces indexed from them tie exactly against any query: use one per user to test tie order.
    """
    if not 1 <= count <= 10:
        raise ValueError("count must be within 1..10")
    pixels = Image.open(io.BytesIO(image))
    pixels.load()
    results: list[bytes] = []
    for level in range(count):
        out = io.BytesIO()
        pixels.save(out, format="PNG", compress_level=level, pnginfo=None)
        data = out.getvalue()
        if data in results:  # identical compression output: make the bytes differ anyway
            data = _with_text_chunk(pixels, level)
        results.append(data)
    return results


def _with_text_chunk(image: Image.Image, level: int) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("variant", str(level))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def blank_image(size: int = 100, grey: int = 128) -> bytes:
    """A uniform PNG: decodes fine but contains no face."""
    out = io.BytesIO()
    Image.new("L", (size, size), color=grey).save(out, format="PNG")
    return out.getvalue()
