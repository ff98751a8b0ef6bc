"""Faces in an image: the reference's deterministic detector, and scenes it detects exactly.

Like faces.py this is not vision; it is a documented rule that fixtures can aim at.

**Scenes.** A scene is a PNG whose background is pure white (255) and whose one-pixel border is
entirely background, with person tiles (``faces.person_image`` pixels, capped at 254 so no tile
pixel is background) laid out in rows with background between them. ``scene`` builds one from
``Tile``s and returns its ground truth: every tile's box as ratios of the image, in the order
the detector reports faces. Tiles can be degraded: ``dark`` (pixels x 0.12), ``dim`` (x 0.4),
``blurred`` (Gaussian blur of a tenth of the tile side); a tile whose shorter side is under
the minimum face size is ``small``.

**Detection.** An image whose border is not all 255 is one face covering the whole image
(``faces.BOUNDING_BOX``, nominal quality), exactly as before scenes existed, or no face if it is
uniform. A scene is cut recursively along rows, then columns, that are all background
(XY-cut); each piece that remains is one candidate, its box the bounding rectangle of its
non-background pixels. A candidate is a face when its 10 x 10 thumbnail has contrast (the
faces.py rule); its embedding is that thumbnail's, so a tile of ``person_image(s, size=k*10)``
embeds like the person image itself. Faces are ordered largest first (pixel area), ties by
top, then left. Per face:

* ``brightness`` = mean grey level / 255 x 100;
* ``sharpness`` = gradient energy of the tile resampled to 40 x 40, relative to its variance,
  scaled to 0..100 (a NEAREST-upscaled tile scores ~50-100, a blurred one under 10);
* ``small`` = shorter side under 40 pixels x max(1, width / 1920, height / 1080): AWS's
  documented minimum face size ("no smaller than 40x40 pixels in an image with 1920X1080
  pixels", proportionally larger above).

**Quality filter.** NONE (SearchUsersByImage's default) drops nothing. LOW drops
SMALL_BOUNDING_BOX, brightness < 10 (LOW_BRIGHTNESS) and sharpness < 10 (LOW_SHARPNESS);
MEDIUM and AUTO raise both bars to 15; HIGH to 25. So a ``dark`` tile is dropped from LOW up,
a ``dim`` one (brightness ~20) only by HIGH, a ``blurred`` one from LOW up, a ``small`` one by
every level but NONE. The whole-image face of a non-scene is never dropped.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from conformance.reference import faces

BACKGROUND: Final = 255
TILE_CAP: Final = 254
MIN_FACE_SIDE: Final = 40
"""AWS: a face must be no smaller than 40x40 pixels in a 1920x1080 image."""
REFERENCE_FRAME: Final = (1920, 1080)
SHARPNESS_SIDE: Final = 40
BARS: Final[dict[str, tuple[float, float] | None]] = {
    "NONE": None,
    "LOW": (10.0, 10.0),
    "MEDIUM": (15.0, 15.0),
    "AUTO": (15.0, 15.0),
    "HIGH": (25.0, 25.0),
}
"""QualityFilter -> (minimum brightness, minimum sharpness); None filters nothing."""
DEGRADATIONS: Final = ("good", "dark", "dim", "blurred")

Box = dict[str, float]
Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Tile:
    """One person in a scene: ``person_image(person_seed, variant, size, salt)`` at
    (``left``, ``top``), optionally degraded."""

    person_seed: int
    left: int
    top: int
    size: int = 100
    quality: str = "good"
    variant: float = 0.0
    salt: int = 0


@dataclass(frozen=True)
class Scene:
    """A scene's bytes and its ground truth (boxes in detection order: largest first)."""

    image: bytes
    width: int
    height: int
    tiles: tuple[Tile, ...]
    boxes: tuple[Box, ...] = field(default=())


