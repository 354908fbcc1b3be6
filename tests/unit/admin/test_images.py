"""Judging, cleaning and storing pictures: Pillow on real bytes, files in a temporary folder."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from tests.pictures import SVG_WITH_SCRIPT, picture, png_declaring, solid_png
from usersnack.admin.images import (
    MAX_IMAGE_BYTES,
    ImageTooLarge,
    MediaStore,
    NotAnImage,
    clean_image,
)


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_keeps_its_format_and_loses_its_metadata(image_format):
    clean = clean_image(picture(image_format=image_format, secret="home address, GPS"))

    image = reopen(clean.data)
    assert image.format == image_format
    assert clean.extension == {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    assert not image.getexif()
    assert "icc_profile" not in image.info and "Comment" not in image.info
    assert b"GPS" not in clean.data and b"home address" not in clean.data


def test_exif_orientation_is_applied_before_it_is_dropped():
    clean = clean_image(picture(size=(40, 20), exif_orientation=6))  # rotate 90 degrees
    assert reopen(clean.data).size == (20, 40)


def test_transparency_survives():
    clean = clean_image(picture(image_format="PNG", mode="RGBA", color=(1, 2, 3, 100)))
    assert reopen(clean.data).getpixel((50, 40))[3] == 100


def test_the_same_picture_always_gets_the_same_name():
    data = picture(image_format="WEBP")
    assert clean_image(data).file_name == clean_image(data).file_name
    assert (
        clean_image(data).file_name
        != clean_image(picture(image_format="WEBP", color=(1, 1, 1))).file_name
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text with a .jpg name",
        SVG_WITH_SCRIPT,
        b"GIF89a" + b"\x00" * 64,
        picture()[:200],  # a truncated JPEG
    ],
    ids=["empty", "text", "svg", "gif-header", "truncated"],
)
def test_anything_else_is_not_an_image(data):
    with pytest.raises(NotAnImage):
        clean_image(data)


def test_gif_is_refused_even_when_it_decodes():
    output = io.BytesIO()
    Image.new("RGB", (8, 8)).save(output, format="GIF")
    with pytest.raises(NotAnImage):
        clean_image(output.getvalue())


@pytest.mark.parametrize(
    "width,height",
    [(4097, 16), (16, 4097), (30_000, 30_000), (2**31 - 1, 2**31 - 1)],
)
def test_decompression_bombs_are_refused_from_the_header(width, height):
    with pytest.raises(NotAnImage) as refused:
        clean_image(png_declaring(width=width, height=height))
    assert refused.value.details[0]["field"] == "body.file"


def test_the_largest_accepted_picture_decodes():
    assert clean_image(solid_png(width=4096, height=4096)).width == 4096


def test_more_than_five_megabytes_is_too_large():
    with pytest.raises(ImageTooLarge):
        clean_image(b"\xff\xd8\xff" + b"\x00" * MAX_IMAGE_BYTES)


async def test_the_store_writes_once_atomically_and_readably(tmp_path):
    store = MediaStore(tmp_path)
    image = clean_image(picture())

    await store.save(image)
    await store.save(image)

    folder = tmp_path / "pizzas"
    assert [path.name for path in folder.iterdir()] == [image.file_name]
    assert (folder / image.file_name).read_bytes() == image.data
    assert stat.S_IMODE(os.stat(folder / image.file_name).st_mode) == 0o644


async def test_staged_removal_can_be_finished_or_undone(tmp_path):
    store = MediaStore(tmp_path)
    image = clean_image(picture())
    await store.save(image)
    path = tmp_path / image.key

    staged = await store.stage_removal(image.key)
    assert not path.exists()
    await store.undo_removal(staged)
    assert path.read_bytes() == image.data

    await store.finish_removal(await store.stage_removal(image.key))
    assert list((tmp_path / "pizzas").iterdir()) == []
    assert await store.stage_removal(image.key) is None


def test_only_content_addressed_keys_are_ours():
    assert MediaStore.is_stored_by_us("pizzas/" + "a" * 64 + ".png")
    for key in ("pizzas/margherita.jpg", "pizzas/../" + "a" * 64 + ".png", "a" * 64 + ".png"):
        assert not MediaStore.is_stored_by_us(key)
    with pytest.raises(ValueError):
        MediaStore(Path("/tmp"))._path("pizzas/../../etc/passwd")
