"""In-memory stand-ins for the repositories, for service unit tests (no database)."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, AsyncIterator
from uuid import UUID

from usersnack.common.schemas import Page
from usersnack.orders.repository import IdempotencyKeyTaken

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


@dataclass
class FakeIngredient:
    name: str
    id: UUID = field(default_factory=uuid.uuid4)


@dataclass
class FakeExtra:
    name: str
    price: Decimal
    id: UUID = field(default_factory=uuid.uuid4)


@dataclass
class FakePizza:
    name: str
    price: Decimal
    ingredients: list[FakeIngredient] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    id: UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = T0
    updated_at: datetime = T0


@dataclass
class FakeOffer:
    pizza_id: UUID
    extra: FakeExtra
    is_free: bool = False

    @property
    def extra_id(self) -> UUID:
        return self.extra.id


def pizza(*, name: str = "Margherita", price: str = "9.50", **kwargs: Any) -> FakePizza:
    ingredients = kwargs.pop("ingredients", [FakeIngredient("tomato"), FakeIngredient("cheese")])
    return FakePizza(name=name, price=Decimal(price), ingredients=ingredients, **kwargs)


def extra(*, name: str = "olives", price: str = "1.20") -> FakeExtra:
    return FakeExtra(name=name, price=Decimal(price))


class FakeMenu:
    def __init__(self) -> None:
        self.pizzas: dict[UUID, FakePizza] = {}
        self.offers: list[FakeOffer] = []
        self.ingredients: list[FakeIngredient] = []

    def add(self, *pizzas: FakePizza) -> None:
        for item in pizzas:
            self.pizzas[item.id] = item

    def offer(self, pizza_: FakePizza, extra_: FakeExtra, *, is_free: bool = False) -> None:
        self.offers.append(FakeOffer(pizza_.id, extra_, is_free))

    async def list_pizzas(self, pizza_filter: Any, page: Page) -> tuple[list[FakePizza], int]:
        found = sorted(self.pizzas.values(), key=lambda p: (p.name, str(p.id)))
        if pizza_filter.name:
            found = [p for p in found if pizza_filter.name.lower() in p.name.lower()]
        if pizza_filter.ingredient_id:
            found = [
                p for p in found if pizza_filter.ingredient_id in {i.id for i in p.ingredients}
            ]
        return found[page.offset : page.offset + page.limit], len(found)

    async def get_pizza(self, pizza_id: UUID) -> FakePizza | None:
        return self.pizzas.get(pizza_id)

    async def pizza_exists(self, pizza_id: UUID) -> bool:
        return pizza_id in self.pizzas

    async def get_pizzas(self, pizza_ids: Any) -> list[FakePizza]:
        return [self.pizzas[i] for i in pizza_ids if i in self.pizzas]

    async def get_offers(self, pizza_ids: Any) -> list[FakeOffer]:
        wanted = set(pizza_ids)
        return [offer for offer in self.offers if offer.pizza_id in wanted]

    async def list_pizza_extras(self, pizza_id: UUID, page: Page) -> tuple[list[FakeOffer], int]:
        offers = sorted(
            (o for o in self.offers if o.pizza_id == pizza_id), key=lambda o: o.extra.name
        )
        return offers[page.offset : page.offset + page.limit], len(offers)

    async def list_ingredients(self, page: Page) -> tuple[list[FakeIngredient], int]:
        return self.ingredients[page.offset : page.offset + page.limit], len(self.ingredients)


class FakeOrders:
    def __init__(self) -> None:
        self.orders: dict[UUID, Any] = {}
        self.by_key: dict[str, Any] = {}
        # Simulates a concurrent request that stores this order under the key first.
        self.racing_order: Any | None = None

    async def get_order(self, order_id: UUID) -> Any | None:
        return self.orders.get(order_id)

    async def get_order_by_idempotency_key(self, key: str) -> Any | None:
        return self.by_key.get(key)

    async def add_order(self, order: Any) -> None:
        if self.racing_order is not None:
            winner, self.racing_order = self.racing_order, None
            self._store(winner)
        if order.idempotency_key is not None and order.idempotency_key in self.by_key:
            raise IdempotencyKeyTaken(order.idempotency_key)
        self._store(order)

    def _store(self, order: Any) -> None:
        self.orders[order.id] = order
        if order.idempotency_key is not None:
            self.by_key[order.idempotency_key] = order


@asynccontextmanager
async def no_transaction() -> AsyncIterator[None]:
    yield
