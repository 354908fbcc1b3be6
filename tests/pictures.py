"""Pictures for upload tests, good and hostile, drawn with Pillow. Keyword-only functions."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin


def picture(
    *,
    image_format: str = "JPEG",
    size: tuple[int, int] = (64, 48),
    color: tuple[int, ...] = (200, 40, 40),
    mode: str = "RGB",
    exif_orientation: int | None = None,
    secret: str | None = None,
) -> bytes:
    """A small picture; `secret` hides text in its metadata (EXIF, a PNG text chunk)."""
    image = Image.new(mode, size, color)
    # A second colour, so re-encoding has something to do and orientation is visible.
    image.paste((0, 0, 0) if mode != "L" else 0, (0, 0, size[0] // 4, size[1] // 4))
    options: dict = {}
    exif = Image.Exif()
    if exif_orientation is not None:
        exif[0x0112] = exif_orientation
    if secret is not None:
        exif[0x010E] = secret  # ImageDescription
        if image_format == "PNG":
            text = PngImagePlugin.PngInfo()
            text.add_text("Comment", secret)
            options["pnginfo"] = text
        if image_format == "JPEG":
            options["comment"] = secret.encode()
    if len(exif):
        options["exif"] = exif.tobytes()
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def png_declaring(*, width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims `width` x `height` pixels.

    The pixel data is a few bytes of zlib: a classic decompression bomb, caught before
    anything is decoded.
    """

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024, 9))
        + chunk(b"IEND", b"")
    )


def solid_png(*, width: int, height: int) -> bytes:
    """A large single-colour PNG that compresses to a few kilobytes."""
    output = io.BytesIO()
    Image.new("L", (width, height), 128).save(output, format="PNG", optimize=True)
    return output.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>fetch("/v1/admin/orders")</script><rect width="10" height="10"/></svg>'
)
