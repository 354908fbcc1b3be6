"""Request and response bodies of the staff API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from usersnack.common.schemas import Money
from usersnack.common.validation import text
from usersnack.orders.schemas import DeliveryAddressOut

# The upper bound keeps every possible order inside the DECIMAL(12,2) order columns: 20
# packages x 50 pizzas x (1000 + 20 extras x 10 x 1000) is about 2 x 10^8.
MAX_PRICE = Decimal("1000.00")
MAX_PIZZA_INGREDIENTS = 30
MAX_PIZZA_OFFERS = 50

Name = text(100)


def _price(*, free_allowed: bool) -> Any:
    bounds = {"ge": 0} if free_allowed else {"gt": 0}
    lowest = "0" if free_allowed else "more than 0"
    return Annotated[
        Decimal,
        Field(
            **bounds,
            le=MAX_PRICE,
            max_digits=6,
            decimal_places=2,
            description=f"From {lowest} to 1000.00, with at most two decimals.",
            examples=["12.90"],
        ),
    ]


PizzaPrice = _price(free_allowed=False)
ExtraPrice = _price(free_allowed=True)


def _unique(values: list, what: str) -> list:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value} is listed more than once")
        seen.add(value)
    return values


class StrictIn(BaseModel):
    # A typo in a field name ("prize") is an error, not a silently ignored field.
    model_config = ConfigDict(extra="forbid")


class PatchIn(StrictIn):
    """A partial update: a field left out keeps its value; `null` is refused."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nulls(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null; leave the field out to keep its value")
        return value


# ---- ingredients ------------------------------------------------------------------------


class IngredientIn(StrictIn):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "buffalo mozzarella"}]}
    )

    name: Name = Field(examples=["buffalo mozzarella"])


class IngredientPatch(PatchIn):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "fior di latte"}]}
    )

    name: Name | SkipJsonSchema[None] = None


class AdminIngredientOut(BaseModel):
    id: UUID
    name: str
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None = Field(description="When it was retired; null while live.")


# ---- extras -----------------------------------------------------------------------------


class ExtraIn(StrictIn):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "extra basil", "price": "0.80"}]}
    )

    name: Name = Field(examples=["extra basil"])
    price: ExtraPrice


class ExtraPatch(PatchIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"price": "0.90"}]})

    name: Name | SkipJsonSchema[None] = None
    price: ExtraPrice | SkipJsonSchema[None] = None


class AdminExtraOut(BaseModel):
    id: UUID
    name: str
    price: Money
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


# ---- pizzas -----------------------------------------------------------------------------


class OfferIn(StrictIn):
    extra_id: UUID
    is_free: bool = Field(default=False, description="Comes free with this pizza.")


def _unique_offers(offers: list[OfferIn]) -> list[OfferIn]:
    _unique([offer.extra_id for offer in offers], "extra")
    return offers


IngredientIds = Annotated[
    list[UUID],
    Field(
        min_length=1,
        max_length=MAX_PIZZA_INGREDIENTS,
        description="Live ingredients, each once; shown by name.",
    ),
    AfterValidator(lambda ids: _unique(ids, "ingredient")),
]
Offers = Annotated[
    list[OfferIn], Field(max_length=MAX_PIZZA_OFFERS), AfterValidator(_unique_offers)
]


class PizzaIn(StrictIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Bufala",
                    "price": "13.90",
                    "ingredient_ids": ["3fa85f64-5717-4562-b3fc-2c963f66afa6"],
                    "extras": [
                        {"extra_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "is_free": True}
                    ],
                }
            ]
        },
    )

    name: Name
    price: PizzaPrice
    ingredient_ids: IngredientIds
    extras: Offers = Field(
        default_factory=list, description="The extras it offers (replace later with PUT)."
    )


class PizzaPatch(PatchIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"price": "14.50"}]})

    name: Name | SkipJsonSchema[None] = None
    price: PizzaPrice | SkipJsonSchema[None] = None
    ingredient_ids: IngredientIds | SkipJsonSchema[None] = None


class PizzaOffersIn(StrictIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"extras": [{"extra_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "is_free": False}]}
            ]
        },
    )

    extras: Offers = Field(description="Every extra the pizza offers; any other is withdrawn.")


class AdminOfferOut(BaseModel):
    extra: AdminExtraOut
    is_free: bool


class AdminPizzaOut(BaseModel):
    id: UUID
    name: str
    price: Money
    ingredients: list[AdminIngredientOut]
    extras: list[AdminOfferOut]
    images: list[str] = Field(examples=[["/media/pizzas/3b1f...e9.jpg"]])
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


class PizzaImageOut(BaseModel):
    url: str = Field(description="Where the stored image is served.")
    pizza: AdminPizzaOut


@dataclass(frozen=True, slots=True)
class ItemFilter:
    retired: bool | None = None  # None: live and retired alike
    name: str | None = None  # a case-insensitive part of the name


# ---- orders inbox -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboxFilter:
    processed: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


class InboxExtraOut(BaseModel):
    name: str
    quantity: int
    is_free: bool


class InboxPackageOut(BaseModel):
    pizza_id: UUID
    pizza_name: str
    quantity: int
    extras: list[InboxExtraOut]
    subtotal: Money


class InboxOrderOut(BaseModel):
    id: UUID
    created_at: datetime
    name: str
    contact_phones: list[str]
    delivery_address: DeliveryAddressOut
    total_cost: Money
    processed: bool
    processed_at: datetime | None
    packages: list[InboxPackageOut]
