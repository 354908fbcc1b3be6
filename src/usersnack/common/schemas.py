"""Schema pieces shared by every domain: money, paging, the list envelope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# Money leaves the API as a string with two places ("16.90"), never as a float.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{to_money(value):.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["16.90"]}),
]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    offset: int = 0
    limit: int = DEFAULT_LIMIT


class OutSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOut(BaseModel, Generic[T]):
    results: list[T]
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    size: int = Field(ge=0, description="Total number of matches, over all pages.")


def schema_response(
    schema: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A schema the service built, serialized once.

    Returning the model itself would make FastAPI validate it again against `response_model`
    before serializing; our services already build the exact schema.
    """
    return Response(
        content=schema.model_dump_json(),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )
