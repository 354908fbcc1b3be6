"""Order pricing: the server's alone, in Decimal cents.

A package costs quantity × (pizza price + Σ extra price × extra quantity), where an extra that
comes free with the pizza costs 0; the order's total is the sum of its packages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from usersnack.common.schemas import to_money

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class PricedGarnish:
    id: UUID
    position: int
    extra_id_at_order: UUID
    name: str
    list_price: Decimal
    is_free: bool
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return ZERO if self.is_free else to_money(self.list_price)

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class PricedPackage:
    id: UUID
    position: int
    pizza_id_at_order: UUID
    pizza_snapshot: dict[str, Any]
    pizza_price: Decimal
    quantity: int
    garnishes: list[PricedGarnish] = field(default_factory=list)

    @property
    def unit_price(self) -> Decimal:
        return to_money(self.pizza_price) + sum((g.subtotal for g in self.garnishes), ZERO)

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
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

    @property
    def total_cost(self) -> Decimal:
        return sum((package.subtotal for package in self.packages), ZERO)
