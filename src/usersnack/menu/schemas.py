"""What the public menu endpoints return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from usersnack.common.schemas import Money


@dataclass(frozen=True, slots=True)
class PizzaFilter:
    name: str | None = None
    ingredient_id: UUID | None = None


class IngredientOut(BaseModel):
    id: UUID
    name: str = Field(examples=["mozzarella"])


class PizzaOut(BaseModel):
    id: UUID
    name: str = Field(examples=["Meateor"])
    price: Money
    ingredients: list[IngredientOut]
    images: list[str] = Field(examples=[["/media/pizzas/meateor.jpg"]])
    created_at: datetime
    updated_at: datetime


class PizzaExtraOut(BaseModel):
    id: UUID
    name: str = Field(examples=["extra mozzarella"])
    price: Money = Field(description="The extra's list price.")
    is_free: bool = Field(description="True when this extra comes free with this pizza.")
