"""Text checks shared by request schemas."""

from __future__ import annotations

import unicodedata


def clean_text(value: str, *, allow_blank: bool = False) -> str:
    """Trim; refuse blank text and control characters (PostgreSQL rejects NUL outright)."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("must not contain control characters")
    stripped = value.strip()
    if not stripped and not allow_blank:
        raise ValueError("must not be blank")
    return stripped
