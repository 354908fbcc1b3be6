"""Pizza images: judged by decoding, re-encoded without metadata, stored by content.

`clean_image` decides what an upload is by decoding it with Pillow (never by its name or
declared type), refuses anything but JPEG, PNG and WebP, refuses pictures over 4096 x 4096
before their pixels are decoded (decompression bombs), and re-encodes the pixels in the same
format, which drops EXIF, GPS, comments, ICC profiles and anything else riding along.

`MediaStore` keeps the result under MEDIA_ROOT/pizzas/<sha256 of the bytes>.<ext>: the same
picture twice is one file, and no client-supplied name or path ever reaches the filesystem.
Files are written atomically (temporary file, then rename), so a reader never sees half a
picture.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from usersnack.errors import PayloadTooLargeError, ValidationFailed

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 4096
JPEG_QUALITY = 88
WEBP_QUALITY = 88
MEDIA_FOLDER = "pizzas"

# Pillow format name -> file extension; nothing else is even tried as a decoder.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# What the API itself stores: only these files are ever deleted by it.
STORED_NAME = re.compile(r"^[0-9a-f]{64}\.(?:jpg|png|webp)$")

IMAGE_FIELD = "body.file"


class NotAnImage(ValidationFailed):
    message = "The file is not a JPEG, PNG or WebP image."

    def __init__(self, reason: str) -> None:
        super().__init__(details=[{"field": IMAGE_FIELD, "message": reason}])


class ImageTooLarge(PayloadTooLargeError):
    message = f"Images may be at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB."


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    extension: str
    width: int
    height: int

    @property
    def file_name(self) -> str:
        return f"{hashlib.sha256(self.data).hexdigest()}.{self.extension}"

    @property
    def key(self) -> str:
        """The media key stored with the pizza (relative to MEDIA_ROOT)."""
        return f"{MEDIA_FOLDER}/{self.file_name}"


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """Open, check the size, verify the structure, then decode the first frame."""
    with Image.open(io.BytesIO(data), formats=tuple(FORMATS)) as probe:
        image_format = probe.format or ""
        width, height = probe.size
        if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
            # Checked from the header alone, before a single pixel is decoded.
            raise NotAnImage(
                f"the image is {width} x {height} pixels; at most {MAX_IMAGE_SIDE} x "
                f"{MAX_IMAGE_SIDE} is accepted"
            )
        probe.verify()
    # verify() leaves the image unusable; decode a fresh copy.
    image = Image.open(io.BytesIO(data), formats=tuple(FORMATS))
    image.load()
    return image, image_format


def _without_metadata(image: Image.Image, image_format: str) -> tuple[Image.Image, dict]:
    """The pixels to save (upright, in a mode the format keeps) and the save options."""
    # EXIF orientation is metadata too: apply it to the pixels before it is dropped.
    ImageOps.exif_transpose(image, in_place=True)
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    options: dict[str, Any]
    if image_format == "JPEG":
        image = image if image.mode in ("L", "RGB") else image.convert("RGB")
        options = {"quality": JPEG_QUALITY, "optimize": True}
    elif image_format == "WEBP":
        image = (
            image
            if image.mode in ("RGB", "RGBA")
            else image.convert("RGBA" if has_alpha else "RGB")
        )
        options = {"quality": WEBP_QUALITY}
    else:
        options = {}
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA" if has_alpha else "RGB")
        elif "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
    image.info = {}  # nothing from the upload's metadata reaches the encoder
    return image, options


def clean_image(data: bytes) -> CleanImage:
    """The upload as a clean JPEG, PNG or WebP; NotAnImage or ImageTooLarge otherwise.

    CPU-bound (decoding); call it off the event loop (`MediaStore.prepare`).
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge()
    if not data:
        raise NotAnImage("the file is empty")
    try:
        image, image_format = _decode(data)
        with image:
            clean, options = _without_metadata(image, image_format)
            output = io.BytesIO()
            clean.save(output, format=image_format, **options)
    except NotAnImage:
        raise
    except Image.DecompressionBombError:
        raise NotAnImage("the image declares far too many pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # Not a picture in an accepted format, or a broken/truncated one.
        raise NotAnImage("the file is not a readable JPEG, PNG or WebP image") from None
    return CleanImage(
        data=output.getvalue(),
        extension=FORMATS[image_format],
        width=clean.width,
        height=clean.height,
    )


@dataclass(frozen=True, slots=True)
class StagedRemoval:
    """A file moved aside until the change that stopped using it has committed."""

    path: Path
    aside: Path


class MediaStore:
    """The pizza image files under MEDIA_ROOT. Only the admin service writes here."""

    def __init__(self, media_root: Path) -> None:
        self._root = media_root

    def _path(self, key: str) -> Path:
        folder, _, name = key.partition("/")
        if folder != MEDIA_FOLDER or not STORED_NAME.fullmatch(name):
            raise ValueError(f"not a stored image key: {key!r}")
        return self._root / MEDIA_FOLDER / name

    @staticmethod
    def is_stored_by_us(key: str) -> bool:
        """True for files this API stored; others (the fixture pictures) are never deleted."""
        folder, _, name = key.partition("/")
        return folder == MEDIA_FOLDER and bool(STORED_NAME.fullmatch(name))

    async def prepare(self, data: bytes) -> CleanImage:
        return await asyncio.to_thread(clean_image, data)

    async def save(self, image: CleanImage) -> None:
        """Write the file unless it is already there (same name, same bytes)."""
        await asyncio.to_thread(self._write, self._path(image.key), image.data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as output:
                output.write(data)
                output.flush()
                os.fsync(output.fileno())
            # mkstemp makes the file private; the web server serving /media must read it.
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def stage_removal(self, key: str) -> StagedRemoval | None:
        """Move the file aside; `finish_removal` deletes it, `undo_removal` puts it back."""
        path = self._path(key)
        aside = path.with_name(f".removed-{uuid.uuid4().hex}-{path.name}")
        try:
            await asyncio.to_thread(os.replace, path, aside)
        except FileNotFoundError:
            return None
        return StagedRemoval(path=path, aside=aside)

    async def finish_removal(self, staged: StagedRemoval | None) -> None:
        if staged is not None:
            await asyncio.to_thread(staged.aside.unlink, missing_ok=True)

    async def undo_removal(self, staged: StagedRemoval | None) -> None:
        if staged is not None and not staged.path.exists():
            await asyncio.to_thread(os.replace, staged.aside, staged.path)
