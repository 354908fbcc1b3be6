"""Order pricing: the server's alone, in Decimal cents.

A package costs quantity × (pizza price + Σ extra price × extra quantity), where an extra that
comes free with the pizza costs 0; the order's total is the sum of its packages. The
dataclasses are frozen; each amount is computed once, when the line is made. Lines have no
ids here: the database makes them when it stores the order (nothing outside it refers to a
line by id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from usersnack.common.schemas import to_money
from usersnack.menu.schemas import PizzaOut

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PricedGarnish:
    position: int
    extra_id_at_order: UUID
    name: str
    list_price: Decimal
    is_free: bool
    quantity: int
    unit_price: Decimal = field(init=False)
    subtotal: Decimal = field(init=False)

    def __post_init__(self) -> None:
        unit_price = ZERO if self.is_free else to_money(self.list_price)
        object.__setattr__(self, "unit_price", unit_price)
        object.__setattr__(self, "subtotal", unit_price * self.quantity)


@dataclass(frozen=True)
class PricedPackage:
    position: int
    pizza_id_at_order: UUID
    pizza: PizzaOut  # as the menu showed it when the order was placed
    pizza_json: bytes  # the same as JSON, as stored with the order
    pizza_price: Decimal
    quantity: int
    garnishes: list[PricedGarnish] = field(default_factory=list)
    unit_price: Decimal = field(init=False)
    subtotal: Decimal = field(init=False)

    def __post_init__(self) -> None:
        unit_price = to_money(self.pizza_price) + sum((g.subtotal for g in self.garnishes), ZERO)
        object.__setattr__(self, "unit_price", unit_price)
        object.__setattr__(self, "subtotal", unit_price * self.quantity)


@dataclass(frozen=True)
class PricedOrder:
    id: UUID
    name: str
    contact_phones: list[str]
    delivery_address: dict[str, Any]
    created_at: datetime
    idempotency_key: str | None
    request_digest: str
    packages: list[PricedPackage]
    processed: bool = False
    total_cost: Decimal = field(init=False)

    def __post_init__(self) -> None:
        total = sum((package.subtotal for package in self.packages), ZERO)
        object.__setattr__(self, "total_cost", total)
