"""What the admin repositories hand the services: plain, immutable copies of stored rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID


class Kind(str, Enum):
    """The menu items staff manage; the value is the item's name in messages and tables."""

    INGREDIENT = "ingredient"
    EXTRA = "extra"
    PIZZA = "pizza"


@dataclass(frozen=True, slots=True)
class IngredientRecord:
    id: UUID
    name: str
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExtraRecord:
    id: UUID
    name: str
    price: Decimal
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class OfferRecord:
    extra: ExtraRecord
    is_free: bool


@dataclass(frozen=True, slots=True)
class PizzaRecord:
    id: UUID
    name: str
    price: Decimal
    images: tuple[str, ...]  # media keys ("pizzas/<name>"), in display order
    ingredients: tuple[IngredientRecord, ...]  # by name
    offers: tuple[OfferRecord, ...]  # by extra name
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


MenuRecord = IngredientRecord | ExtraRecord | PizzaRecord
