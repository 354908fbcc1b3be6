"""Order request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from usersnack.common.schemas import Money
from usersnack.common.validation import text
from usersnack.menu.schemas import PizzaOut

MAX_PHONES = 3
MAX_PACKAGES = 20
MAX_PIZZA_QUANTITY = 50
MAX_EXTRA_QUANTITY = 10
MAX_GARNISHES = 20


RequiredName = text(100)
Line = text(200)
ShortOptional = text(20, required=False)
PhoneText = Annotated[str, Field(min_length=1, max_length=40)]


class DeliveryAddressIn(BaseModel):
    street: Line = Field(examples=["Mariahilfer Strasse"])
    house_number: ShortOptional | None = Field(default=None, examples=["12A"])
    apt: ShortOptional | None = Field(default=None, examples=["4"])
    city: Line = Field(examples=["Wien"])
    country: text(100) = Field(examples=["Austria"])


def _whole_number(value: object) -> object:
    """3.0 is an integer to JSON Schema (and so to the OpenAPI schema's clients); 3.5 is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def bounded_count(maximum: int) -> Any:
    """A count from 1 to `maximum`: a JSON integer (2 or 2.0), never "2" or true."""
    return Annotated[int, Field(strict=True, ge=1, le=maximum), BeforeValidator(_whole_number)]


class GarnishIn(BaseModel):
    extra_id: UUID
    quantity: bounded_count(MAX_EXTRA_QUANTITY) = 1


class PackageIn(BaseModel):
    pizza_id: UUID
    quantity: bounded_count(MAX_PIZZA_QUANTITY) = 1
    garnishes: list[GarnishIn] = Field(default_factory=list, max_length=MAX_GARNISHES)

    @field_validator("garnishes")
    @classmethod
    def _each_extra_once(cls, garnishes: list[GarnishIn]) -> list[GarnishIn]:
        seen: set[UUID] = set()
        for garnish in garnishes:
            if garnish.extra_id in seen:
                raise ValueError(
                    f"extra {garnish.extra_id} appears more than once; raise its quantity instead"
                )
            seen.add(garnish.extra_id)
        return garnishes


class OrderIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Ada Lovelace",
                    "contact_phones": ["+43 664 1234567"],
                    "delivery_address": {
                        "street": "Mariahilfer Strasse",
                        "house_number": "12A",
                        "apt": "4",
                        "city": "Wien",
                        "country": "Austria",
                    },
                    "packages": [
                        {
                            "pizza_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                            "quantity": 2,
                            "garnishes": [
                                {"extra_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "quantity": 1}
                            ],
                        }
                    ],
                }
            ]
        }
    )

    name: RequiredName = Field(examples=["Ada Lovelace"])
    contact_phones: list[PhoneText] = Field(
        min_length=1,
        max_length=MAX_PHONES,
        description="1 to 3 phone numbers: international (+43 …) or national in the shop's region.",
    )
    delivery_address: DeliveryAddressIn
    packages: list[PackageIn] = Field(min_length=1, max_length=MAX_PACKAGES)


class DeliveryAddressOut(BaseModel):
    street: str
    house_number: str | None = None
    apt: str | None = None
    city: str
    country: str


class OrderedExtraOut(BaseModel):
    id: UUID
    name: str
    price: Money = Field(description="The extra's list price when the order was placed.")
    is_free: bool = Field(description="True when it came free with this pizza.")


class GarnishOut(BaseModel):
    extra: OrderedExtraOut
    quantity: int
    unit_price: Money = Field(description="What one of this extra cost on this pizza.")
    subtotal: Money = Field(description="unit_price × quantity, for one pizza.")


class PackageOut(BaseModel):
    pizza: PizzaOut = Field(description="The pizza as the menu showed it when ordered.")
    quantity: int
    garnishes: list[GarnishOut]
    unit_price: Money = Field(description="One pizza with its extras.")
    subtotal: Money = Field(description="unit_price × quantity.")


class OrderOut(BaseModel):
    id: UUID
    name: str
    contact_phones: list[str] = Field(examples=[["+436641234567"]])
    delivery_address: DeliveryAddressOut
    packages: list[PackageOut]
    total_cost: Money
    created_at: datetime
    processed: bool
