"""Text types shared by request schemas.

Control characters are refused (PostgreSQL rejects NUL outright, and none belongs in a name
or an address); surrounding white space is trimmed. The rules are patterns, so the OpenAPI
schema states exactly what the server accepts.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import StringConstraints

_CONTROL = r"\x00-\x1f\x7f-\x9f"
ANY_TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
NON_BLANK_TEXT_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"


def text(max_length: int, *, required: bool = True) -> Any:
    """A trimmed string of at most `max_length` characters; `required` means not blank."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=1 if required else None,
            max_length=max_length,
            pattern=NON_BLANK_TEXT_PATTERN if required else ANY_TEXT_PATTERN,
        ),
    ]