@dataclass(frozen=True)
class DetectedFace:
    """One face the detector found, with the measures the quality filter reads."""

    box: Box
    area: int
    embedding: faces.Embedding
    brightness: float
    sharpness: float
    small: bool
    whole_image: bool = False

    def reasons(self, quality_filter: str) -> list[str]:
        """Why ``quality_filter`` drops this face ([] = kept)."""
        bars = BARS.get(quality_filter)
        if bars is None or self.whole_image:
            return []
        found = []
        if self.small:
            found.append("SMALL_BOUNDING_BOX")
        if self.brightness < bars[0]:
            found.append("LOW_BRIGHTNESS")
        if self.sharpness < bars[1]:
            found.append("LOW_SHARPNESS")
        return found

    def detail(self) -> dict[str, object]:
        """The FaceDetail the reference reports: box and confidence, plus the measured quality
        for a scene face (a whole-image face has none to report)."""
        out: dict[str, object] = {
            "BoundingBox": dict(self.box),
            "Confidence": faces.face_confidence(self.embedding),
        }
        if not self.whole_image:
            out["Quality"] = {"Brightness": self.brightness, "Sharpness": self.sharpness}
        return out


# --- generation ----------------------------------------------------------------------------------


def _tile_pixels(tile: Tile) -> Pixels:
    png = faces.person_image(tile.person_seed, tile.variant, tile.size, tile.salt)
    picture: Image.Image = Image.open(io.BytesIO(png)).convert("L")
    if tile.quality == "blurred":
        picture = picture.filter(ImageFilter.GaussianBlur(radius=max(1.0, tile.size / 10)))
    values = np.asarray(picture, dtype=np.float64)
    if tile.quality == "dark":
        values = values * 0.12
    elif tile.quality == "dim":
        values = values * 0.4
    elif tile.quality not in DEGRADATIONS:
        raise ValueError(f"tile quality must be one of {DEGRADATIONS}, not {tile.quality!r}")
    return np.clip(np.rint(values), 0, TILE_CAP).astype(np.uint8)


def scene(tiles: Sequence[Tile], width: int = 480, height: int = 320) -> Scene:
    """A PNG scene of ``tiles`` and the boxes the detector will report for it.

    Tiles must lie inside the image, off its border, and be separated by background that a
    straight cut can follow (``row_of_tiles`` lays them out so); ValueError otherwise.
    """
    canvas = np.full((height, width), BACKGROUND, dtype=np.uint8)
    for tile in tiles:
        if (
            tile.left < 1
            or tile.top < 1
            or tile.left + tile.size > width - 1
            or (tile.top + tile.size > height - 1)
        ):
            raise ValueError(f"tile {tile} does not fit inside a {width}x{height} scene's border")
        if (
            canvas[tile.top : tile.top + tile.size, tile.left : tile.left + tile.size] != BACKGROUND
        ).any():
            raise ValueError(f"tile {tile} overlaps another tile")
        canvas[tile.top : tile.top + tile.size, tile.left : tile.left + tile.size] = _tile_pixels(
            tile
        )
    out = io.BytesIO()
    Image.fromarray(canvas, mode="L").save(out, format="PNG")
    data = out.getvalue()
    ordered = sorted(tiles, key=lambda t: (-t.size * t.size, t.top, t.left))
    boxes = tuple(ratio_box(t.left, t.top, t.size, t.size, width, height) for t in ordered)
    return Scene(data, width, height, tuple(ordered), boxes)


def row_of_tiles(
    seeds_and_sizes: Sequence[tuple[int, int]] | Sequence[tuple[int, int, str]],
    gap: int = 8,
) -> tuple[list[Tile], int, int]:
    """Tiles laid left to right with ``gap`` pixels between, top-aligned: (tiles, width,
    height) of the smallest scene holding them (each side at least 80, Rekognition's minimum)."""
    tiles: list[Tile] = []
    left = gap
    for spec in seeds_and_sizes:
        seed, size = spec[0], spec[1]
        quality = spec[2] if len(spec) > 2 else "good"
        tiles.append(Tile(seed, left, gap, size, str(quality)))
        left += size + gap
    width = max(80, left)
    height = max(80, gap + max((t.size for t in tiles), default=0) + gap)
    return tiles, width, height


def ratio_box(left: int, top: int, width: int, height: int, image_w: int, image_h: int) -> Box:
    """A pixel rectangle as the ratios of the image AWS reports, in float32 like AWS's floats."""
    return {
        "Width": float(np.float32(width / image_w)),
        "Height": float(np.float32(height / image_h)),
        "Left": float(np.float32(left / image_w)),
        "Top": float(np.float32(top / image_h)),
    }


