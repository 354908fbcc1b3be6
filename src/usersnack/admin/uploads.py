"""Reading an image upload from a multipart/form-data request, within a size cap.

The body is parsed as it streams in (Starlette's parser on python-multipart): the file part
is spooled to a temporary file past 1 MB, and BodySizeLimitMiddleware cuts the request off
with 413 once it passes UPLOAD_BODY_LIMIT, so an oversized upload is never held whole.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request

from usersnack.admin.images import IMAGE_FIELD, MAX_IMAGE_BYTES, ImageTooLarge
from usersnack.errors import AppError, ValidationFailed

UPLOAD_FIELD = "file"
# The image plus the multipart envelope: boundaries, part headers, a few small fields.
UPLOAD_BODY_LIMIT = MAX_IMAGE_BYTES + 64 * 1024
MAX_TEXT_FIELD_BYTES = 4 * 1024

UPLOAD_REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "example": {UPLOAD_FIELD: "(the picture's bytes)"},
            "schema": {
                "type": "object",
                "required": [UPLOAD_FIELD],
                "properties": {
                    UPLOAD_FIELD: {
                        "type": "string",
                        "format": "binary",
                        "contentMediaType": "application/octet-stream",
                        "description": (
                            "A JPEG, PNG or WebP picture: at most 5 MB and 4096 x 4096 pixels."
                        ),
                    }
                },
            },
        }
    },
}


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    message = "Send the image as multipart/form-data, in the form field `file`."


async def read_image_upload(request: Request) -> bytes:
    """The bytes of the form field `file`; 413 past MAX_IMAGE_BYTES."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "multipart/form-data":
        raise UnsupportedMediaType()
    async with request.form(max_files=1, max_fields=8, max_part_size=MAX_TEXT_FIELD_BYTES) as form:
        upload = form.get(UPLOAD_FIELD)
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.on_field(
                IMAGE_FIELD, f"attach the image as a file in the form field `{UPLOAD_FIELD}`"
            )
        if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
            raise ImageTooLarge()
        data = await upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge()
    return data
