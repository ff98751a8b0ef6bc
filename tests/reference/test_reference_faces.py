"""The fake face model: deterministic, documented, and controllable by fixtures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from conformance.reference import faces


def test_embedding_is_deterministic_and_self_similar() -> None:
    image = faces.person_image(7)
    assert image == faces.person_image(7)
    assert faces.similarity_between(image, image) >= 99.99


def test_unrelated_people_are_dissimilar() -> None:
    base = faces.person_image(1)
    scores = [faces.similarity_between(base, faces.person_image(seed)) for seed in range(2, 60)]
    assert max(scores) < 50


def test_variant_moves_away_from_canonical() -> None:
    base = faces.person_image(3)
    near = faces.similarity_between(base, faces.person_image(3, variant=0.05))
    far = faces.similarity_between(base, faces.person_image(3, variant=0.6))
    assert 90 < near < 100
    assert 30 < far < 50


@pytest.mark.parametrize("target", [99.5, 80.1, 80.0, 79.9, 50.0, 5.0])
def test_image_with_similarity_lands_on_target(target: float) -> None:
    image = faces.image_with_similarity(11, target)
    measured = faces.similarity_between(faces.person_image(11), image)
    assert abs(measured - target) <= 0.05


def test_target_zero_is_exactly_zero() -> None:
    assert faces.similarity_between(faces.person_image(5), faces.image_with_similarity(5, 0)) == 0


def test_similarities_are_float32_representable() -> None:
    value = faces.similarity_between(faces.person_image(1), faces.person_image(1, 0.3))
    assert float(np.float32(value)) == value


def test_tied_images_are_distinct_bytes_with_identical_scores() -> None:
    images = faces.tied_images(faces.image_with_similarity(2, 85), count=3)
    assert len(set(images)) == 3
    scores = {faces.similarity_between(faces.person_image(2), image) for image in images}
    assert len(scores) == 1


def test_blank_image_has_no_face_and_garbage_is_rejected() -> None:
    assert faces.embed(faces.blank_image()) is None
    with pytest.raises(faces.ImageFormatError):
        faces.embed(b"definitely not an image")


def test_gif_is_not_an_accepted_format() -> None:
    out = io.BytesIO()
    Image.new("L", (24, 24), 10).save(out, format="GIF")
    with pytest.raises(faces.ImageFormatError):
        faces.embed(out.getvalue())


def test_jpeg_of_a_person_matches_its_png() -> None:
    png = faces.person_image(9)
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).save(out, format="JPEG", quality=95)
    assert faces.similarity_between(png, out.getvalue()) > 95


def test_embedding_round_trips_through_bytes() -> None:
    embedding = faces.embed(faces.person_image(4))
    assert embedding is not None
    again = faces.Embedding.from_bytes(embedding.to_bytes())
    assert faces.similarity(embedding, again) == faces.similarity(embedding, embedding)