# --- detection -----------------------------------------------------------------------------------


def _is_scene(pixels: Pixels) -> bool:
    border = np.concatenate((pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]))
    return bool((border == BACKGROUND).all())


Mask = npt.NDArray[np.bool_]


def _pieces(mask: Mask, top: int, left: int) -> Iterator[tuple[int, int, int, int]]:
    """XY-cut: (top, left, height, width) of each piece of ``mask`` no background line splits."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return
    trimmed: Mask = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    top, left = top + int(rows[0]), left + int(cols[0])
    filled_rows: Mask = np.asarray(trimmed.any(axis=1), dtype=np.bool_)
    filled_cols: Mask = np.asarray(trimmed.any(axis=0), dtype=np.bool_)
    for axis, filled in ((0, filled_rows), (1, filled_cols)):
        gaps = np.flatnonzero(~filled)
        if not gaps.size:
            continue
        cut = int(gaps[0])
        rest = cut + int(np.argmax(filled[cut:]))
        if axis == 0:
            yield from _pieces(trimmed[:cut], top, left)
            yield from _pieces(trimmed[rest:], top + rest, left)
        else:
            yield from _pieces(trimmed[:, :cut], top, left)
            yield from _pieces(trimmed[:, rest:], top, left + rest)
        return
    yield top, left, trimmed.shape[0], trimmed.shape[1]


def _sharpness(tile: Pixels) -> float:
    small = Image.fromarray(tile, mode="L").resize(
        (SHARPNESS_SIDE, SHARPNESS_SIDE), Image.Resampling.BOX
    )
    values = np.asarray(small, dtype=np.float64)
    variance = float(values.var())
    if variance <= 0:
        return 0.0
    energy = float(np.mean(np.diff(values, axis=0) ** 2) + np.mean(np.diff(values, axis=1) ** 2))
    return float(np.float32(min(100.0, 100.0 * energy / (2.0 * variance))))


def _minimum_side(width: int, height: int) -> float:
    return MIN_FACE_SIDE * max(1.0, width / REFERENCE_FRAME[0], height / REFERENCE_FRAME[1])


def _grid(tile: Pixels) -> npt.NDArray[np.float64]:
    small = Image.fromarray(tile, mode="L").resize((faces.GRID, faces.GRID), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float64).reshape(faces.DIMENSIONS)


def _whole_image(picture: Image.Image) -> list[DetectedFace]:
    embedding = faces.embed_thumbnail(faces.grid_of(picture))
    if embedding is None:
        return []
    area = picture.width * picture.height
    box = dict(faces.BOUNDING_BOX)
    return [DetectedFace(box, area, embedding, 50.0, 100.0, small=False, whole_image=True)]


def detect(data: bytes) -> list[DetectedFace]:
    """Every face in the image, largest first; raises faces.ImageFormatError for a non-image.

    JPEG is lossy (a white background does not stay exactly 255), so only a PNG can be a
    scene; any other image is one whole-image face exactly as ``faces.embed`` sees it.
    """
    picture = faces.decode(data)
    if picture.format != "PNG":
        return _whole_image(picture)
    pixels = faces.grey_pixels(picture)
    height, width = pixels.shape
    if not _is_scene(pixels):
        return _whole_image(picture)
    found: list[DetectedFace] = []
    for top, left, h, w in _pieces(pixels != BACKGROUND, 0, 0):
        tile = pixels[top : top + h, left : left + w]
        embedding = faces.embed_thumbnail(_grid(tile))
        if embedding is None:
            continue
        found.append(
            DetectedFace(
                box=ratio_box(left, top, w, h, width, height),
                area=w * h,
                embedding=embedding,
                brightness=float(np.float32(tile.mean() / 255.0 * 100.0)),
                sharpness=_sharpness(tile),
                small=min(w, h) < _minimum_side(width, height),
            )
        )
    found.sort(key=lambda f: (-f.area, f.box["Top"], f.box["Left"]))
    return found
